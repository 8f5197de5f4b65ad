package extract

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/normtag/normtag/corpus"
)

// Limits against zip bombs and pathological XML.
const (
	maxZipEntries  = 10000
	maxXMLDepth    = 256
	maxUnzipFactor = 20      // decompressed bytes per compressed byte read
	maxUnzipBytes  = 1 << 30 // whatever the file size
)

var errTooBig = errors.New("decompressed content exceeds the limit")

// isDOCX reports whether a ZIP archive holds a Word document.
func isDOCX(data []byte) bool {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return false
	}
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			return true
		}
	}
	return false
}

// docx holds what is read from one Word document.
type docx struct {
	zr        *zip.Reader
	budget    int64 // decompressed bytes still allowed
	headingOf map[string]int
	pages     []corpus.Page
	cur       strings.Builder
	heads     []corpus.Span
}

func extractDOCX(ctx context.Context, doc *corpus.Document, data []byte, opts Options) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return corpus.Errorf(corpus.ReasonMalformed, "open docx: %w", err)
	}
	if len(zr.File) > maxZipEntries {
		return corpus.Errorf(corpus.ReasonTooLarge, "docx has %d entries", len(zr.File))
	}
	d := &docx{zr: zr, budget: min(int64(len(data))*maxUnzipFactor+1<<20, maxUnzipBytes), headingOf: map[string]int{}}
	if err := d.readStyles(); err != nil {
		return err
	}
	if err := d.readBody(ctx, "word/document.xml"); err != nil {
		return err
	}
	for _, part := range []string{"word/footnotes.xml", "word/endnotes.xml"} {
		if err := d.readBody(ctx, part); err != nil && !errors.Is(err, errMissingPart) {
			return err
		}
	}
	d.endPage()
	doc.Pages = d.pages
	doc.PageCount = len(d.pages)
	d.readCore(doc)
	return nil
}

var errMissingPart = errors.New("missing part")

// open returns a reader for a part, charged against the decompression budget.
func (d *docx) open(name string) (io.ReadCloser, error) {
	for _, f := range d.zr.File {
		if f.Name == name {
			rc, err := f.Open()
			if err != nil {
				return nil, corpus.Errorf(corpus.ReasonMalformed, "open %s: %w", name, err)
			}
			return &budgetReader{rc: rc, d: d}, nil
		}
	}
	return nil, errMissingPart
}

type budgetReader struct {
	rc io.ReadCloser
	d  *docx
}

func (b *budgetReader) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	b.d.budget -= int64(n)
	if b.d.budget < 0 {
		return n, corpus.Errorf(corpus.ReasonTooLarge, "%w", errTooBig)
	}
	return n, err
}

func (b *budgetReader) Close() error { return b.rc.Close() }

// readStyles maps paragraph style ids to heading levels: styles named
// "heading N" or "Title", or carrying an outline level.
func (d *docx) readStyles() error {
	rc, err := d.open("word/styles.xml")
	if errors.Is(err, errMissingPart) {
		return nil
	}
	if err != nil {
		return err
	}
	defer rc.Close()
	dec := xml.NewDecoder(rc)
	var id string
	depth := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return xmlError("styles", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth++; depth > maxXMLDepth {
				return corpus.Errorf(corpus.ReasonMalformed, "styles nested too deeply")
			}
			switch t.Name.Local {
			case "style":
				id = wAttr(t, "styleId")
				if lvl := headingStyleLevel(id); lvl > 0 {
					d.headingOf[id] = lvl
				}
			case "name":
				if lvl := headingStyleLevel(wAttr(t, "val")); lvl > 0 && id != "" {
					d.headingOf[id] = lvl
				}
			case "outlineLvl":
				if n, err := strconv.Atoi(wAttr(t, "val")); err == nil && n < 9 && id != "" {
					d.headingOf[id] = n + 1
				}
			}
		case xml.EndElement:
			depth--
		}
	}
}

// headingStyleLevel reads "heading 2", "Heading2", "Title" and the like.
func headingStyleLevel(name string) int {
	n := strings.ToLower(strings.ReplaceAll(name, " ", ""))
	if n == "title" {
		return 1
	}
	for _, prefix := range []string{"heading", "titre", "título", "titulo", "berschrift"} {
		if i := strings.Index(n, prefix); i >= 0 {
			if v, err := strconv.Atoi(n[i+len(prefix):]); err == nil && v >= 1 && v <= 9 {
				return v
			}
		}
	}
	return 0
}

// readBody walks the paragraphs of a document part.
func (d *docx) readBody(ctx context.Context, part string) error {
	rc, err := d.open(part)
	if err != nil {
		return err
	}
	defer rc.Close()
	dec := xml.NewDecoder(rc)
	var para strings.Builder
	level, depth, count := 0, 0, 0
	inText := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return xmlError(part, err)
		}
		if count++; count%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth++; depth > maxXMLDepth {
				return corpus.Errorf(corpus.ReasonMalformed, "%s nested too deeply", part)
			}
			switch t.Name.Local {
			case "p":
				para.Reset()
				level = 0
			case "pStyle":
				level = d.headingOf[wAttr(t, "val")]
			case "outlineLvl":
				if n, err := strconv.Atoi(wAttr(t, "val")); err == nil && n < 9 {
					level = n + 1
				}
			case "t", "delText":
				inText = t.Name.Local == "t"
			case "tab":
				para.WriteByte('\t')
			case "br", "cr":
				if wAttr(t, "type") == "page" {
					d.flushParagraph(&para, level)
					d.endPage()
				} else {
					para.WriteByte('\n')
				}
			case "lastRenderedPageBreak":
				if para.Len() == 0 {
					d.endPage()
				}
			}
		case xml.EndElement:
			depth--
			switch t.Name.Local {
			case "t", "delText":
				inText = false
			case "p":
				d.flushParagraph(&para, level)
			case "tc":
				para.WriteByte(' ')
			}
		case xml.CharData:
			if inText {
				para.Write(t)
			}
		}
	}
}

// flushParagraph appends a finished paragraph to the current page.
func (d *docx) flushParagraph(para *strings.Builder, level int) {
	text := strings.TrimSpace(para.String())
	para.Reset()
	if text == "" {
		return
	}
	if level > 0 {
		text = strings.Join(strings.Fields(text), " ")
		start := d.cur.Len()
		d.cur.WriteString(text)
		d.heads = append(d.heads, corpus.Span{Start: start, End: d.cur.Len(), Level: level})
	} else {
		d.cur.WriteString(text)
	}
	d.cur.WriteString("\n\n")
}

// endPage closes the current page if it has text.
func (d *docx) endPage() {
	if strings.TrimSpace(d.cur.String()) == "" && len(d.pages) > 0 {
		return
	}
	if d.cur.Len() == 0 && len(d.pages) == 0 {
		return
	}
	d.pages = append(d.pages, corpus.Page{Number: len(d.pages) + 1, Text: d.cur.String(), Headings: d.heads})
	d.cur.Reset()
	d.heads = nil
}

// readCore reads docProps/core.xml: title, author, date, language.
func (d *docx) readCore(doc *corpus.Document) {
	rc, err := d.open("docProps/core.xml")
	if err != nil {
		return
	}
	defer rc.Close()
	var core struct {
		Title    string `xml:"title"`
		Creator  string `xml:"creator"`
		Created  string `xml:"created"`
		Language string `xml:"language"`
	}
	if err := xml.NewDecoder(io.LimitReader(rc, 1<<20)).Decode(&core); err != nil {
		return
	}
	if t := cleanTitle(core.Title); t != "" {
		doc.Title = t
	}
	setMeta(doc, "author", core.Creator)
	if len(core.Created) >= 10 {
		setMeta(doc, "date", core.Created[:10])
	}
	setMeta(doc, "language", core.Language)
}

func wAttr(t xml.StartElement, local string) string {
	for _, a := range t.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

func xmlError(part string, err error) error {
	var ce *corpus.Error
	if errors.As(err, &ce) {
		return err
	}
	return corpus.Errorf(corpus.ReasonMalformed, "%s: %w", part, fmt.Errorf("xml: %w", err))
}
