package extract

import (
	"bytes"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"

	"github.com/normtag/normtag/corpus"
)

// skipped elements hold no visible text.
var skipped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Head: true, atom.Svg: true, atom.Math: true, atom.Iframe: true, atom.Object: true,
	atom.Select: true, atom.Button: true,
}

// blocks start a new paragraph.
var blocks = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Section: true, atom.Article: true, atom.Li: true,
	atom.Ul: true, atom.Ol: true, atom.Table: true, atom.Tr: true, atom.Blockquote: true,
	atom.Pre: true, atom.Header: true, atom.Footer: true, atom.Main: true, atom.Aside: true,
	atom.Nav: true, atom.Dl: true, atom.Dt: true, atom.Dd: true, atom.Figure: true,
	atom.Figcaption: true, atom.Hr: true, atom.Form: true, atom.Address: true, atom.Caption: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
}

var headingLevel = map[atom.Atom]int{atom.H1: 1, atom.H2: 2, atom.H3: 3, atom.H4: 4, atom.H5: 5, atom.H6: 6}

// extractHTML keeps the visible text of a page, one paragraph per block
// element, with h1–h6 recorded as heading spans, and reads the title,
// language and <meta> fields.
func extractHTML(doc *corpus.Document, data []byte) error {
	// Valid UTF-8 is UTF-8 whatever the page declares: a declared Latin-1
	// with valid multi-byte sequences is a mislabelled page, and
	// charset's own guess looks at the first KiB only.
	var r io.Reader = bytes.NewReader(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")))
	if !utf8.Valid(data) {
		cr, err := charset.NewReader(bytes.NewReader(data), "text/html")
		if err == nil {
			r = cr
		}
	}
	root, err := html.Parse(r)
	if err != nil {
		return corpus.Errorf(corpus.ReasonMalformed, "parse html: %w", err)
	}
	w := &htmlText{}
	w.walk(root, 0)
	// An HTML page has no pages: its passages are cited without one.
	doc.Pages = []corpus.Page{{Number: 0, Text: w.b.String(), Headings: w.heads}}
	doc.PageCount = 1
	doc.Title = cleanTitle(w.title)
	if doc.Title == "" {
		doc.Title = cleanTitle(w.metaTitle)
	}
	for k, v := range w.meta {
		setMeta(doc, k, v)
	}
	return nil
}

type htmlText struct {
	b     strings.Builder
	heads []corpus.Span
	title string
	// metaTitle is a title declared in <meta>, used without <title>.
	metaTitle string
	meta      map[string]string
	inPre     bool
	// inHeading counts the h1-h6 elements being walked.
	inHeading int
	pending   bool // a space is due before the next word
}

func (w *htmlText) walk(n *html.Node, depth int) {
	if depth > 512 {
		return
	}
	switch n.Type {
	case html.ElementNode:
		w.element(n, depth)
		return
	case html.TextNode:
		w.text(n.Data)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c, depth+1)
	}
}

func (w *htmlText) element(n *html.Node, depth int) {
	switch n.DataAtom {
	case atom.Html:
		if lang := attr(n, "lang"); lang != "" {
			w.setMeta("language", lang)
		}
	case atom.Title:
		// <title> inside <svg> is a tooltip, not the page title.
		if n.Parent != nil && n.Parent.DataAtom == atom.Head && n.FirstChild != nil && w.title == "" {
			w.title = strings.Join(strings.Fields(n.FirstChild.Data), " ")
		}
		return
	case atom.Meta:
		w.metaTag(n)
		return
	case atom.Br:
		w.b.WriteString("\n")
		w.pending = false
		return
	}
	if n.DataAtom == atom.Head {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && (c.DataAtom == atom.Title || c.DataAtom == atom.Meta) {
				w.element(c, depth+1)
			}
		}
		return
	}
	// Site navigation is menus and links, never the submission's text.
	if n.DataAtom == atom.Nav || attr(n, "role") == "navigation" {
		return
	}
	if skipped[n.DataAtom] || hasAttr(n, "hidden") || attr(n, "aria-hidden") == "true" || strings.Contains(strings.ReplaceAll(attr(n, "style"), " ", ""), "display:none") {
		return
	}
	block := blocks[n.DataAtom]
	if block {
		w.paragraph()
	}
	lvl := headingLevel[n.DataAtom]
	start := w.b.Len()
	if lvl > 0 {
		w.inHeading++
	}
	if n.DataAtom == atom.Pre {
		w.inPre = true
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c, depth+1)
	}
	if n.DataAtom == atom.Pre {
		w.inPre = false
	}
	if n.DataAtom == atom.Td || n.DataAtom == atom.Th {
		w.pending = true
	}
	if lvl > 0 {
		w.inHeading--
		// Only the outermost of nested headings counts, and block
		// separators written inside it are not part of its text.
		text := w.b.String()
		s, e := start, len(text)
		for s < e && isSpace(text[s]) {
			s++
		}
		for e > s && isSpace(text[e-1]) {
			e--
		}
		if w.inHeading == 0 && e > s {
			w.heads = append(w.heads, corpus.Span{Start: s, End: e, Level: lvl})
		}
	}
	if block {
		w.paragraph()
	}
}

func (w *htmlText) text(s string) {
	if w.inPre {
		w.b.WriteString(s)
		return
	}
	for i, f := range strings.Fields(s) {
		if (i > 0 || w.pending || startsWithSpace(s)) && w.b.Len() > 0 && !endsWithNewline(w.b.String()) {
			w.b.WriteByte(' ')
		}
		w.b.WriteString(f)
		w.pending = false
	}
	if len(s) > 0 && isSpace(s[len(s)-1]) {
		w.pending = true
	}
}

// paragraph ends the current paragraph with a blank line.
func (w *htmlText) paragraph() {
	s := w.b.String()
	switch {
	case s == "", strings.HasSuffix(s, "\n\n"):
	case strings.HasSuffix(s, "\n"):
		w.b.WriteString("\n")
	default:
		w.b.WriteString("\n\n")
	}
	w.pending = false
}

func (w *htmlText) metaTag(n *html.Node) {
	name := strings.ToLower(strings.TrimSpace(attr(n, "name")))
	if name == "" {
		name = strings.ToLower(strings.TrimSpace(attr(n, "property")))
	}
	if name == "" && strings.EqualFold(attr(n, "http-equiv"), "content-language") {
		name = "language"
	}
	content := attr(n, "content")
	switch name {
	case "author", "dc.creator", "dcterms.creator":
		w.setMeta("author", content)
	case "description", "dc.description", "dcterms.description", "og:description":
		w.setMeta("description", content)
	case "date", "dc.date", "dcterms.date", "dcterms.created", "dcterms.issued", "dc.date.issued",
		"article:published_time", "citation_publication_date":
		w.setMeta("date", normalizeDate(content))
	case "dc.title", "dcterms.title", "og:title", "citation_title":
		if w.metaTitle == "" {
			w.metaTitle = content
		}
	case "dc.language", "dcterms.language", "language":
		w.setMeta("language", content)
	case "keywords", "dc.subject", "dcterms.subject":
		w.setMeta("keywords", content)
	default:
		// Other Dublin Core fields keep their own name (dc.publisher ->
		// publisher), so nothing the author declared is lost.
		for _, prefix := range []string{"dc.", "dcterms."} {
			if key, ok := strings.CutPrefix(name, prefix); ok && key != "" && !strings.ContainsAny(key, " .:") {
				w.setMeta(key, content)
			}
		}
	}
}

func (w *htmlText) setMeta(k, v string) {
	if w.meta == nil {
		w.meta = map[string]string{}
	}
	if _, ok := w.meta[k]; !ok && strings.TrimSpace(v) != "" {
		w.meta[k] = strings.TrimSpace(v)
	}
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func startsWithSpace(s string) bool { return s != "" && isSpace(s[0]) }
func endsWithNewline(s string) bool { return strings.HasSuffix(s, "\n") }
func isSpace(c byte) bool           { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }
