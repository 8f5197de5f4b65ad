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

// Limits against zip bombs and pathological XML. A real Word document
// stays far below each of them.
const (
	maxZipEntries  = 10000
	maxXMLDepth    = 256
	maxUnzipFactor = 20      // decompressed bytes allowed per byte of MaxFileSize
	maxUnzipBytes  = 1 << 30 // whatever MaxFileSize says
	maxDocxText    = 64 << 20
)

var (
	errTooBig      = errors.New("decompressed content exceeds the limit")
	errMissingPart = errors.New("missing part")
)

// docx holds what is read from one Word document.
type docx struct {
	zr     *zip.Reader
	budget int64 // decompressed bytes still allowed
	// headingOf maps paragraph style ids to heading levels.
	headingOf map[string]int
	pages     []corpus.Page
	cur       strings.Builder
	heads     []corpus.Span
	// notes are the current page's footnotes and endnotes; noteNumbers
	// number them in the order the body refers to them ("f2" is the
	// footnote of id 2, "e2" the endnote), as Word prints them.
	notes       []corpus.Span
	noteNumbers map[string]int
	noteCounts  [2]int // footnotes, endnotes referred to so far
	noteStart   int    // where the note being read began in cur
	noteNumber  int    // its number, 0 when the body never refers to it
	// mainPart is the main document part; pictures are those it shows,
	// in order, each with its page (index into pages) and shown width.
	mainPart  string
	pictures  []picture
	curImages int   // pictures on the page being read
	extentCx  int64 // width of the drawing being read, in EMU
}

// para is a paragraph being read. Paragraphs nest (text boxes, and
// footnote bodies inside runs), so the reader keeps a stack of them.
type para struct {
	text  strings.Builder
	level int
	// breakAfter is set by a rendered page break inside the paragraph:
	// the paragraph stays on the page it starts on, the next one moves.
	breakAfter bool
}

func extractDOCX(ctx context.Context, doc *corpus.Document, data []byte, opts Options) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return corpus.Errorf(corpus.ReasonMalformed, "open docx: %w", err)
	}
	if len(zr.File) > maxZipEntries {
		return corpus.Errorf(corpus.ReasonTooLarge, "docx has %d entries, more than the limit of %d", len(zr.File), maxZipEntries)
	}
	d := &docx{zr: zr, budget: min(opts.maxSize()*maxUnzipFactor, maxUnzipBytes), headingOf: map[string]int{}, noteNumbers: map[string]int{}}
	if err := d.readStyles(); err != nil {
		return err
	}
	body := mainPart(zr)
	if body == "" {
		return corpus.Errorf(corpus.ReasonMalformed, "docx without a main document part")
	}
	d.mainPart = body
	if err := d.readBody(ctx, body); err != nil {
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
	return d.recognizePictures(ctx, doc, opts)
}

// mainPart finds the Word document's main part: the package relationship
// of type officeDocument, which Word Online names word/document2.xml,
// else the usual word/document.xml. It returns "" for packages that are
// not Word documents.
func mainPart(zr *zip.Reader) string {
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[f.Name] = f
	}
	if rels := files["_rels/.rels"]; rels != nil {
		if rc, err := rels.Open(); err == nil {
			var doc struct {
				Rels []struct {
					Type   string `xml:"Type,attr"`
					Target string `xml:"Target,attr"`
				} `xml:"Relationship"`
			}
			err := xml.NewDecoder(io.LimitReader(rc, 64<<10)).Decode(&doc)
			rc.Close()
			if err == nil {
				for _, r := range doc.Rels {
					target := strings.TrimPrefix(r.Target, "/")
					if strings.HasSuffix(strings.ToLower(r.Type), "/officedocument") && strings.HasPrefix(target, "word/") && files[target] != nil {
						return target
					}
				}
			}
		}
	}
	if files["word/document.xml"] != nil {
		return "word/document.xml"
	}
	return ""
}

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

// readStyles maps paragraph style ids to heading levels. Style ids are
// localised ("berschrift1", "Titre1", or plain numbers), so a style is a
// heading when its name is "heading N" or "Title", when it carries an
// outline level, or when it is based on such a style.
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
	basedOn := map[string]string{}
	var id string
	depth := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
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
				id = ""
				if attr := wAttr(t, "type"); attr == "" || attr == "paragraph" {
					id = wAttr(t, "styleId")
				}
				if lvl := headingStyleLevel(id); lvl > 0 {
					d.headingOf[id] = lvl
				}
			case "name":
				if lvl := headingStyleLevel(wAttr(t, "val")); lvl > 0 && id != "" {
					d.headingOf[id] = lvl
				}
			case "basedOn":
				if id != "" {
					basedOn[id] = wAttr(t, "val")
				}
			case "outlineLvl":
				// Level 9 is "body text": not a heading.
				if n, err := strconv.Atoi(wAttr(t, "val")); err == nil && n >= 0 && n < 9 && id != "" {
					d.headingOf[id] = n + 1
				}
			}
		case xml.EndElement:
			depth--
		}
	}
	for id := range basedOn {
		if _, ok := d.headingOf[id]; ok {
			continue
		}
		// Bounded walk: basedOn chains may loop in hostile files.
		for p, i := basedOn[id], 0; p != "" && i < 16; p, i = basedOn[p], i+1 {
			if lvl, ok := d.headingOf[p]; ok {
				d.headingOf[id] = lvl
				break
			}
		}
	}
	return nil
}

// headingStyleLevel reads "heading 2", "Heading2", "Title", "Titre 1" and
// the like.
func headingStyleLevel(name string) int {
	n := strings.ToLower(strings.ReplaceAll(name, " ", ""))
	if n == "title" {
		return 1
	}
	for _, prefix := range []string{"heading", "titre", "título", "titulo", "berschrift", "überschrift"} {
		if i := strings.Index(n, prefix); i >= 0 {
			if v, err := strconv.Atoi(n[i+len(prefix):]); err == nil && v >= 1 && v <= 9 {
				return v
			}
		}
	}
	return 0
}

// readBody walks the paragraphs of a document part, streaming its XML.
func (d *docx) readBody(ctx context.Context, part string) error {
	rc, err := d.open(part)
	if err != nil {
		return err
	}
	defer rc.Close()
	dec := xml.NewDecoder(rc)
	var stack []*para
	top := func() *para {
		if len(stack) == 0 {
			return nil
		}
		return stack[len(stack)-1]
	}
	depth, count := 0, 0
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
			p := top()
			switch t.Name.Local {
			case "Fallback":
				// mc:Fallback repeats the content of mc:Choice (text boxes
				// as VML): read it once.
				if err := dec.Skip(); err != nil {
					return xmlError(part, err)
				}
				depth--
			case "p":
				stack = append(stack, &para{})
			case "pStyle":
				if p != nil {
					p.level = d.headingOf[wAttr(t, "val")]
				}
			case "outlineLvl":
				// Direct formatting wins over the style; level 9 makes a
				// heading-styled paragraph body text.
				if n, err := strconv.Atoi(wAttr(t, "val")); err == nil && n >= 0 && p != nil {
					p.level = 0
					if n < 9 {
						p.level = n + 1
					}
				}
			case "pageBreakBefore":
				if v := wAttr(t, "val"); v != "0" && v != "false" && v != "off" && len(stack) == 1 && p.text.Len() == 0 {
					d.endPage()
				}
			case "t":
				inText = p != nil
			case "extent": // wp:extent of a drawing: its shown size
				d.extentCx, _ = strconv.ParseInt(wAttr(t, "cx"), 10, 64)
			case "blip": // a:blip r:embed: a DrawingML picture
				d.seePicture(part, wAttr(t, "embed"))
			case "imagedata": // v:imagedata r:id: a VML picture
				d.seePicture(part, wAttr(t, "id"))
			case "footnoteReference", "endnoteReference":
				d.referNote(t)
			case "footnote", "endnote":
				d.noteStart = d.cur.Len()
				d.noteNumber = d.noteNumbers[t.Name.Local[:1]+wAttr(t, "id")]
			case "footnoteRef", "endnoteRef":
				// The note's own mark: its number, as the reader sees it.
				if p != nil && d.noteNumber > 0 {
					fmt.Fprintf(&p.text, "%d ", d.noteNumber)
				}
			case "tab", "ptab":
				if p != nil {
					p.text.WriteByte('\t')
				}
			case "noBreakHyphen":
				if p != nil {
					p.text.WriteByte('-')
				}
			case "br", "cr":
				if p == nil {
					break
				}
				if wAttr(t, "type") == "page" && len(stack) == 1 {
					d.flushParagraph(p)
					d.endPage()
				} else {
					p.text.WriteByte('\n')
				}
			case "lastRenderedPageBreak":
				if p == nil || len(stack) > 1 {
					break
				}
				if strings.TrimSpace(p.text.String()) == "" {
					d.endPage()
				} else {
					p.breakAfter = true
				}
			}
		case xml.EndElement:
			depth--
			switch t.Name.Local {
			case "t":
				inText = false
			case "footnote", "endnote":
				d.endNote()
			case "p":
				if p := top(); p != nil {
					stack = stack[:len(stack)-1]
					d.flushParagraph(p)
					if p.breakAfter {
						d.endPage()
					}
				}
			}
		case xml.CharData:
			if inText {
				p := top()
				p.text.Write(t)
				if d.cur.Len()+p.text.Len() > maxDocxText {
					return corpus.Errorf(corpus.ReasonTooLarge, "%s: more than %d bytes of text", part, maxDocxText)
				}
			}
		}
	}
}

// referNote numbers a footnote or endnote the first time the body refers
// to it: footnotes and endnotes are numbered apart, in reference order.
func (d *docx) referNote(t xml.StartElement) {
	kind := 0
	if t.Name.Local == "endnoteReference" {
		kind = 1
	}
	key := t.Name.Local[:1] + wAttr(t, "id")
	if _, ok := d.noteNumbers[key]; !ok && len(d.noteNumbers) < maxNotes {
		d.noteCounts[kind]++
		d.noteNumbers[key] = d.noteCounts[kind]
	}
}

// maxNotes bounds the notes numbered in one document.
const maxNotes = 100_000

// endNote records the footnote or endnote just read, if it had text, as
// a note span of the current page: notes follow the body text.
func (d *docx) endNote() {
	end := len(strings.TrimRight(d.cur.String(), "\n"))
	if end > d.noteStart {
		d.notes = append(d.notes, corpus.Span{Start: d.noteStart, End: end})
	}
}

// flushParagraph appends a finished paragraph (or the part of it before
// a page break) to the current page.
func (d *docx) flushParagraph(p *para) {
	text := strings.TrimSpace(p.text.String())
	p.text.Reset()
	if text == "" {
		return
	}
	if p.level > 0 {
		text = strings.Join(strings.Fields(text), " ")
		start := d.cur.Len()
		d.cur.WriteString(text)
		d.heads = append(d.heads, corpus.Span{Start: start, End: d.cur.Len(), Level: p.level})
	} else {
		d.cur.WriteString(text)
	}
	d.cur.WriteString("\n\n")
}

// endPage closes the current page unless it is empty (no text and no
// picture): breaks in a row
// (an explicit break followed by the rendered one Word records) make one
// page boundary.
func (d *docx) endPage() {
	if strings.TrimSpace(d.cur.String()) == "" && d.curImages == 0 {
		if len(d.pages) == 0 && d.cur.Len() == 0 {
			return
		}
		if len(d.pages) > 0 {
			return
		}
	}
	d.pages = append(d.pages, corpus.Page{Number: len(d.pages) + 1, Text: d.cur.String(), Headings: d.heads, Notes: d.notes})
	d.cur.Reset()
	d.curImages = 0
	d.heads, d.notes = nil, nil
}

// readCore reads docProps/core.xml: title, author, date, language.
func (d *docx) readCore(doc *corpus.Document) {
	rc, err := d.open("docProps/core.xml")
	if err != nil {
		return
	}
	defer rc.Close()
	var core struct {
		Title       string `xml:"title"`
		Subject     string `xml:"subject"`
		Creator     string `xml:"creator"`
		Keywords    string `xml:"keywords"`
		Description string `xml:"description"`
		Created     string `xml:"created"`
		Modified    string `xml:"modified"`
		Language    string `xml:"language"`
	}
	if err := xml.NewDecoder(io.LimitReader(rc, 1<<20)).Decode(&core); err != nil {
		return
	}
	if t := cleanTitle(core.Title); t != "" {
		doc.Title = t
	}
	setMeta(doc, "author", core.Creator)
	setMeta(doc, "subject", core.Subject)
	setMeta(doc, "keywords", core.Keywords)
	setMeta(doc, "description", core.Description)
	date := normalizeDate(core.Created)
	if date == "" {
		date = normalizeDate(core.Modified)
	}
	setMeta(doc, "date", date)
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
