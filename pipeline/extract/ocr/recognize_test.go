package ocr

import (
	"bytes"
	"context"
	"errors"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/normtag/normtag/internal/scanpdf"
)

// scanPDF is an image-only PDF of the English test page at 200 dpi.
func scanPDF(t *testing.T) []byte {
	t.Helper()
	img, err := scanpdf.ReadPNG(filepath.Join("../../../internal/scanpdf/testdata", "en-200.png"))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := scanpdf.Write(&b, []*image.Gray{img, img}, 200); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func ready(t *testing.T) Config {
	t.Helper()
	c, err := Find(context.Background(), Auto, "eng")
	if err != nil || !c.Ready() {
		t.Skipf("skipping: OCR tools absent (%v); %s", err, InstallHint)
	}
	return c
}

// TestTimeLimits: a page over its limit and a document over its limit
// are reported as missed pages, naming the limit, and leave nothing in
// the temporary directory; a cancelled context stops recognition with
// its error.
func TestTimeLimits(t *testing.T) {
	c := ready(t)
	pdf := scanPDF(t)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)

	page := c
	page.PageTimeout = time.Millisecond
	res, err := Recognize(context.Background(), page, pdf, "", []int{1, 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Pages) != 0 || len(res.Missed) != 2 || !strings.Contains(res.Problem, "page 1: recognition took longer than 1ms") {
		t.Errorf("page limit: %d pages read, missed %v, problem %q", len(res.Pages), res.Missed, res.Problem)
	}

	doc := c
	doc.DocumentTimeout = time.Millisecond
	res, err = Recognize(context.Background(), doc, pdf, "", []int{1, 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Pages) != 0 || len(res.Missed) != 2 || !strings.Contains(res.Problem, "recognition of the document took longer than 1ms") {
		t.Errorf("document limit: %d pages read, missed %v, problem %q", len(res.Pages), res.Missed, res.Problem)
	}

	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(200 * time.Millisecond); cancel() }()
	if _, err := Recognize(ctx, c, pdf, "", []int{1, 2}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: error %v, want context.Canceled", err)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

// TestRecognizeReadsPages reads a two-page scan in the language given.
func TestRecognizeReadsPages(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping: OCR takes seconds per page")
	}
	c := ready(t)
	res, err := Recognize(context.Background(), c, scanPDF(t), "", []int{2})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Pages) != 1 || res.Pages[0].Number != 2 || res.Lang != "eng" || len(res.Missed) != 0 {
		t.Fatalf("result %+v", res)
	}
	p := res.Pages[0]
	if !strings.Contains(p.Text, "integrity of the supply chain") || !strings.Contains(p.Text, "\n\n") || p.Confidence < 80 || p.Words < 100 {
		t.Errorf("page 2: %d words, confidence %.1f, text:\n%s", p.Words, p.Confidence, p.Text)
	}
}
