// Package cite turns stored documents and passages into citations: the
// one-line text a reader pastes into a paper, and the CSL-JSON, RIS and
// BibTeX records reference managers (Zotero, Mendeley, EndNote, BibLaTeX)
// import. Each citation carries a permalink, /p/{document}/{passage},
// that finds its passage again after a reindex, a retag or a re-ingest
// of the same file (see Permalink and Resolve).
//
// The command line's export, the web page's copy-citation button and the
// HTTP API build their citations here, so all three cite alike.
package cite

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/internal/norms"
)

// Work is the document a citation points to.
type Work struct {
	// DocID is the document's id, the SHA-256 of its file.
	DocID string
	Title string
	// Submitter is the state or organisation that submitted the
	// document: the citation's author, an institution, never split into
	// given and family names.
	Submitter     string
	SubmitterType string
	Country       string
	// Date is YYYY, YYYY-MM or YYYY-MM-DD: its precision is kept in
	// every format (a month-only date never gains a day).
	Date      string
	Language  string
	Publisher string
	File      string
	Format    corpus.Format
	// PageCount is the file's number of pages, 0 when it has none.
	PageCount int
	// URL is the document's page; FileURL serves its original file.
	URL, FileURL string
}

// Passage is the part of a Work a passage citation points to.
type Passage struct {
	// Seq is the passage's position in its document.
	Seq int
	// Page and PageEnd are the pages it runs over; 0 when the document
	// has no pages (a text or HTML file).
	Page, PageEnd int
	Kind          corpus.Kind
	// HeadingPath holds the headings it lies under, outermost first.
	HeadingPath []string
	// Direct and Inherited are the norms found in its own words and the
	// norms its section heading passes on.
	Direct, Inherited []string
	Text              string
	// OCR marks a passage read from page images, with OCRConfidence its
	// pages' mean word confidence (0-100).
	OCR           bool
	OCRConfidence float64
	// Permalink finds the passage again (see Permalink).
	Permalink string
}

// Item is one citation: a whole document when Passage is nil, else one
// passage of it.
type Item struct {
	Work
	Passage *Passage
}

// URL is where the citation points: the passage's permalink, or the
// document's page.
func (it Item) URL() string {
	if it.Passage != nil && it.Passage.Permalink != "" {
		return it.Passage.Permalink
	}
	return it.Work.URL
}

// WorkOf describes document d, with links under base (see Links).
func WorkOf(d *corpus.Document, l Links) Work {
	w := Work{DocID: d.ID, Title: d.Title, Submitter: d.Submitter(), SubmitterType: d.Meta["submitter_type"],
		Country: d.Meta["country"], Date: strings.TrimSpace(d.Meta["date"]), Language: d.Meta["language"],
		Publisher: d.Meta["publisher"], File: d.FileName, Format: d.Format,
		URL: l.Document(d.ID), FileURL: l.File(d.ID)}
	if d.Format == corpus.FormatPDF {
		// Other formats count one page for the whole file.
		w.PageCount = d.PageCount
	}
	if w.Title == "" {
		w.Title = d.FileName
	}
	return w
}

// OfDocument cites document d as a whole.
func OfDocument(d *corpus.Document, l Links) Item { return Item{Work: WorkOf(d, l)} }

// OfPassage cites passage p of document d. ocrPages is d.OCRPages(),
// computed once for all of a document's passages.
func OfPassage(d *corpus.Document, ocrPages map[int]float64, p corpus.Passage, l Links) Item {
	it := Item{Work: WorkOf(d, l)}
	it.Passage = PassageOf(d.ID, ocrPages, p, l)
	return it
}

// PassageOf describes passage p of document docID.
func PassageOf(docID string, ocrPages map[int]float64, p corpus.Passage, l Links) *Passage {
	cp := &Passage{Seq: p.Seq, Page: p.Page, PageEnd: p.LastPage(), Kind: p.KindOf(), HeadingPath: p.HeadingPath,
		Text: p.Text, Permalink: l.Passage(docID, p.Seq, p.Text)}
	for _, t := range p.Tags {
		if t.Inherited {
			cp.Inherited = append(cp.Inherited, t.Norm)
		} else {
			cp.Direct = append(cp.Direct, t.Norm)
		}
	}
	cp.OCR, cp.OCRConfidence = corpus.PassageOCR(ocrPages, p)
	return cp
}

// Text is the citation a reader pastes: submitter, “title”, date, pages,
// the headings above the passage, its number, an OCR warning when its
// words were read from an image, and the permalink. For example:
//
//	Examplia, “National report on responsible state behaviour”, 12 May 2023, pp. 6–7 (Norm 7 › Operational measures), passage 12. http://host/p/…/12-3fa2…
func Text(it Item) string {
	var parts []string
	if it.Submitter != "" {
		parts = append(parts, oneLine(it.Submitter))
	}
	parts = append(parts, "“"+oneLine(it.Title)+"”")
	if d := HumanDate(it.Date); d != "" {
		parts = append(parts, d)
	}
	if p := it.Passage; p != nil {
		where := corpus.PageCite(p.Page, p.PageEnd)
		if len(p.HeadingPath) > 0 {
			path := "(" + oneLine(strings.Join(p.HeadingPath, " › ")) + ")"
			where = strings.TrimSpace(where + " " + path)
		}
		if where != "" {
			parts = append(parts, where)
		}
		parts = append(parts, fmt.Sprintf("passage %d", p.Seq))
	} else if it.PageCount > 0 {
		parts = append(parts, plural(it.PageCount, "page"))
	}
	s := strings.Join(parts, ", ")
	if p := it.Passage; p != nil && p.OCR {
		// Words read from a page image may be misread: a quotation from
		// it is to be checked against the page.
		s += fmt.Sprintf(" [OCR, confidence %.0f]", p.OCRConfidence)
	}
	if u := it.URL(); u != "" {
		s += ". " + u
	}
	return s
}

// NormsNote says which norms a passage carries, by letter and short
// name: "Norms: (g) Protect critical infrastructure; from its section:
// (k) …". Empty for a document or an untagged passage.
func NormsNote(p *Passage) string {
	if p == nil {
		return ""
	}
	var parts []string
	if len(p.Direct) > 0 {
		parts = append(parts, "Norms: "+normList(p.Direct))
	}
	if len(p.Inherited) > 0 {
		parts = append(parts, "from its section: "+normList(p.Inherited))
	}
	return strings.Join(parts, "; ")
}

func normList(letters []string) string {
	out := make([]string, 0, len(letters))
	for _, l := range letters {
		if n, ok := norms.ByLetter(l); ok {
			out = append(out, fmt.Sprintf("(%s) %s", l, n.Short))
		} else {
			out = append(out, "("+l+")")
		}
	}
	return strings.Join(out, ", ")
}

// Note is the free-text note of a record: the passage's number, kind and
// headings, its norms, an OCR warning, and the submitter's type and
// country, which no citation field holds.
func Note(it Item) string {
	var parts []string
	if p := it.Passage; p != nil {
		s := fmt.Sprintf("Passage %d", p.Seq)
		if p.Kind != "" && p.Kind != corpus.KindBody {
			s += " (" + string(p.Kind) + ")"
		}
		if len(p.HeadingPath) > 0 {
			s += " under " + strings.Join(p.HeadingPath, " › ")
		}
		parts = append(parts, s)
		if n := NormsNote(p); n != "" {
			parts = append(parts, n)
		}
		if p.OCR {
			parts = append(parts, fmt.Sprintf("read by OCR (confidence %.0f): check the words against the page", p.OCRConfidence))
		}
	}
	var who []string
	for _, v := range []string{it.SubmitterType, it.Country} {
		if v != "" {
			who = append(who, v)
		}
	}
	if len(who) > 0 {
		parts = append(parts, "Submitter: "+strings.Join(who, ", "))
	}
	return oneLine(strings.Join(parts, ". "))
}

// DateParts reads a YYYY, YYYY-MM or YYYY-MM-DD date into its numbers,
// as many as the date gives; nil when it is none of these.
func DateParts(s string) []int {
	s = strings.TrimSpace(s)
	fields := strings.Split(s, "-")
	if len(fields) > 3 || len(fields[0]) != 4 {
		return nil
	}
	out := make([]int, 0, len(fields))
	for i, f := range fields {
		n, err := strconv.Atoi(f)
		if err != nil || n < 0 || i > 0 && len(f) != 2 {
			return nil
		}
		out = append(out, n)
	}
	if len(out) > 1 && (out[1] < 1 || out[1] > 12) {
		return nil
	}
	if len(out) > 2 {
		if _, err := time.Parse("2006-01-02", s); err != nil {
			return nil
		}
	}
	return out
}

// HumanDate writes a date at its own precision: "2023", "May 2023" or
// "12 May 2023"; a value that is not a date is returned as it is.
func HumanDate(s string) string {
	p := DateParts(s)
	switch len(p) {
	case 1:
		return strconv.Itoa(p[0])
	case 2:
		return time.Month(p[1]).String() + " " + strconv.Itoa(p[0])
	case 3:
		return fmt.Sprintf("%d %s %d", p[2], time.Month(p[1]), p[0])
	}
	return oneLine(s)
}

// oneLine folds a value's whitespace, line breaks included, to single
// spaces: every format here holds a field on one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}
