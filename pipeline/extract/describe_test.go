package extract

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/internal/pdfgen"
	"github.com/normtag/normtag/pipeline/extract/ocr"
	"github.com/normtag/normtag/pipeline/extract/pdf"
)

// described is what a test expects of a document's title, date and
// submitter, each with its source.
type described struct {
	title, titleSource         string
	date, dateSource           string
	submitter, submitterSource string
}

func checkDescribed(t *testing.T, name string, doc *corpus.Document, want described) {
	t.Helper()
	got := described{
		doc.Title, doc.Meta[corpus.TitleSource],
		doc.Meta["date"], doc.Meta[corpus.DateSource],
		doc.Submitter(), doc.Meta[corpus.SubmitterSource],
	}
	if got != want {
		t.Errorf("%s:\n got title %q (%s), date %q (%s), submitter %q (%s)\nwant title %q (%s), date %q (%s), submitter %q (%s)", name,
			got.title, got.titleSource, got.date, got.dateSource, got.submitter, got.submitterSource,
			want.title, want.titleSource, want.date, want.dateSource, want.submitter, want.submitterSource)
	}
}

// The paper the rendering tests print: a cover whose title wraps over
// two lines in large type and ends in a colon before its subtitle, a
// "Submission by" line and a month, then a page of prose that mentions
// other dates (in prose, in a reference with a link) that are not the
// paper's.
var (
	paperTitle = "Resilient Hospitals in a Contested Cyberspace: Applying Norm (f) to Regional Incident Response"
	paperCover = []pdfgen.Line{
		{Text: "Working Paper No. 7", Size: 9},
		{Text: "Resilient Hospitals in a", Size: 24},
		{Text: "Contested Cyberspace:", Size: 24},
		{Text: "Applying Norm (f) to Regional", Size: 16},
		{Text: "Incident Response", Size: 16},
		{Text: ""},
		{Text: "Submission by the Coastal Cyber Policy Institute to the Open-Ended Working Group", Size: 11},
		{Text: "September 2019", Size: 11},
	}
	paperBody = []pdfgen.Line{
		{Text: "Hospitals in the region were disrupted by ransomware in March 2017, when", Size: 11},
		{Text: "the ministry asked response teams to share indicators within hours.", Size: 11},
		{Text: "This paper argues that States should not conduct or knowingly support", Size: 11},
		{Text: "activity that intentionally damages critical infrastructure.", Size: 11},
		{Text: "[1] Regional health report, accessed 12 May 2020, https://example.org/r", Size: 9},
	}
	paperWant = described{
		paperTitle, SourceText,
		"2019-09", SourceText,
		"Coastal Cyber Policy Institute", SourceText,
	}
)

// TestDescribeStyledPDF: a PDF whose file title is producer boilerplate,
// whose author is whoever typed it and whose CreationDate is years after
// the paper: the cover wins on all three.
func TestDescribeStyledPDF(t *testing.T) {
	var buf bytes.Buffer
	info := pdfgen.Info{Title: "Microsoft Word - paper_v3.docx", Author: "jsmith", CreationDate: "D:20261122101500Z"}
	if err := pdfgen.WriteStyled(&buf, info, [][]pdfgen.Line{paperCover, paperBody}); err != nil {
		t.Fatal(err)
	}
	doc, err := Bytes(context.Background(), "paper.pdf", buf.Bytes(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkDescribed(t, "pdfgen paper", doc, paperWant)
	if doc.Meta["file_date"] != "2026-11-22" {
		t.Errorf("file_date = %q, want the CreationDate the text overrode", doc.Meta["file_date"])
	}
}

// TestDescribeGroffPDF renders the same paper with groff, a real
// typesetter whose PDF carries no title and today's CreationDate.
func TestDescribeGroffPDF(t *testing.T) {
	groff, err := exec.LookPath("groff")
	if err != nil {
		t.Skip("groff not installed: the groff rendering is not tested")
	}
	var src strings.Builder
	src.WriteString(".ll 6.5i\n.nf\n")
	for _, l := range append(append([]pdfgen.Line{}, paperCover...), append([]pdfgen.Line{{Text: ".bp"}}, paperBody...)...) {
		switch {
		case l.Text == ".bp":
			src.WriteString(".bp\n")
		case l.Text == "":
			src.WriteString(".sp\n")
		default:
			size := l.Size
			if size == 0 {
				size = 11
			}
			// groff reads a line that starts with a dot as a request
			src.WriteString(".ps " + strconv.FormatFloat(size, 'f', -1, 64) + "\n.vs " + strconv.FormatFloat(size*1.3, 'f', 1, 64) + "\n\\&" + l.Text + "\n")
		}
	}
	dir := t.TempDir()
	cmd := exec.Command(groff, "-Tpdf")
	cmd.Stdin = strings.NewReader(src.String())
	pdfData, err := cmd.Output()
	if err != nil || !bytes.HasPrefix(pdfData, []byte("%PDF")) {
		t.Skipf("groff cannot write PDF here (%v): the groff rendering is not tested", err)
	}
	path := filepath.Join(dir, "paper.pdf")
	if err := os.WriteFile(path, pdfData, 0o644); err != nil {
		t.Fatal(err)
	}
	doc, err := File(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkDescribed(t, "groff paper", doc, paperWant)
}

// TestDescribeDOCX: a Word file whose core title is the producer's
// boilerplate, whose creator is a login name and whose creation date is
// later than the date it prints: the Title-styled paragraph, the date
// line and the "Statement by" line win.
func TestDescribeDOCX(t *testing.T) {
	para := func(style, text string) string {
		ppr := ""
		if style != "" {
			ppr = `<w:pPr><w:pStyle w:val="` + style + `"/></w:pPr>`
		}
		return `<w:p>` + ppr + `<w:r><w:t xml:space="preserve">` + text + `</w:t></w:r></w:p>`
	}
	body := para("Title", "Protecting Emergency Services from") + para("Title", "Harmful ICT Activity") +
		para("", "Statement by the Permanent Mission of Norland to the United Nations") +
		para("", "New York, November 12, 2021") +
		para("", "Norland welcomes the progress made since 2015 and the report adopted in March 2021.")
	core := `<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/">` +
		`<dc:title>Microsoft Word - stmt.docx</dc:title><dc:creator>clerk7</dc:creator><dcterms:created>2026-01-04T09:00:00Z</dcterms:created></cp:coreProperties>`
	styles := `<?xml version="1.0" encoding="UTF-8"?><w:styles ` + wNS + `><w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style></w:styles>`
	data := makeZip(t, "word/document.xml", wordDoc(body), "word/styles.xml", styles, "docProps/core.xml", core)
	doc, err := Bytes(context.Background(), "stmt.docx", data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkDescribed(t, "docx statement", doc, described{
		"Protecting Emergency Services from Harmful ICT Activity", SourceText,
		"2021-11-12", SourceText,
		"Permanent Mission of Norland", SourceText,
	})
}

// TestDescribeHTMLAndMarkdown: the first heading over an "Untitled"
// <title>; Spanish and French submitters and dates.
func TestDescribeHTMLAndMarkdown(t *testing.T) {
	htmlDoc := `<!doctype html><html><head><title>Untitled</title><meta name="author" content="webmaster"></head><body>
<h1>Declaración sobre la protección de las infraestructuras críticas</h1>
<p>Presentado por la República de Ejemplonia</p>
<p>Nueva York, 12 de noviembre de 2018</p>
<p>Desde 2015 la República apoya las normas del informe de 2015.</p></body></html>`
	doc, err := Bytes(context.Background(), "decl.html", []byte(htmlDoc), Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkDescribed(t, "html", doc, described{
		"Declaración sobre la protección de las infraestructuras críticas", SourceText,
		"2018-11-12", SourceText,
		"República de Ejemplonia", SourceText,
	})

	md := "# Contribution de la République de Fictivie aux travaux du groupe\n\nGenève, le 12 novembre 2018\n\n" +
		"La République soutient depuis novembre 2015 le cadre de comportement responsable.\n"
	doc, err = Bytes(context.Background(), "contribution.md", []byte(md), Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkDescribed(t, "markdown", doc, described{
		"Contribution de la République de Fictivie aux travaux du groupe", SourceText,
		"2018-11-12", SourceText,
		"République de Fictivie", SourceText,
	})

	// Nothing printed: the file's own title, date and author stand.
	plain := `<!doctype html><html><head><title>Report on confidence-building measures in 2020</title><meta name="author" content="Office of Cyber Affairs"><meta name="date" content="2020-06-30"></head><body><p>Our measures are listed below.</p></body></html>`
	doc, err = Bytes(context.Background(), "cbm.html", []byte(plain), Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkDescribed(t, "html with metadata only", doc, described{
		"Report on confidence-building measures in 2020", SourceFile,
		"2020-06-30", SourceFile,
		"Office of Cyber Affairs", SourceFile,
	})
}

func TestDatesIn(t *testing.T) {
	for _, tc := range []struct{ line, want string }{
		{"September 2019", "2019-09"},
		{"12 November 2021", "2021-11-12"},
		{"November 12, 2021", "2021-11-12"},
		{"2021-11-12", "2021-11-12"},
		{"Paris, le 12 novembre 2018", "2018-11-12"},
		{"Madrid, 12 de noviembre de 2018", "2018-11-12"},
		{"noviembre de 2018", "2018-11"},
		{"Paris, 12th of November, 2018", "2018-11-12"},
		{"le 1er mars 2020", "2020-03-01"},
		{"Sept. 3, 2020", "2020-09-03"},
		{"States may 2019 hmm", ""},        // "may" is a verb
		{"31 February 2020", ""},           // no such day
		{"Report 1944-13-40", ""},          // not a date
		{"in the march 2020 protests", ""}, // lower-case English month
	} {
		got := ""
		if ds := datesIn(tc.line); len(ds) > 0 {
			got = ds[0].value
		}
		if got != tc.want {
			t.Errorf("datesIn(%q) = %q, want %q", tc.line, got, tc.want)
		}
	}
}

func TestDocumentDate(t *testing.T) {
	now := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	lines := func(ss ...string) []textLine {
		var out []textLine
		for _, s := range ss {
			out = append(out, textLine{text: s, page: 1})
		}
		return out
	}
	for _, tc := range []struct {
		name     string
		lines    []textLine
		fileDate string
		want     string
		fromText bool
	}{
		{"cover date beats a later file date", lines("A Title", "September 2019"), "2026-11-22", "2019-09", true},
		{"prose dates are not the document's", lines("The ministry acted in November 2018 after the", "attack of 12 March 2017 on hospitals in the capital city of the region."), "2019-02-01", "2019-02-01", false},
		{"a wrapped sentence is prose", lines("the forum met", "in Geneva on 3 May 2016"), "2019-02-01", "2019-02-01", false},
		{"links and references are skipped", lines("https://example.org/2020/05/01 12 May 2020", "[3] Report, accessed 12 May 2020"), "2021-01-01", "2021-01-01", false},
		{"a dateline with a separator", lines("Ministry of Foreign Affairs — 14 March 2023"), "", "2023-03-14", true},
		{"a target year is not a date", lines("Strategy 2035", "A plan for the decade"), "2025-05-05", "2025-05-05", false},
		{"a date long after the file was made is a target", lines("Deadline: 1 January 2030"), "2021-04-01", "2021-04-01", false},
		{"a header year yields to a file date of that year", lines("Working Group 6 - 2021"), "2021-11-19", "2021-11-19", false},
		{"a header year beats a file date of another year", lines("Working Group 6 - 2019"), "2026-11-19", "2019", true},
		{"no date at all", lines("Nothing dated here"), "", "", false},
		// Dates in figures alone on a line, as covers and logos set them.
		{"figures, day first, near the file date", lines("A declaration", "12 · 11 · 2018"), "2018-11-09", "2018-11-12", true},
		{"figures, month first, near the file date", lines("11-12-2018"), "2018-11-09", "2018-11-12", true},
		{"figures years before the file are another event's", lines("11 • 12 • 2018", "REPORT"), "2021-11-19", "2021-11-19", false},
		{"figures that read one way, no file date", lines("25.12.2019"), "", "2019-12-25", true},
		{"figures that read two ways, no file date: the year", lines("05/06/2019"), "", "2019", true},
		{"figures inside a line are not a date", lines("Version 1.2.2019 of the tool"), "", "", false},
		{"mixed separators are not a date", lines("12.11-2018"), "2018-11-09", "2018-11-09", false},
	} {
		got, fromText := documentDate(tc.lines, tc.fileDate, now)
		if got != tc.want || fromText != tc.fromText {
			t.Errorf("%s: got %q (text %v), want %q (text %v)", tc.name, got, fromText, tc.want, tc.fromText)
		}
	}
}

func TestTextSubmitter(t *testing.T) {
	for _, tc := range []struct {
		lines []string
		want  string
	}{
		{[]string{"Submission by Canada on the initial pre-draft"}, "Canada"},
		{[]string{"Statement by the Delegation of Examplia to the OEWG"}, "Delegation of Examplia"},
		{[]string{"Comments from Global Partners Digital"}, "Global Partners Digital"},
		{[]string{"Contribution of the Northern Regional Forum"}, "Northern Regional Forum"},
		{[]string{"Déclaration de la République de Fictivie"}, "République de Fictivie"},
		{[]string{"Contribución de la República de Ejemplonia sobre las normas"}, "República de Ejemplonia"},
		{[]string{"A study by Paris Call Working Group 3 on Advancing the UN negotiations"}, "Paris Call Working Group 3"},
		{[]string{"Report of the Northern Regional Forum on port security"}, "Northern Regional Forum"},
		{[]string{"A Title", "Submitted by the Kingdom of Norland"}, "Kingdom of Norland"},
		{[]string{"Some title", "Permanent Mission of Norland to the United Nations", "Geneva"}, "Permanent Mission of Norland to the United Nations"},
		{[]string{"Government of Examplia"}, "Government of Examplia"},
		// Not submitters: a sentence that mentions one, a lower-case name.
		{[]string{"We thank the submission by Canada for its ideas."}, ""},
		{[]string{"Statement of principles adopted by consensus"}, ""},
		{[]string{"Comments from participants are welcome"}, ""},
	} {
		var ls []textLine
		for _, s := range tc.lines {
			ls = append(ls, textLine{text: s, page: 1})
		}
		if got := textSubmitter(ls); got != tc.want {
			t.Errorf("textSubmitter(%q) = %q, want %q", tc.lines, got, tc.want)
		}
	}
}

// TestTitleLine: a text file's title is its first paragraph when that
// is short and no sentence, also when it wraps over a few lines.
func TestTitleLine(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"Northern Regional Forum: contribution\n\nBody.\n", "Northern Regional Forum: contribution"},
		{"National Report of the Republic of Estavia on the Implementation of the GGE\nNorms of Responsible State Behaviour in Cyberspace\n\nSubmission by the Republic\n",
			"National Report of the Republic of Estavia on the Implementation of the GGE Norms of Responsible State Behaviour in Cyberspace"},
		{"The Republic welcomes the report.\n\nMore.\n", ""},
		{"one\ntwo\nthree\nfour\nfive\n\nsix\n", ""},
		{"A paragraph of prose that goes on for a while, as a paragraph does when\nit has something to say and does not stop after a few words but keeps\ngoing past the point where a title would end\n\n", ""},
	} {
		doc := &corpus.Document{Pages: []corpus.Page{{Number: 1, Text: tc.text}}}
		if got := titleLine(doc); got != tc.want {
			t.Errorf("titleLine(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestJunkTitle(t *testing.T) {
	for _, title := range []string{"", "Advancing", "big", "Enscript Output", "untitled", "Slide 1", "PowerPoint Presentation",
		"Microsoft Word - draft3.docx", "report_final.pdf", "Executive Summary", "paris call", "Page 2 / 43"} {
		if !junkTitle(title, "paris call.pdf") {
			t.Errorf("junkTitle(%q) = false, want true", title)
		}
	}
	for _, title := range []string{"Paris Call Working group 6 - ICT supply chain security", "National report on the GGE norms"} {
		if junkTitle(title, "x.pdf") {
			t.Errorf("junkTitle(%q) = true, want false", title)
		}
	}
}

func TestCoverTitle(t *testing.T) {
	body := []pdf.Line{}
	for range 12 {
		body = append(body, pdf.Line{Text: "a line of body text that runs across the page", Size: 11})
	}
	for _, tc := range []struct {
		name  string
		lines []pdf.Line
		want  string
	}{
		{"a wrapped title over body text", append([]pdf.Line{{Text: "2", Size: 9}, {Text: "Paris Call for Trust and", Size: 30}, {Text: "Security in Cyberspace", Size: 30}, {Text: "Working Group 5:", Size: 22}}, body...), "Paris Call for Trust and Security in Cyberspace"},
		{"a colon brings the subtitle", []pdf.Line{{Text: "Advancing", Size: 48}, {Text: "Cyber Norms:", Size: 48}, {Text: "Multistakeholder", Size: 22}, {Text: "Recommendations", Size: 22}, {Text: "Other", Size: 12}}, "Advancing Cyber Norms: Multistakeholder Recommendations"},
		{"a cover of a few same-size lines stops at its date", []pdf.Line{{Text: "1", Size: 16}, {Text: "A study by a working group on the", Size: 12}, {Text: "future of the dialogue", Size: 12}, {Text: "November 2021", Size: 12}}, "A study by a working group on the future of the dialogue"},
		{"a long title in large type wraps over four lines", append([]pdf.Line{{Text: "National Report of the Republic of", Size: 21}, {Text: "Estavia on the Implementation of the", Size: 21},
			{Text: "GGE Norms of Responsible State", Size: 21}, {Text: "Behaviour in Cyberspace", Size: 21}, {Text: "14 March 2022", Size: 12}}, body...),
			"National Report of the Republic of Estavia on the Implementation of the GGE Norms of Responsible State Behaviour in Cyberspace"},
		{"same-size lines: at most three", []pdf.Line{{Text: "Note verbale from the mission", Size: 12}, {Text: "to the secretariat of the", Size: 12},
			{Text: "working group on the dialogue", Size: 12}, {Text: "The mission presents its compliments", Size: 12}}, "Note verbale from the mission to the secretariat of the working group on the dialogue"},
		{"body text only", body, ""},
		{"a single large word is no title", append([]pdf.Line{{Text: "Advancing", Size: 48}}, body...), ""},
		{"a title of two words continues into its subtitle", append([]pdf.Line{{Text: "PARIS CALL", Size: 40}, {Text: "for trust and security", Size: 16}, {Text: "in cyberspace", Size: 16}}, body...),
			"PARIS CALL for trust and security in cyberspace"},
	} {
		if got := coverTitle(tc.lines); got != tc.want {
			t.Errorf("%s: coverTitle = %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestDescribeParisCall checks the six Paris Call PDFs against what
// their first pages say, read by a person on the rendered pages. Where
// a cover's title is drawn (outlines, an image), OCR of the cover reads
// it (source ocr); without Tesseract, the expectation is what the text
// layer and the file give. A document that prints no date keeps the
// file's, marked so; one that prints no issuer has no submitter when
// the file's author is whoever typed it. The English declaration is
// English, whatever language its Word file declares.
func TestDescribeParisCall(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "corpora", "policy", "pariscall")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("%s not present: %v", dir, err)
	}
	c, err := ocr.Find(context.Background(), ocr.Auto, "")
	if err != nil || !c.Ready() {
		t.Logf("OCR tools absent (%v): covers drawn as pictures are checked without OCR; %s", err, ocr.InstallHint)
	}
	for file, want := range map[string]struct{ withOCR, textOnly described }{
		// The title (three lines) and subtitle are drawn as outlines over
		// a picture; the text layer holds only the line under them and
		// "November 2021".
		"10-11-WG3-Multistakeholder-participation-at-the-UN-The-need-for-greater-inclusivity-in-the-UN-dialogues-on-cybersecurity.pdf": {
			withOCR: described{
				"Multistakeholder participation at the UN", SourceOCR,
				"2021-11", SourceText,
				"Paris Call Working Group 3", SourceText,
			},
			textOnly: described{
				"A study by Paris Call Working Group 3 on Advancing the UN negotiations with a strong multistakeholder approach", SourceText,
				"2021-11", SourceText,
				"Paris Call Working Group 3", SourceText,
			},
		},
		// The cover is an image (read by OCR as the first page's text):
		// the file's title is right, so the cover is not read again for
		// one. The running header "Paris Call – Working Group 6 - 2021"
		// names the issuer and agrees with the file's date. The file's
		// author is the three people whose Word account typed it.
		"2021-11-12-Paris-Call-Working-Group6-Report-SecuringICTSupplyChain.pdf": {
			withOCR: described{
				"Paris Call Working group 6 - ICT supply chain security", SourceFile,
				"2021-11-19", SourceFile,
				"Paris Call Working Group 6", SourceText,
			},
		},
		// The series' name in 30 pt over "Working Group 5: / Building a
		// Cyberstability Index / Executive Summary and / Final Report" in
		// 22 pt: the group's subject and the kind of report are the title,
		// the group (named with its body where the text does) the issuer.
		// No printed date.
		"PWGR5-8-11-21.pdf": {
			withOCR: described{
				"Building a Cyberstability Index: Executive Summary and Final Report", SourceText,
				"2021-11-08", SourceFile,
				"Paris Call Working Group 5", SourceText,
			},
		},
		// Title in 48 pt over three lines ending in a colon, subtitle in
		// 22 pt; the co-chairs' introduction says they "co-chair Paris
		// Call Working Group #4". No printed date.
		"WG4-Final-Report-101121.pdf": {
			withOCR: described{
				"Advancing International Cyber Norms: Multistakeholder Recommendations", SourceText,
				"2021-11-09", SourceFile,
				"Paris Call Working Group 4", SourceText,
			},
		},
		// The banner is an image whose "APPEL DE PARIS" is a logotype
		// with broken letters that OCR does not read; what it reads is
		// the line in capitals under it, "POUR LA CONFIANCE ET LA
		// SÉCURITÉ DANS LE CYBERESPACE", which opens with a preposition:
		// it completes the file's name, and the title is marked as the
		// file name's. The dateline "Paris, le 12 novembre 2018" closes
		// the call, three days after the file was made. Nothing printed
		// names the issuer; the file's author is the clerk whose Word
		// account typed it, so there is no submitter.
		"appel-de-paris.pdf": {
			withOCR: described{
				"Appel de Paris pour la confiance et la sécurité dans le cyberespace", SourceFileName,
				"2018-11-12", SourceText,
				"", "",
			},
			textOnly: described{
				"appel de paris", SourceFileName,
				"2018-11-12", SourceText,
				"", "",
			},
		},
		// The banner is an image: "PARIS CALL" in large type over "FOR
		// TRUST AND SECURITY IN CYBERSPACE", cased as a title.
		"paris-call.pdf": {
			withOCR: described{
				"Paris Call for Trust and Security in Cyberspace", SourceOCR,
				"2018-11-12", SourceText,
				"", "",
			},
			textOnly: described{
				"paris call", SourceFileName,
				"2018-11-12", SourceText,
				"", "",
			},
		},
	} {
		opts, expect := Options{OCR: c}, want.withOCR
		if !c.Ready() && want.textOnly != (described{}) {
			expect = want.textOnly
		}
		doc, err := File(context.Background(), filepath.Join(dir, file), opts)
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		checkDescribed(t, file, doc, expect)
		if got := doc.Meta["language"]; file == "paris-call.pdf" && got != "en" {
			t.Errorf("%s: language %q, want en (the file declares %q)", file, got, doc.Meta["file_language"])
		}
	}
}

// TestDescribeSampleCorpus guards the repository's samples: titles the
// files declare stay, dates and submitters they print are found.
func TestDescribeSampleCorpus(t *testing.T) {
	dir := filepath.Join("..", "..", "examples", "corpus")
	for file, want := range map[string]described{
		"examplia-national-report.pdf": {
			"Republic of Examplia: national report on the implementation of the GGE norms", SourceFile,
			"2023-03-14", SourceText,
			"Ministry of Foreign Affairs", SourceText,
		},
		"fictivie-declaration.pdf": {
			"République de Fictivie : déclaration sur la protection des infrastructures critiques", SourceFile,
			"2023-07-05", SourceText,
			"République de Fictivie", SourceText,
		},
		"northern-forum-submission.txt": {
			"Northern Regional Forum: contribution to the Open-Ended Working Group", SourceText,
			"", "",
			"", "",
		},
		"drw-statement.html": {
			"Digital Rights Watchers: statement to the OEWG on rights, hospitals and response teams", SourceFile,
			"2024-02-20", SourceFile,
			"Digital Rights Watchers", SourceFile,
		},
	} {
		doc, err := File(context.Background(), filepath.Join(dir, file), Options{})
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		checkDescribed(t, file, doc, want)
	}
}
