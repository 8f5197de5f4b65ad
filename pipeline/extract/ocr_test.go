package extract_test

import (
	"bytes"
	"context"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/internal/scanpdf"
	"github.com/normtag/normtag/internal/wordf1"
	"github.com/normtag/normtag/pipeline/extract"
	"github.com/normtag/normtag/pipeline/extract/ocr"
)

// scans is where the page images of the OCR tests are (see render.sh there).
const scans = "../../internal/scanpdf/testdata"

// ocrConfig finds Tesseract and pdftoppm, skipping the test without them
// or without the language packs it needs.
func ocrConfig(t *testing.T, mode ocr.Mode, langs ...string) ocr.Config {
	t.Helper()
	c, err := ocr.Find(context.Background(), mode, "")
	if err != nil || !c.Ready() {
		t.Skipf("skipping: OCR tools absent (%v); %s", err, ocr.InstallHint)
	}
	for _, l := range langs {
		if !slices.Contains(c.Installed, l) {
			t.Skipf("skipping: Tesseract language pack %s not installed", l)
		}
	}
	return c
}

// hanApart puts spaces around Chinese characters, so that word F1 counts
// characters in Chinese (written without spaces) and words elsewhere.
func hanApart(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			b.WriteString(" " + string(r) + " ")
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func f1(got, want string) float64 {
	_, _, f := wordf1.Score(hanApart(got), hanApart(want))
	return f
}

// TestOCRMatchesTesseract makes image-only PDFs of pages rendered from
// texts we wrote — 300 dpi clean, and 200 dpi turned 1.2° with noise —
// and checks that the text normtag extracts from them, its language
// detected by itself, scores a word F1 against the source no more than
// 0.005 below that of Tesseract run directly on the same images in the
// right language.
func TestOCRMatchesTesseract(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping: OCR takes seconds per page")
	}
	langs := map[string]string{"en": "eng", "fr": "fra", "ar": "ara", "zh": "chi_sim"}
	c := ocrConfig(t, ocr.Auto, "eng", "fra", "ara", "chi_sim")
	for _, lang := range []string{"en", "fr", "ar", "zh"} {
		src, err := os.ReadFile(filepath.Join(scans, "src", lang+".txt"))
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range []struct {
			name string
			dpi  int
			skew float64
		}{{"clean-300dpi", 300, 0}, {"noisy-200dpi", 200, 1.2}} {
			t.Run(lang+"/"+q.name, func(t *testing.T) {
				img, err := scanpdf.ReadPNG(filepath.Join(scans, lang+"-"+itoa(q.dpi)+".png"))
				if err != nil {
					t.Fatal(err)
				}
				if q.skew != 0 {
					img = scanpdf.Degrade(img, q.skew, 12, 0.002, 7)
				}
				dir := t.TempDir()
				pngPath := filepath.Join(dir, "page.png")
				if err := scanpdf.WritePNG(pngPath, img); err != nil {
					t.Fatal(err)
				}
				var pdf bytes.Buffer
				if err := scanpdf.Write(&pdf, []*image.Gray{img}, q.dpi); err != nil {
					t.Fatal(err)
				}
				direct, err := exec.Command(c.Tesseract, pngPath, "stdout", "-l", langs[lang]).Output()
				if err != nil {
					t.Fatalf("tesseract %s: %v", pngPath, err)
				}
				doc, err := extract.Bytes(context.Background(), lang+".pdf", pdf.Bytes(), extract.Options{OCR: c})
				if err != nil {
					t.Fatalf("extract: %v", err)
				}
				var got strings.Builder
				for _, p := range doc.Pages {
					got.WriteString(p.Text + "\n")
				}
				ours, theirs := f1(got.String(), string(src)), f1(string(direct), string(src))
				t.Logf("%s %s: word F1 normtag %.4f, tesseract %.4f (lang %s, confidence %s)", lang, q.name, ours, theirs, doc.Meta[corpus.MetaOCRLang], doc.Meta[corpus.MetaOCRConfidence])
				if ours < theirs-0.005 {
					t.Errorf("normtag's word F1 %.4f is below tesseract's %.4f - 0.005\nnormtag read:\n%s", ours, theirs, got.String())
				}
				if doc.Meta[corpus.MetaOCRLang] != langs[lang] {
					t.Errorf("language detected as %q, want %q", doc.Meta[corpus.MetaOCRLang], langs[lang])
				}
				if pages := doc.OCRPages(); len(pages) != 1 || pages[1] < 50 {
					t.Errorf("OCR pages recorded as %v (meta %v), want page 1 with its confidence", pages, doc.Meta)
				}
			})
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
