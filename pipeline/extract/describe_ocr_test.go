package extract

import (
	"bytes"
	"context"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/internal/pdfgen"
	"github.com/normtag/normtag/internal/scanpdf"
	"github.com/normtag/normtag/pipeline/extract/ocr"
)

// bannerImage draws lines as a picture: a PDF of them rendered by
// pdftoppm at dpi and cut to their height, as a designer exports a
// cover's title or a letterhead to an image.
func bannerImage(t *testing.T, c ocr.Config, lines []pdfgen.Line, heightPt float64, dpi int) *image.Gray {
	t.Helper()
	var src bytes.Buffer
	if err := pdfgen.WriteStyled(&src, pdfgen.Info{}, [][]pdfgen.Line{lines}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	in, out := filepath.Join(dir, "banner.pdf"), filepath.Join(dir, "banner")
	if err := os.WriteFile(in, src.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	// WriteStyled starts its first line 32 pt below the top of the page.
	px := func(pt float64) string { return strconv.Itoa(int(pt * float64(dpi) / 72)) }
	cmd := exec.Command(c.Pdftoppm, "-r", strconv.Itoa(dpi), "-gray", "-png", "-singlefile", "-x", "0", "-y", px(20), "-W", px(612), "-H", px(heightPt), in, out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v: %s", err, msg)
	}
	img, err := scanpdf.ReadPNG(out + ".png")
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// coverOCRPaper is a submission whose cover draws its letterhead and
// title as a picture; the text layer holds the date and the body. The
// file declares no title and its author is whoever made the PDF.
func coverOCRPaper(t *testing.T, c ocr.Config) []byte {
	t.Helper()
	banner := bannerImage(t, c, []pdfgen.Line{
		{Text: "Ministry of Foreign Affairs of Examplia", Size: 12},
		{Text: ""},
		{Text: "Harbour Security and", Size: 30},
		{Text: "Cooperation Framework", Size: 30},
	}, 130, 200)
	page := []pdfgen.Line{{Image: banner, DPI: 200}, {Text: ""}, {Text: "Geneva, 4 June 2024", Size: 11}}
	for _, l := range paperBody[:4] {
		page = append(page, l, l) // two paragraphs' worth: a page of body text
	}
	var buf bytes.Buffer
	if err := pdfgen.WriteStyled(&buf, pdfgen.Info{Author: "jsmith", CreationDate: "D:20240610090000Z"}, [][]pdfgen.Line{page}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestDescribeCoverByOCR: a title and letterhead that exist only as a
// picture on the cover are read by OCR of the cover and marked so; the
// date printed in the text keeps its source. Without OCR the title is
// the file's name and there is no submitter: the file's author is an
// account name, kept as file_author. A PDF
// whose title is in its text layer is not read by OCR at all.
func TestDescribeCoverByOCR(t *testing.T) {
	c, err := ocr.Find(context.Background(), ocr.Auto, "eng")
	if err != nil || !c.Ready() {
		t.Skipf("skipping: OCR tools absent (%v); %s", err, ocr.InstallHint)
	}
	paper := coverOCRPaper(t, c)
	var recognised int
	opts := Options{OCR: c, OnOCR: func(pages int) { recognised += pages }}
	doc, err := Bytes(context.Background(), "harbour-framework.pdf", paper, opts)
	if err != nil {
		t.Fatal(err)
	}
	checkDescribed(t, "cover drawn as a picture", doc, described{
		"Harbour Security and Cooperation Framework", SourceOCR,
		"2024-06-04", SourceText,
		"Ministry of Foreign Affairs of Examplia", SourceOCR,
	})
	if recognised != 1 {
		t.Errorf("%d pages recognised, want the cover alone", recognised)
	}

	doc, err = Bytes(context.Background(), "harbour-framework.pdf", paper, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkDescribed(t, "cover drawn as a picture, without OCR", doc, described{
		"harbour framework", SourceFileName,
		"2024-06-04", SourceText,
		"", "",
	})
	if doc.Meta["file_author"] != "jsmith" {
		t.Errorf("file_author = %q, want the account name the file declares, kept aside", doc.Meta["file_author"])
	}

	recognised = 0
	var buf bytes.Buffer
	if err := pdfgen.WriteStyled(&buf, pdfgen.Info{Author: "jsmith"}, [][]pdfgen.Line{paperCover, paperBody}); err != nil {
		t.Fatal(err)
	}
	doc, err = Bytes(context.Background(), "paper.pdf", buf.Bytes(), opts)
	if err != nil {
		t.Fatal(err)
	}
	checkDescribed(t, "title in the text layer", doc, paperWant)
	if recognised != 0 {
		t.Errorf("a PDF whose title is text had %d pages recognised", recognised)
	}
}

// TestScanReadOnce: a scanned one-page document is read by OCR once,
// not a second time for its cover, whatever title its words give (in
// some languages none that is not weak, which is what asked for the
// cover before).
func TestScanReadOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping: OCR takes seconds per page")
	}
	c, err := ocr.Find(context.Background(), ocr.Auto, "")
	if err != nil || !c.Ready() {
		t.Skipf("skipping: OCR tools absent (%v); %s", err, ocr.InstallHint)
	}
	for _, lang := range []string{"en", "ar", "zh"} {
		img, err := scanpdf.ReadPNG("../../internal/scanpdf/testdata/" + lang + "-200.png")
		if err != nil {
			t.Fatal(err)
		}
		var pdf bytes.Buffer
		if err := scanpdf.Write(&pdf, []*image.Gray{img}, 200); err != nil {
			t.Fatal(err)
		}
		announced := 0
		doc, err := Bytes(context.Background(), "scan-"+lang+".pdf", pdf.Bytes(), Options{OCR: c, OnOCR: func(pages int) { announced += pages }})
		if err != nil {
			t.Fatal(err)
		}
		if announced != 1 {
			t.Errorf("%s: %d page readings announced for a one-page scan, want 1 (title %q, %s)", lang, announced, doc.Title, doc.Meta["title_source"])
		}
		if strings.TrimSpace(doc.Pages[0].Text) == "" {
			t.Errorf("%s: the scan was not read", lang)
		}
	}
}

// TestCoverReadInTextLanguage: without --ocr-lang, a cover is read in
// the language of the document's text layer, by one run of Tesseract:
// no script detection, and no first reading in English of a French
// cover that the function words would then send back for a second.
func TestCoverReadInTextLanguage(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping: OCR takes seconds per page")
	}
	if runtime.GOOS == "windows" {
		t.Skip("skipping: the recording wrapper is a shell script")
	}
	c, err := ocr.Find(context.Background(), ocr.Auto, "")
	if err != nil || !c.Ready() || !slices.Contains(c.Installed, "eng") || !slices.Contains(c.Installed, "fra") {
		t.Skipf("skipping: OCR tools or the eng and fra packs absent (%v); %s", err, ocr.InstallHint)
	}
	// Tesseract behind a wrapper that records each run.
	dir := t.TempDir()
	runs := filepath.Join(dir, "runs")
	wrapper := filepath.Join(dir, "tesseract")
	script := "#!/bin/sh\necho \"$*\" >> '" + runs + "'\nexec '" + c.Tesseract + "' \"$@\"\n"
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	c.Tesseract = wrapper
	banner := bannerImage(t, c, []pdfgen.Line{
		{Text: "Cadre de coopération", Size: 30},
		{Text: "pour la sûreté portuaire", Size: 30},
	}, 100, 200)
	page := []pdfgen.Line{{Image: banner, DPI: 200}, {Text: ""}, {Text: "Genève, le 4 juin 2024", Size: 11}}
	for range 2 {
		page = append(page,
			pdfgen.Line{Text: "Les États doivent coopérer pour la protection des infrastructures", Size: 11},
			pdfgen.Line{Text: "critiques dans les ports et ne pas mener des activités qui leur", Size: 11},
			pdfgen.Line{Text: "portent atteinte. Le présent cadre est une contribution du ministère", Size: 11},
			pdfgen.Line{Text: "aux travaux du groupe de travail sur la sécurité des technologies.", Size: 11},
		)
	}
	var pdf bytes.Buffer
	if err := pdfgen.WriteStyled(&pdf, pdfgen.Info{}, [][]pdfgen.Line{page}); err != nil {
		t.Fatal(err)
	}
	doc, err := Bytes(context.Background(), "cadre.pdf", pdf.Bytes(), Options{OCR: c})
	if err != nil {
		t.Fatal(err)
	}
	if doc.Meta[corpus.TitleSource] != SourceOCR || !strings.Contains(strings.ToLower(doc.Title), "portuaire") {
		t.Errorf("title %q (%s), want the cover's picture read by OCR", doc.Title, doc.Meta[corpus.TitleSource])
	}
	data, err := os.ReadFile(runs)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(got) != 1 || !strings.Contains(got[0], "-l fra ") {
		t.Errorf("Tesseract ran %d time(s) (%q), want once, in French", len(got), got)
	}
}
