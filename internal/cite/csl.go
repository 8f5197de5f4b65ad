package cite

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
)

// CSLItem is one record of CSL-JSON, the input format of citeproc
// processors (Zotero, Pandoc, Mendeley), with the variables normtag
// fills. Field names are CSL's.
type CSLItem struct {
	ID   string `json:"id"`
	Type string `json:"type"`
	// Title is the document's title, also for a passage: the passage is
	// located in it by Page and Section.
	Title string `json:"title"`
	// Author holds the submitter as an institution ({"literal": ...}),
	// never split into given and family names.
	Author    []CSLName `json:"author,omitempty"`
	Issued    *CSLDate  `json:"issued,omitempty"`
	Publisher string    `json:"publisher,omitempty"`
	// Page is the passage's page or range ("6", "6-7").
	Page          string `json:"page,omitempty"`
	NumberOfPages int    `json:"number-of-pages,omitempty"`
	// Section is the headings the passage lies under.
	Section  string `json:"section,omitempty"`
	Language string `json:"language,omitempty"`
	// URL is the passage's permalink or the document's page.
	URL string `json:"URL,omitempty"`
	// Abstract holds a passage's text, the words being cited.
	Abstract string `json:"abstract,omitempty"`
	Note     string `json:"note,omitempty"`
	Source   string `json:"source,omitempty"`
	// Custom keeps what programs may want back: document id, passage
	// number, norms, OCR.
	Custom map[string]any `json:"custom,omitempty"`
}

// CSLName is a CSL name; normtag uses Literal only.
type CSLName struct {
	Literal string `json:"literal"`
}

// CSLDate is a CSL date: DateParts with one, two or three numbers keeps
// the date's precision; Raw holds a date normtag could not read.
type CSLDate struct {
	DateParts [][]int `json:"date-parts,omitempty"`
	Raw       string  `json:"raw,omitempty"`
}

// CSL is an item as a CSL-JSON record with id key.
func CSL(it Item, key string) CSLItem {
	c := CSLItem{ID: key, Type: "report", Title: oneLine(it.Title), Publisher: oneLine(it.Publisher),
		NumberOfPages: it.PageCount, Language: it.Language, URL: it.URL(), Note: Note(it), Source: "normtag"}
	if it.Submitter != "" {
		c.Author = []CSLName{{Literal: oneLine(it.Submitter)}}
	}
	if parts := DateParts(it.Date); parts != nil {
		c.Issued = &CSLDate{DateParts: [][]int{parts}}
	} else if it.Date != "" {
		c.Issued = &CSLDate{Raw: oneLine(it.Date)}
	}
	c.Custom = map[string]any{"document": it.DocID}
	if p := it.Passage; p != nil {
		c.Page = pageRange(p, "-")
		c.Section = oneLine(strings.Join(p.HeadingPath, " › "))
		c.Abstract = oneLine(p.Text)
		c.Custom["passage"] = p.Seq
		c.Custom["norms_direct"] = nonNil(p.Direct)
		c.Custom["norms_inherited"] = nonNil(p.Inherited)
		if p.OCR {
			c.Custom["ocr_confidence"] = p.OCRConfidence
		}
	}
	return c
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// cslWriter writes a CSL-JSON array, one record a line.
type cslWriter struct {
	w    io.Writer
	keys keys
	n    int
}

func (c *cslWriter) Write(it Item) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // titles keep their & and <
	if err := enc.Encode(CSL(it, c.keys.next(it))); err != nil {
		return err
	}
	sep := ",\n"
	if c.n == 0 {
		sep = "[\n"
	}
	c.n++
	_, err := io.WriteString(c.w, sep+strings.TrimSuffix(buf.String(), "\n"))
	return err
}

func (c *cslWriter) Close() error {
	end := "\n]\n"
	if c.n == 0 {
		end = "[]\n"
	}
	_, err := io.WriteString(c.w, end)
	return err
}
