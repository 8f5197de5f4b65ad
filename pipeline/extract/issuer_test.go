package extract

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/internal/pdfgen"
	"github.com/normtag/normtag/pipeline/extract/ocr"
	"github.com/normtag/normtag/pipeline/extract/pdf"
)

// TestGroupIssuer: a numbered group printed as a running header, as a
// cover line or as the group its writers chair issues the paper; named
// with the body printed with it, else with the body the text names it
// with most often. Sentences about a group and groups without a number
// issue nothing.
func TestGroupIssuer(t *testing.T) {
	body := "The Harbour Compact Expert Group III met four times.\nIts members thank the Harbour Compact Expert Group III secretariat.\nA note from Expert Group III follows."
	for _, tc := range []struct {
		name  string
		lines []string
		want  string
	}{
		{"running header with a year", []string{"Northern Shipping Alliance – Working Group 2 - 2023", "Introduction"}, "Northern Shipping Alliance Working Group 2"},
		{"running header with a bar", []string{"Coastal Forum | Task Force 7"}, "Coastal Forum Task Force 7"},
		{"cover line with a colon, body from the text", []string{"Harbour Compact", "Expert Group III:", "Port Resilience"}, "Harbour Compact Expert Group III"},
		{"abbreviation before the number", []string{"Working Group (WG) 4: Tools for the community"}, "Working Group 4"},
		{"co-chairs name their group", []string{"Three organisations were proud to co-chair the Northern Shipping Alliance Working Group #2 on port security."}, "Northern Shipping Alliance Working Group 2"},
		{"a French group", []string{"Alliance des ports – Groupe de travail 3"}, "Alliance des ports Groupe de travail 3"},
		{"a sentence about a group", []string{"Working Group 6 (further – WG6) was created within the alliance to bring tools to its members."}, ""},
		{"a group without a number", []string{"Report of the Open-ended Working Group", "Statement to the Working Group:"}, ""},
		{"a group someone else chaired, unnumbered", []string{"The ambassador chaired the Open-ended Working Group in 2021."}, ""},
		{"the chair of a group, a noun", []string{"We thank the Chair of Working Group 2 for the draft."}, ""},
		{"a header naming the group a paper is sent to", []string{"Input to the Coastal Forum – Working Group 2"}, ""},
	} {
		doc := &corpus.Document{Pages: []corpus.Page{{Number: 1, Text: strings.Join(tc.lines, "\n")}, {Number: 2, Text: body}}}
		var ls []textLine
		for _, s := range tc.lines {
			ls = append(ls, textLine{text: s, page: 1})
		}
		if got := groupIssuer(doc, ls); got != tc.want {
			t.Errorf("%s: groupIssuer(%q) = %q, want %q", tc.name, tc.lines, got, tc.want)
		}
	}
}

// TestMadeTheFile: the author a file declares is whoever made the file
// when it is an account name, or people's names that a word processor
// wrote; an organisation, an acronym, or a name a web page declares on
// purpose is the issuer.
func TestMadeTheFile(t *testing.T) {
	word := map[string]string{"creator": "Microsoft® Word 2016", "producer": "Microsoft® Word 2016"}
	indesign := map[string]string{"creator": "Adobe InDesign 16.4", "producer": "Adobe PDF Library 16.0"}
	for _, tc := range []struct {
		author string
		format corpus.Format
		meta   map[string]string
		want   bool
	}{
		{"jsmith", corpus.FormatHTML, nil, true},
		{"clerk7", corpus.FormatPDF, indesign, true},
		{"DUPONT Jean-Marc", corpus.FormatPDF, word, true},
		{"Ana López;Ben Okafor;Chloé Martin", corpus.FormatPDF, map[string]string{"creator": "Acrobat PDFMaker 21 for Word"}, true},
		{"Maria de la Cruz", corpus.FormatDOCX, nil, true},
		{"J. R. Hartley", corpus.FormatPDF, word, true},
		{"Ministry of Foreign Affairs", corpus.FormatPDF, word, false},
		{"Coastal Policy Institute", corpus.FormatDOCX, nil, false},
		{"OECD", corpus.FormatPDF, word, false},
		{"Digital Rights Watchers", corpus.FormatHTML, nil, false},
		{"Jane Doe", corpus.FormatHTML, nil, false},
		{"Jane Doe", corpus.FormatPDF, indesign, false},
	} {
		doc := &corpus.Document{Format: tc.format, Meta: tc.meta}
		if doc.Meta == nil {
			doc.Meta = map[string]string{}
		}
		if got := madeTheFile(tc.author, doc); got != tc.want {
			t.Errorf("madeTheFile(%q, %s %v) = %v, want %v", tc.author, tc.format, tc.meta, got, tc.want)
		}
	}
}

// TestGroupTitle: a cover whose largest type is the name of the body a
// group belongs to, over the group's name and subject, is titled by the
// subject and the kind of report; a cover whose largest type is the
// title keeps it.
func TestGroupTitle(t *testing.T) {
	for _, tc := range []struct {
		name  string
		lines []pdf.Line
		want  string
	}{
		{"series over group, subject and kind", []pdf.Line{{Text: "Northern Shipping Alliance for", Size: 28}, {Text: "Safe and Open Seas", Size: 28},
			{Text: "Expert Group 2:", Size: 20}, {Text: "Mapping Port Dependencies", Size: 20}, {Text: "Interim Report", Size: 20}}, "Mapping Port Dependencies: Interim Report"},
		{"subject on the group's line, wrapped", []pdf.Line{{Text: "Coastal Forum on Maritime Security", Size: 30},
			{Text: "Task Force 3: Securing the Software of", Size: 18}, {Text: "harbour cranes", Size: 18}, {Text: "A note on the method", Size: 18}}, "Securing the Software of harbour cranes"},
		{"no group under the title", []pdf.Line{{Text: "Mapping Port Dependencies", Size: 28}, {Text: "Interim Report", Size: 20}}, "Mapping Port Dependencies"},
		{"a group named without its subject", []pdf.Line{{Text: "Northern Shipping Alliance", Size: 28}, {Text: "Expert Group 2:", Size: 20}, {Text: "body text", Size: 11}}, "Northern Shipping Alliance"},
	} {
		if got := coverTitle(tc.lines); got != tc.want {
			t.Errorf("%s: coverTitle = %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestTitleCase: a title in capitals is cased as a title, keeping in
// capitals the acronyms the text writes so; a title in mixed case is
// left as its author wrote it.
func TestTitleCase(t *testing.T) {
	doc := &corpus.Document{Pages: []corpus.Page{{Number: 1, Text: "EXECUTIVE SUMMARY AND NEW IDEAS\nThe ICT supply chain and the UN process.\nNEW MEASURES\nLa sécurité des câbles de Marseille et de Valparaíso, la protección de los puertos."}}}
	for in, want := range map[string]string{
		"SECURING THE ICT SUPPLY CHAIN: A NEW AGENDA FOR THE UN": "Securing the ICT Supply Chain: A New Agenda for the UN",
		// French and Spanish titles capitalise their first word and names
		// only: words the text writes in lower case are lowered, others
		// (names, words the text does not use) keep their capital.
		"CHARTE DE LA SÉCURITÉ DES PORTS ET DES CÂBLES DE MARSEILLE": "Charte de la sécurité des Ports et des câbles de Marseille",
		"PROTECCIÓN DE LOS PUERTOS DE VALPARAÍSO":                    "Protección de los puertos de Valparaíso",
		"SECURITY OF THE CABLES OF MARSEILLE":                        "Security of the Cables of Marseille",
		"CAPACITY-BUILDING IN THE OPEN SEAS":                         "Capacity-Building in the Open Seas",
		"Securing the ICT supply chain":                              "Securing the ICT supply chain",
		"OPEN SEAS":                                                  "OPEN SEAS", // a word or two: a heading, not a title
	} {
		if got := titleCase(in, doc); got != want {
			t.Errorf("titleCase(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCoverSubtitleCompletesFileName: OCR of a cover whose name is a
// logotype reads only the line in capitals under it; one that opens with
// a preposition completes the name the file is named after (marked as
// the file name's), else stands as the OCR's title. Lines OCR is not
// sure of (a letter or two of the logotype) are passed over.
func TestCoverSubtitleCompletesFileName(t *testing.T) {
	cover := []ocr.Line{{Text: "À R", Height: 21}, {Text: "POUR LA COOPÉRATION", Height: 9}, {Text: "EN MER DU NORD", Height: 7}}
	for range 10 {
		cover = append(cover, ocr.Line{Text: "Les signataires de la présente charte affirment leur soutien à la", Height: 10.6})
	}
	now := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		file, title, titleSource string
		wantTitle, wantSource    string
	}{
		{"charte-de-lisbonne.pdf", "charte de lisbonne", SourceFileName, "Charte de Lisbonne pour la coopération en Mer du Nord", SourceFileName},
		{"doc_0815.pdf", "Les signataires de la présente charte affirment leur soutien à la", SourceText, "Pour la coopération en Mer du Nord", SourceOCR},
	} {
		doc := &corpus.Document{FileName: tc.file, Title: tc.title, Meta: map[string]string{corpus.TitleSource: tc.titleSource},
			Pages: []corpus.Page{{Number: 1, Text: "Les signataires de la présente charte affirment leur soutien à la coopération."}}}
		applyCover(doc, cover, "", now)
		if doc.Title != tc.wantTitle || doc.Meta[corpus.TitleSource] != tc.wantSource {
			t.Errorf("%s: title %q (%s), want %q (%s)", tc.file, doc.Title, doc.Meta[corpus.TitleSource], tc.wantTitle, tc.wantSource)
		}
	}
}

// TestDescribeGroupReport: a working group's report made in Word, as a
// generated PDF: the series' name in the largest type over the group
// and its subject, a running header naming the group with the body it
// belongs to, a month on the cover, and the Word account of one of its
// writers as the file's author. The cover gives the title and date, the
// header the issuer; the author is kept aside.
func TestDescribeGroupReport(t *testing.T) {
	cover := []pdfgen.Line{
		{Text: "Northern Shipping Alliance for", Size: 28},
		{Text: "Safe and Open Seas", Size: 28},
		{Text: ""},
		{Text: "Expert Group 2:", Size: 20},
		{Text: "Mapping Port Dependencies", Size: 20},
		{Text: "Final Report", Size: 20},
		{Text: ""},
		{Text: "March 2023", Size: 12},
	}
	page := []pdfgen.Line{{Text: "Northern Shipping Alliance - Expert Group 2 - 2023", Size: 9}, {Text: ""}}
	page = append(page, paperBody[:4]...)
	var buf bytes.Buffer
	info := pdfgen.Info{Author: "OKAFOR Ben", Producer: "Microsoft® Word 2016", CreationDate: "D:20230402120000Z"}
	if err := pdfgen.WriteStyled(&buf, info, [][]pdfgen.Line{cover, page}); err != nil {
		t.Fatal(err)
	}
	doc, err := Bytes(context.Background(), "eg2-final.pdf", buf.Bytes(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkDescribed(t, "group report", doc, described{
		"Mapping Port Dependencies: Final Report", SourceText,
		"2023-03", SourceText,
		"Northern Shipping Alliance Expert Group 2", SourceText,
	})
	if doc.Meta["author"] != "OKAFOR Ben" {
		t.Errorf("author = %q: a submitter found in the text leaves the file's author as it is", doc.Meta["author"])
	}

	// The same report without its running header: the writer's Word
	// account is no submitter, and is kept as file_author.
	buf.Reset()
	if err := pdfgen.WriteStyled(&buf, info, [][]pdfgen.Line{{{Text: "Mapping Port Dependencies", Size: 28}}, paperBody[:4]}); err != nil {
		t.Fatal(err)
	}
	doc, err = Bytes(context.Background(), "eg2-final.pdf", buf.Bytes(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s, src := doc.Submitter(), doc.Meta[corpus.SubmitterSource]; s != "" || src != "" {
		t.Errorf("submitter %q (%s), want none: the author is the Word account of whoever typed the file", s, src)
	}
	if doc.Meta["file_author"] != "OKAFOR Ben" {
		t.Errorf("file_author = %q, want the author the file declares", doc.Meta["file_author"])
	}
}

// TestSettleLanguage: a file that declares one language for a text in
// another is given its text's language, the declaration kept aside; a
// declaration the text agrees with, or that a text in no language the
// detector knows cannot contradict, stays as written.
func TestSettleLanguage(t *testing.T) {
	english := strings.Repeat("States should not conduct or knowingly support activity that intentionally damages critical infrastructure or impairs its use to provide services to the public. "+
		"They should take appropriate measures to protect it from threats, in line with the report of the group and with the views of the other States.\n\n", 3)
	filler := strings.Repeat("Lorem ipsum dolor sit amet, consetetur sadipscing elitr, sed diam nonumy eirmod tempor invidunt ut labore et dolore magna aliquyam erat, sed diam voluptua. "+
		"At vero eos et accusam et justo duo dolores et ea rebum, stet clita kasd gubergren, no sea takimata sanctus est.\n\n", 3)
	for _, tc := range []struct {
		declared, body, want, kept string
	}{
		{"fr", english, "en", "fr"},
		{"en-GB", english, "en-GB", ""},
		{"en-US", filler, "en-US", ""}, // placeholder Latin: "et" and "est" are no French
	} {
		md := "---\ntitle: Notes on infrastructure protection\nlang: " + tc.declared + "\n---\n\n" + tc.body
		doc, err := Bytes(context.Background(), "notes.md", []byte(md), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if doc.Meta["language"] != tc.want || doc.Meta["file_language"] != tc.kept {
			t.Errorf("declared %s: language %q, file_language %q; want %q, %q", tc.declared, doc.Meta["language"], doc.Meta["file_language"], tc.want, tc.kept)
		}
	}
}

// Every spelling of a group's kind passes namesGroupUnit, the filter in
// front of the group expressions: on lines that name one in every case
// groupUnit allows, and on every line of the Paris Call papers that one
// of the expressions matches.
func TestNamesGroupUnitPassesEveryGroup(t *testing.T) {
	lines := []string{"Paris Call Working Group 5", "Expert group 2", "Study Group #3", "Drafting Group (DG) 4",
		"Contact Group No. 2", "Focus group 1", "Thematic Group IV", "Working Party 3", "Working party 3",
		"Task Force 2", "Task force 2", "Sub-Committee 1", "Subcommittee 1", "Sub-committee 1",
		"Groupe de travail 4", "Grupo de Trabajo 4", "Grupo de trabajo 4", "we co-chair the Working Group 6"}
	for _, l := range lines {
		if !groupIn().MatchString(l) {
			t.Errorf("%q: groupIn does not match (fix the test)", l)
		}
		if !namesGroupUnit(l) {
			t.Errorf("%q passed over", l)
		}
	}
	for _, l := range []string{"The Working Team 5", "working GROUP 5", "a task 2"} {
		if namesGroupUnit(l) || groupIn().MatchString(l) {
			t.Errorf("%q: namesGroupUnit %v, groupIn %v", l, namesGroupUnit(l), groupIn().MatchString(l))
		}
	}
	files, _ := filepath.Glob("../../../shared/corpora/policy/pariscall/*.pdf")
	if len(files) == 0 {
		t.Skip("../shared/corpora/policy/pariscall is absent")
	}
	matched := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		pages, _, err := pdf.Extract(context.Background(), data, pdf.Options{})
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, p := range pages {
			for _, l := range strings.Split(p, "\n") {
				if groupIn().MatchString(l) || groupHeader().MatchString(l) || groupChaired().MatchString(l) {
					matched++
					if !namesGroupUnit(l) {
						t.Errorf("%s: %q passed over", filepath.Base(f), l)
					}
				}
			}
		}
	}
	if matched == 0 {
		t.Error("no line of the Paris Call papers names a group")
	}
}
