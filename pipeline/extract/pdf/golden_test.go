package pdf

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

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
