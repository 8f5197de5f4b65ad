package pdf

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"

	lpdf "github.com/ledongthuc/pdf"
)

// maxXMP bounds the metadata stream read.
const maxXMP = 1 << 20

// xmpInfo is what normtag takes from a catalog's XMP metadata stream.
type xmpInfo struct {
	Title, Author, Created, Lang string
}

// readXMP reads the catalog's /Metadata stream (XMP: RDF in XML) for the
// title, creators, creation date and language. PDF 2.0 deprecates the
// Info dictionary, and many writers fill only XMP.
func readXMP(root lpdf.Value) (x xmpInfo) {
	defer func() {
		if recover() != nil {
			x = xmpInfo{}
		}
	}()
	md := root.Key("Metadata")
	if md.Kind() != lpdf.Stream {
		return x
	}
	rc := md.Reader()
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, maxXMP))
	if err != nil && len(data) == 0 {
		return x
	}
	return parseXMP(data)
}

// parseXMP walks the XML for the Dublin Core and XMP basic properties.
// Values may be elements with rdf:Alt/rdf:Seq/rdf:Bag lists of rdf:li, or
// attributes of rdf:Description; the first non-empty value wins, and in
// a language alternative the x-default one.
func parseXMP(data []byte) xmpInfo {
	var x xmpInfo
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = false
	dec.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	set := func(local, value string) {
		value = strings.Join(strings.Fields(value), " ")
		if value == "" {
			return
		}
		switch local {
		case "title":
			if x.Title == "" {
				x.Title = value
			}
		case "creator":
			if x.Author == "" {
				x.Author = value
			} else if !strings.Contains(x.Author, value) {
				x.Author += "; " + value
			}
		case "CreateDate":
			if x.Created == "" && len(value) >= 10 && isDigits(value[:4]) && isDigits(value[5:7]) && isDigits(value[8:10]) {
				x.Created = value[:10]
			}
		case "language":
			if x.Lang == "" {
				x.Lang = value
			}
		}
	}
	var property string // the property element we are inside, if any
	var text strings.Builder
	depth, propDepth := 0, 0
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if t.Name.Local == "Description" {
				for _, a := range t.Attr {
					set(a.Name.Local, a.Value)
				}
				continue
			}
			switch t.Name.Local {
			case "title", "creator", "CreateDate", "language":
				property, propDepth = t.Name.Local, depth
				text.Reset()
			case "li":
				text.Reset()
				if property == "title" {
					for _, a := range t.Attr {
						if a.Name.Local == "lang" && a.Value == "x-default" && x.Title != "" {
							x.Title = "" // the default language's title replaces another
						}
					}
				}
			}
		case xml.CharData:
			if property != "" {
				text.Write(t)
			}
		case xml.EndElement:
			if property != "" && (t.Name.Local == "li" || depth == propDepth) {
				set(property, text.String())
				text.Reset()
			}
			if depth == propDepth {
				property = ""
			}
			depth--
		}
	}
	return x
}
