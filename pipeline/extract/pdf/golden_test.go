package pdf

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/normtag/normtag/internal/wordf1"
)

// TestGoldenProducers extracts PDFs made from one source text by several
// producers (testdata/golden/make.sh) and scores them against the source.
func TestGoldenProducers(t *testing.T) {
	src, err := os.ReadFile("testdata/golden/source.txt")
	if err != nil {
		t.Fatal(err)
	}
	source := string(src)
	footnote := source + "\n1 The founding act was adopted by parliament with a large majority."
	for file, want := range map[string]string{
		"lo-text.pdf":         source,
		"lo-footnote.pdf":     footnote,
		"lo-columns.pdf":      source,
		"groff.pdf":           source,
		"gs-rewrite.pdf":      source,
		"qpdf-objstreams.pdf": footnote,
		"merged.pdf":          source + "\n" + source,
		"underlay.pdf":        source,
		"chromium.pdf":        source,
	} {
		pages := extractFile(t, filepath.Join("testdata/golden", file))
		p, r, f1 := wordf1.Score(strings.Join(pages, "\n"), want)
		t.Logf("%-20s pages %d  precision %.4f recall %.4f F1 %.4f", file, len(pages), p, r, f1)
		if f1 < 0.99 {
			t.Errorf("%s: word F1 %.4f < 0.99", file, f1)
		}
	}
}

// TestGoldenScripts extracts texts in the six UN languages written for
// these tests, rendered by Chromium and LibreOffice (testdata/golden/
// scripts/make.sh), and scores them against their source beside
// pdftotext's text of the same files: word F1 at least 0.98 and no more
// than 0.005 under poppler's; Arabic in reading order (word pairs of the
// source follow each other in the text, which visual order reverses);
// no space between two Chinese characters. Chinese is scored by
// character, as it has no spaces between words; line breaks inside a
// Chinese sentence are joined without a space on both sides, as the
// segmenter joins them.
func TestGoldenScripts(t *testing.T) {
	for _, lang := range []string{"ar", "ru", "zh", "en", "fr", "es"} {
		src, err := os.ReadFile(filepath.Join("testdata/golden/scripts", lang+".txt"))
		if err != nil {
			t.Fatal(err)
		}
		want := tokens(lang, string(src))
		for _, producer := range []string{"chromium", "libreoffice"} {
			file := filepath.Join("testdata/golden/scripts", lang+"-"+producer+".pdf")
			text := strings.Join(extractFile(t, file), "\n")
			_, _, f1 := wordf1.ScoreWords(tokens(lang, text), want)
			line := fmt.Sprintf("%s: word F1 %.4f", file, f1)
			if _, err := exec.LookPath("pdftotext"); err == nil {
				_, _, ref := wordf1.ScoreWords(tokens(lang, pdftotext(t, file)), want)
				line += fmt.Sprintf(", pdftotext %.4f", ref)
				if f1 < ref-0.005 {
					t.Errorf("%s: word F1 %.4f more than 0.005 under pdftotext's %.4f", file, f1, ref)
				}
			}
			t.Log(line)
			if f1 < 0.98 {
				t.Errorf("%s: word F1 %.4f < 0.98", file, f1)
			}
			switch lang {
			case "ar":
				if share := pairsInOrder(wordf1.Words(string(src)), wordf1.Words(text)); share < 0.95 {
					t.Errorf("%s: %.2f of the source's word pairs follow each other in the text (< 0.95): not in reading order\n%s", file, share, text)
				}
			case "zh":
				if m := spacedHan.FindString(text); m != "" {
					t.Errorf("%s: a space between Chinese characters: %q", file, m)
				}
			}
		}
	}
}

var spacedHan = regexp.MustCompile(`\p{Han} +\p{Han}`)

// tokens splits text into words, and Chinese into characters with runs
// of other letters and digits kept whole.
func tokens(lang, text string) []string {
	if lang != "zh" {
		return wordf1.Words(text)
	}
	var out []string
	for _, w := range wordf1.Words(text) {
		run := ""
		for _, r := range w {
			if unicode.Is(unicode.Han, r) {
				if run != "" {
					out, run = append(out, run), ""
				}
				out = append(out, string(r))
				continue
			}
			run += string(r)
		}
		if run != "" {
			out = append(out, run)
		}
	}
	return out
}

// pairsInOrder is the share of the source's adjacent word pairs that are
// adjacent, in the same order, in the text.
func pairsInOrder(source, text []string) float64 {
	seen := map[[2]string]bool{}
	for i := 1; i < len(text); i++ {
		seen[[2]string{text[i-1], text[i]}] = true
	}
	if len(source) < 2 {
		return 1
	}
	n := 0
	for i := 1; i < len(source); i++ {
		if seen[[2]string{source[i-1], source[i]}] {
			n++
		}
	}
	return float64(n) / float64(len(source)-1)
}
