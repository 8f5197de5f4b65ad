// Command gen writes the Estavia paper (../src/paper.src) as the sources
// the renderers read: HTML for Chromium, groff -ms for groff, flat ODT
// for LibreOffice, and the plain-text rendering itself. It also reads a
// rendered PDF's text back to find the page each contents entry starts
// on, so that the second pass prints true page numbers in the table of
// contents. ../regenerate.sh runs it; nothing in the module imports it.
//
// Markup of paper.src: "% " lines are comments; "@key value" lines give
// the title, submitter, date, running header and copyright line; "# " and
// "## " lines are headings of level 1 and 2, a level-1 heading may end in
// "|| label", its shorter entry in the contents; other lines are
// paragraphs, one per line, blank lines between; "{fn: text}" inside a
// paragraph is a footnote.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"html"
	"os"
	"strings"
)

// paper is the parsed source.
type paper struct {
	title, submitter, date, header, copyright string
	blocks                                    []block
}

// block is a heading (level 1 or 2) or a paragraph (level 0).
type block struct {
	level int
	text  string // a heading's text
	toc   string // a level-1 heading's contents entry
	runs  []run  // a paragraph's text and notes
}

// run is a stretch of a paragraph: text, or a footnote numbered n.
type run struct {
	text string
	note int
}

func main() {
	src := flag.String("src", "src/paper.src", "the paper's source")
	format := flag.String("format", "", "html, ms, fodt, txt, or pages (read PDF text on stdin, print contents pages)")
	pagesFile := flag.String("pages", "", "contents pages (label TAB page lines) to print in the table of contents")
	flag.Parse()
	p, err := parse(*src)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	pages := map[string]string{}
	if *pagesFile != "" {
		if pages, err = readPages(*pagesFile); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
	}
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	switch *format {
	case "html":
		writeHTML(w, p, pages)
	case "ms":
		writeMS(w, p, pages)
	case "fodt":
		writeFODT(w, p, pages)
	case "txt":
		writeText(w, p, pages)
	case "pages":
		findPages(w, p, os.Stdin)
	default:
		fmt.Fprintf(os.Stderr, "gen: unknown -format %q\n", *format)
		os.Exit(2)
	}
}

func parse(path string) (*paper, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	p := &paper{}
	notes := 0
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimRight(line, " \r")
		switch {
		case line == "" || strings.HasPrefix(line, "% "):
		case strings.HasPrefix(line, "@"):
			key, value, _ := strings.Cut(line[1:], " ")
			switch key {
			case "title":
				p.title = value
			case "submitter":
				p.submitter = value
			case "date":
				p.date = value
			case "header":
				p.header = value
			case "copyright":
				p.copyright = value
			default:
				return nil, fmt.Errorf("%s:%d: unknown key @%s", path, i+1, key)
			}
		case strings.HasPrefix(line, "## "):
			p.blocks = append(p.blocks, block{level: 2, text: line[3:]})
		case strings.HasPrefix(line, "# "):
			text, toc, ok := strings.Cut(line[2:], " || ")
			if !ok {
				toc = text
			}
			p.blocks = append(p.blocks, block{level: 1, text: text, toc: toc})
		default:
			b := block{}
			rest := line
			for {
				at := strings.Index(rest, "{fn: ")
				if at < 0 {
					break
				}
				end := strings.Index(rest[at:], "}")
				if end < 0 {
					return nil, fmt.Errorf("%s:%d: unclosed footnote", path, i+1)
				}
				notes++
				b.runs = append(b.runs, run{text: rest[:at]}, run{text: rest[at+5 : at+end], note: notes})
				rest = rest[at+end+1:]
			}
			b.runs = append(b.runs, run{text: rest})
			p.blocks = append(p.blocks, b)
		}
	}
	return p, nil
}

// notes returns the paper's footnotes in order.
func (p *paper) notes() []run {
	var out []run
	for _, b := range p.blocks {
		for _, r := range b.runs {
			if r.note > 0 {
				out = append(out, r)
			}
		}
	}
	return out
}

// contents returns the contents entries; withNotes adds the "Notes"
// section of renderings that print the footnotes as endnotes, in its
// place after the references.
func (p *paper) contents(withNotes bool) []string {
	var out []string
	for _, b := range p.blocks {
		if b.level == 1 {
			out = append(out, b.toc)
		}
	}
	if withNotes {
		out = append(out, "Notes")
	}
	return out
}

// headingOf returns the full heading a contents entry stands for.
func (p *paper) headingOf(entry string) string {
	for _, b := range p.blocks {
		if b.level == 1 && b.toc == entry {
			return b.text
		}
	}
	return entry
}

func readPages(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if label, page, ok := strings.Cut(line, "\t"); ok {
			out[label] = page
		}
	}
	return out, nil
}

// pageOf is the page printed for a contents entry: "0" before the first
// pass has measured it (a digit, so that the layout does not change).
func pageOf(pages map[string]string, entry string) string {
	if n, ok := pages[entry]; ok {
		return n
	}
	return "0"
}

// findPages reads a PDF's text (pdftotext: pages separated by form
// feeds) and prints, for each contents entry, the page its heading
// starts on: the first page after the contents page with a line that
// begins the heading.
func findPages(w *bufio.Writer, p *paper, r *os.File) {
	data, err := readAll(r)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	pages := strings.Split(data, "\f")
	page := 1
	for page < len(pages) && !strings.Contains(pages[page-1], "Contents") {
		page++
	}
	page++ // the body starts after the contents
	withNotes := strings.Contains(data, "\nNotes\n")
	for _, entry := range p.contents(withNotes) {
		heading := fold(p.headingOf(entry))
		found := false
		for ; page <= len(pages) && !found; page++ {
			for _, line := range strings.Split(pages[page-1], "\n") {
				line = fold(line)
				if line != "" && strings.HasPrefix(heading, line) && (line == heading || len(line) >= 12) {
					found = true
					break
				}
			}
		}
		if !found {
			fmt.Fprintf(os.Stderr, "gen: heading %q not found\n", entry)
			os.Exit(1)
		}
		page-- // the next heading may start on the same page
		fmt.Fprintf(w, "%s\t%d\n", entry, page)
	}
}

func readAll(f *os.File) (string, error) {
	var sb strings.Builder
	s := bufio.NewScanner(f)
	s.Buffer(make([]byte, 1<<20), 1<<20)
	for s.Scan() {
		sb.WriteString(s.Text())
		sb.WriteByte('\n')
	}
	return sb.String(), s.Err()
}

func fold(s string) string { return strings.Join(strings.Fields(s), " ") }

// writeHTML writes the page for Chromium: CSS paged media for the page
// size, running header and "Page n of m" footer; the footnotes become
// endnotes (Chromium does not float notes to the page foot).
func writeHTML(w *bufio.Writer, p *paper, pages map[string]string) {
	e := html.EscapeString
	fmt.Fprintf(w, `<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<style>
@page {
  size: A4;
  margin: 24mm 22mm 24mm 22mm;
  @top-center { content: "%s"; font: italic 8.5pt "DejaVu Serif", serif; color: #444; }
  @bottom-center { content: "Page " counter(page) " of " counter(pages); font: 8.5pt "DejaVu Serif", serif; }
}
body { font: 10.5pt/1.45 "DejaVu Serif", serif; text-align: justify; hyphens: manual; }
.title { font-size: 21pt; line-height: 1.25; font-weight: bold; margin: 18mm 0 10mm 0; text-align: left; }
.submitter { font-size: 12pt; text-align: left; }
.date { font-size: 12pt; margin-bottom: 14mm; }
.contents-title { font-size: 13pt; font-weight: bold; margin-top: 8mm; }
.toc { display: flex; margin: 0.15em 0; }
.toc .label { flex: 1; overflow: hidden; white-space: nowrap; }
.toc .label::after { content: " . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . . ."; }
.toc .page { padding-left: 0.4em; }
h1 { font-size: 13.5pt; line-height: 1.3; text-align: left; break-after: avoid; margin: 1.2em 0 0.5em 0; }
h1.first { break-before: page; }
h2 { font-size: 11.5pt; font-style: italic; text-align: left; break-after: avoid; margin: 1em 0 0.4em 0; }
p { margin: 0 0 0.7em 0; orphans: 2; widows: 2; }
sup { font-size: 7pt; line-height: 0; }
.note { font-size: 8.5pt; line-height: 1.3; margin: 0 0 0.35em 0; text-align: left; }
.reference { text-align: left; }
.copyright { font-size: 8pt; margin-top: 10mm; text-align: left; }
</style>
</head>
<body>
`, cssString(p.header))
	fmt.Fprintf(w, "<p class=\"title\">%s</p>\n<p class=\"submitter\">%s</p>\n<p class=\"date\">%s</p>\n", e(p.title), e(p.submitter), e(p.date))
	fmt.Fprintf(w, "<p class=\"contents-title\">Contents</p>\n")
	for _, entry := range p.contents(true) {
		fmt.Fprintf(w, "<div class=\"toc\"><span class=\"label\">%s</span><span class=\"page\">%s</span></div>\n", e(entry), pageOf(pages, entry))
	}
	first := true
	for _, b := range p.blocks {
		switch b.level {
		case 1:
			class := ""
			if first {
				class, first = ` class="first"`, false
			}
			fmt.Fprintf(w, "<h1%s>%s</h1>\n", class, e(b.text))
		case 2:
			fmt.Fprintf(w, "<h2>%s</h2>\n", e(b.text))
		default:
			class := ""
			if strings.HasPrefix(b.runs[0].text, "[") {
				class = ` class="reference"`
			}
			fmt.Fprintf(w, "<p%s>", class)
			for _, r := range b.runs {
				if r.note > 0 {
					fmt.Fprintf(w, "<sup><a id=\"ref%d\" href=\"#note%d\">%d</a></sup>", r.note, r.note, r.note)
				} else {
					w.WriteString(e(r.text))
				}
			}
			w.WriteString("</p>\n")
		}
	}
	fmt.Fprintf(w, "<h1>Notes</h1>\n")
	for _, n := range p.notes() {
		fmt.Fprintf(w, "<p class=\"note\" id=\"note%d\">%d. %s</p>\n", n.note, n.note, e(n.text))
	}
	fmt.Fprintf(w, "<p class=\"copyright\">%s</p>\n</body>\n</html>\n", e(p.copyright))
}

func cssString(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
}

// writeMS writes groff -ms input: the page header and "Page n" footer
// are ms strings, the footnotes .FS/.FE with automatic numbers, the
// contents a right tab filled with dots.
func writeMS(w *bufio.Writer, p *paper, pages map[string]string) {
	fmt.Fprintf(w, `.\" The Estavia paper, generated by gen -format ms: groff -k -ms -Tps
.nr PS 11
.nr VS 14
.nr LL 6.2i
.nr FL 6.2i
.nr PO 1.05i
.nr HM 0.9i
.nr FM 0.9i
.nr PD 0.5v
.ds LH %s
.ds CH
.ds RH
.ds LF
.ds CF Page %%
.ds RF
.P1
.LP
.ps 20
.vs 24
.ft B
.ad l
%s
.ft
.ps
.vs
.sp 1.5
.LP
.ad l
%s
.sp 0.5
.LP
%s
.sp 2
.LP
.ft B
.ps 13
Contents
.ps
.ft
.sp 0.5
.nf
.ta \n(LLuR
.tc .
`, msText(p.header), msText(p.title), msText(p.submitter), msText(p.date))
	for _, entry := range p.contents(false) {
		fmt.Fprintf(w, "%s \t %s\n", msText(entry), pageOf(pages, entry))
	}
	w.WriteString(".tc\n.fi\n.bp\n")
	for _, b := range p.blocks {
		switch b.level {
		case 1:
			fmt.Fprintf(w, ".SH\n.ps 13\n.vs 16\n%s\n", msText(b.text))
		case 2:
			fmt.Fprintf(w, ".SH 2\n%s\n", msText(b.text))
		default:
			if strings.HasPrefix(b.runs[0].text, "[") {
				w.WriteString(".LP\n.ad l\n")
			} else {
				w.WriteString(".PP\n")
			}
			var line strings.Builder
			for _, r := range b.runs {
				if r.note > 0 {
					// the marker, then the note on lines of its own
					line.WriteString(`\**`)
					fmt.Fprintf(w, "%s\n.FS\n%s\n.FE\n", msText(line.String()), msText(r.text))
					line.Reset()
				} else {
					line.WriteString(strings.TrimLeft(r.text, " "))
				}
			}
			if s := strings.TrimSpace(line.String()); s != "" {
				fmt.Fprintf(w, "%s\n", msText(s))
			}
		}
	}
	fmt.Fprintf(w, ".sp 2\n.LP\n.ps 8\n.vs 10\n.ad l\n%s\n", msText(p.copyright))
}

// msText makes a line safe for troff: a leading dot or quote would be a
// request, a backslash an escape.
func msText(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	// the marker must stay glued to the word it follows
	return strings.ReplaceAll(s, `\e**`, `\**`)
}

// writeFODT writes a flat ODT with real footnotes, a contents index,
// a header and a "Page n of m" footer on every page.
func writeFODT(w *bufio.Writer, p *paper, pages map[string]string) {
	x := xmlText
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:meta>
<meta:initial-creator>jmarsh</meta:initial-creator>
<dc:creator>jmarsh</dc:creator>
</office:meta>
<office:font-face-decls>
<style:font-face style:name="DejaVu Serif" svg:font-family="'DejaVu Serif'" style:font-family-generic="roman"/>
</office:font-face-decls>
<office:styles>
<style:default-style style:family="paragraph">
<style:paragraph-properties fo:orphans="2" fo:widows="2"/>
<style:text-properties style:font-name="DejaVu Serif" fo:font-size="10.5pt" fo:language="en" fo:country="GB"/>
</style:default-style>
<style:style style:name="Standard" style:family="paragraph" style:class="text"/>
<style:style style:name="Text_20_body" style:display-name="Text body" style:family="paragraph" style:parent-style-name="Standard" style:class="text">
<style:paragraph-properties fo:margin-top="0cm" fo:margin-bottom="0.22cm" fo:line-height="125%%" fo:text-align="justify"/>
</style:style>
<style:style style:name="Reference" style:family="paragraph" style:parent-style-name="Text_20_body">
<style:paragraph-properties fo:text-align="start"/>
</style:style>
<style:style style:name="Title" style:family="paragraph" style:parent-style-name="Standard" style:class="chapter">
<style:paragraph-properties fo:margin-top="1.5cm" fo:margin-bottom="0.8cm" fo:line-height="115%%"/>
<style:text-properties fo:font-size="21pt" fo:font-weight="bold"/>
</style:style>
<style:style style:name="Subtitle" style:family="paragraph" style:parent-style-name="Standard" style:class="chapter">
<style:paragraph-properties fo:margin-bottom="0.3cm"/>
<style:text-properties fo:font-size="12pt"/>
</style:style>
<style:style style:name="Heading" style:family="paragraph" style:parent-style-name="Standard" style:class="text">
<style:paragraph-properties fo:margin-top="0.45cm" fo:margin-bottom="0.2cm" fo:keep-with-next="always"/>
<style:text-properties fo:font-weight="bold"/>
</style:style>
<style:style style:name="Heading_20_1" style:display-name="Heading 1" style:family="paragraph" style:parent-style-name="Heading" style:next-style-name="Text_20_body" style:default-outline-level="1" style:class="text">
<style:text-properties fo:font-size="13.5pt"/>
</style:style>
<style:style style:name="Heading_20_2" style:display-name="Heading 2" style:family="paragraph" style:parent-style-name="Heading" style:next-style-name="Text_20_body" style:default-outline-level="2" style:class="text">
<style:text-properties fo:font-size="11.5pt" fo:font-style="italic"/>
</style:style>
<style:style style:name="Contents_20_Heading" style:display-name="Contents Heading" style:family="paragraph" style:parent-style-name="Standard" style:class="index">
<style:paragraph-properties fo:margin-top="0.8cm" fo:margin-bottom="0.3cm"/>
<style:text-properties fo:font-size="13pt" fo:font-weight="bold"/>
</style:style>
<style:style style:name="Contents_20_1" style:display-name="Contents 1" style:family="paragraph" style:parent-style-name="Standard" style:class="index">
<style:paragraph-properties fo:margin-bottom="0.1cm">
<style:tab-stops><style:tab-stop style:position="16cm" style:type="right" style:leader-style="dotted" style:leader-text="."/></style:tab-stops>
</style:paragraph-properties>
</style:style>
<style:style style:name="Footnote" style:family="paragraph" style:parent-style-name="Standard" style:class="extra">
<style:paragraph-properties fo:margin-left="0.5cm" fo:text-indent="-0.5cm" fo:margin-bottom="0.05cm"/>
<style:text-properties fo:font-size="8.5pt"/>
</style:style>
<style:style style:name="Header" style:family="paragraph" style:parent-style-name="Standard" style:class="extra">
<style:paragraph-properties fo:text-align="center"/>
<style:text-properties fo:font-size="8.5pt" fo:font-style="italic"/>
</style:style>
<style:style style:name="Footer" style:family="paragraph" style:parent-style-name="Standard" style:class="extra">
<style:paragraph-properties fo:text-align="center"/>
<style:text-properties fo:font-size="8.5pt"/>
</style:style>
<style:style style:name="Copyright" style:family="paragraph" style:parent-style-name="Standard">
<style:paragraph-properties fo:margin-top="1cm"/>
<style:text-properties fo:font-size="8pt"/>
</style:style>
<style:style style:name="Footnote_20_anchor" style:display-name="Footnote anchor" style:family="text">
<style:text-properties style:text-position="super 58%%"/>
</style:style>
<text:notes-configuration text:note-class="footnote" text:citation-style-name="Footnote_20_anchor" style:num-format="1" text:start-value="0" text:footnotes-position="page" text:start-numbering-at="document"/>
</office:styles>
<office:automatic-styles>
<style:page-layout style:name="pm1">
<style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" fo:margin-top="1.4cm" fo:margin-bottom="1.4cm" fo:margin-left="2.5cm" fo:margin-right="2.5cm"/>
<style:header-style><style:header-footer-properties fo:min-height="0.5cm" fo:margin-bottom="0.6cm"/></style:header-style>
<style:footer-style><style:header-footer-properties fo:min-height="0.5cm" fo:margin-top="0.6cm"/></style:footer-style>
</style:page-layout>
<style:style style:name="FirstHeading" style:family="paragraph" style:parent-style-name="Heading_20_1">
<style:paragraph-properties fo:break-before="page"/>
</style:style>
<style:style style:name="Sect1" style:family="section"/>
</office:automatic-styles>
<office:master-styles>
<style:master-page style:name="Standard" style:page-layout-name="pm1">
<style:header><text:p text:style-name="Header">%s</text:p></style:header>
<style:footer><text:p text:style-name="Footer">Page <text:page-number text:select-page="current">1</text:page-number> of <text:page-count>1</text:page-count></text:p></style:footer>
</style:master-page>
</office:master-styles>
<office:body>
<office:text>
`, x(p.header))
	fmt.Fprintf(w, "<text:p text:style-name=\"Title\">%s</text:p>\n", x(p.title))
	fmt.Fprintf(w, "<text:p text:style-name=\"Subtitle\">%s</text:p>\n", x(p.submitter))
	fmt.Fprintf(w, "<text:p text:style-name=\"Subtitle\">%s</text:p>\n", x(p.date))
	w.WriteString(`<text:table-of-content text:style-name="Sect1" text:protected="true" text:name="Contents1">
<text:table-of-content-source text:outline-level="1" text:use-index-marks="false">
<text:index-title-template text:style-name="Contents_20_Heading">Contents</text:index-title-template>
<text:table-of-content-entry-template text:outline-level="1" text:style-name="Contents_20_1">
<text:index-entry-link-start text:style-name="Index_20_Link"/><text:index-entry-text/><text:index-entry-tab-stop style:type="right" style:leader-char="."/><text:index-entry-page-number/><text:index-entry-link-end/>
</text:table-of-content-entry-template>
</text:table-of-content-source>
<text:index-body>
<text:index-title text:style-name="Sect1" text:name="Contents1_Head">
<text:p text:style-name="Contents_20_Heading">Contents</text:p>
</text:index-title>
`)
	for _, entry := range p.contents(false) {
		fmt.Fprintf(w, "<text:p text:style-name=\"Contents_20_1\">%s<text:tab/>%s</text:p>\n", x(entry), pageOf(pages, entry))
	}
	w.WriteString("</text:index-body>\n</text:table-of-content>\n")
	first := true
	for _, b := range p.blocks {
		switch b.level {
		case 1:
			style := "Heading_20_1"
			if first {
				style, first = "FirstHeading", false
			}
			fmt.Fprintf(w, "<text:h text:style-name=\"%s\" text:outline-level=\"1\">%s</text:h>\n", style, x(b.text))
		case 2:
			fmt.Fprintf(w, "<text:h text:style-name=\"Heading_20_2\" text:outline-level=\"2\">%s</text:h>\n", x(b.text))
		default:
			style := "Text_20_body"
			if strings.HasPrefix(b.runs[0].text, "[") {
				style = "Reference"
			}
			fmt.Fprintf(w, "<text:p text:style-name=\"%s\">", style)
			for _, r := range b.runs {
				if r.note > 0 {
					fmt.Fprintf(w, "<text:note text:id=\"ftn%d\" text:note-class=\"footnote\"><text:note-citation>%d</text:note-citation><text:note-body><text:p text:style-name=\"Footnote\">%s</text:p></text:note-body></text:note>", r.note, r.note, x(r.text))
				} else {
					w.WriteString(x(r.text))
				}
			}
			w.WriteString("</text:p>\n")
		}
	}
	fmt.Fprintf(w, "<text:p text:style-name=\"Copyright\">%s</text:p>\n</office:text>\n</office:body>\n</office:document>\n", x(p.copyright))
}

func xmlText(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

// writeText writes the plain-text rendering: lines wrapped at 76
// columns, the contents with dotted leaders and the page numbers of the
// LibreOffice rendering (as a word processor saving as text keeps
// them), note markers in brackets and the notes gathered at the end
// (not listed in the contents, which are those of the paged original).
func writeText(w *bufio.Writer, p *paper, pages map[string]string) {
	wrap := func(s string) {
		for _, l := range wrapLines(s, 76) {
			w.WriteString(l + "\n")
		}
		w.WriteString("\n")
	}
	wrap(p.title)
	wrap(p.submitter)
	wrap(p.date)
	w.WriteString("Contents\n\n")
	for _, entry := range p.contents(false) {
		n := pageOf(pages, entry)
		dots := 76 - len([]rune(entry)) - len(n) - 2
		fmt.Fprintf(w, "%s %s %s\n", entry, strings.Repeat(".", max(dots, 3)), n)
	}
	w.WriteString("\n\n")
	for _, b := range p.blocks {
		switch b.level {
		case 1, 2:
			w.WriteString("\n")
			wrap(b.text)
		default:
			var sb strings.Builder
			for _, r := range b.runs {
				if r.note > 0 {
					fmt.Fprintf(&sb, "[%d]", r.note)
				} else {
					sb.WriteString(r.text)
				}
			}
			wrap(sb.String())
		}
	}
	w.WriteString("\nNotes\n\n")
	for _, n := range p.notes() {
		wrap(fmt.Sprintf("%d. %s", n.note, n.text))
	}
	w.WriteString("\n")
	wrap(p.copyright)
}

// wrapLines breaks s into lines of at most width runes at spaces.
func wrapLines(s string, width int) []string {
	var out []string
	line := ""
	for _, word := range strings.Fields(s) {
		switch {
		case line == "":
			line = word
		case len([]rune(line))+1+len([]rune(word)) <= width:
			line += " " + word
		default:
			out = append(out, line)
			line = word
		}
	}
	if line != "" {
		out = append(out, line)
	}
	return out
}
