package pdf

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/normtag/normtag/internal/wordf1"
)

func extractFile(t testing.TB, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pages, _, err := Extract(context.Background(), data, Options{})
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return pages
}

func pdftotext(t testing.TB, path string) string {
	t.Helper()
	out, err := exec.Command("pdftotext", "-q", path, "-").Output()
	if err != nil {
		t.Skipf("pdftotext failed on %s: %v", path, err)
	}
	return string(out)
}

// TestParisCallMatchesPoppler compares our text with pdftotext's on the
// six real policy PDFs of the shared corpus.
func TestParisCallMatchesPoppler(t *testing.T) {
	files, _ := filepath.Glob("../../../../shared/corpora/policy/pariscall/*.pdf")
	if len(files) == 0 {
		t.Skip("../shared/corpora/policy/pariscall is absent")
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) is not installed")
	}
	for _, f := range files {
		ours := strings.Join(extractFile(t, f), "\n")
		_, _, f1 := wordf1.Score(ours, pdftotext(t, f))
		t.Logf("%-40.40s word F1 vs pdftotext %.4f", filepath.Base(f), f1)
		if f1 < 0.98 {
			t.Errorf("%s: word F1 %.4f < 0.98", filepath.Base(f), f1)
		}
	}
}

func TestFixStreamLengths(t *testing.T) {
	in := "1 0 obj\n<< /Length 3 >>\nstream\nBT (Hello) Tj ET\nendstream\nendobj\n2 0 obj\n<< /Qength 9 /Filter /X >>\nstream\nabc\nendstream\nendobj\n" +
		"3 0 obj\n<< /Length () >>\nstream\nxy\nendstream\nendobj\n"
	out := string(fixStreamLengths([]byte(in)))
	if !strings.Contains(out, "<< /Length 16 >>") || !strings.Contains(out, "<< /Length 3  /Qength 9") || !strings.Contains(out, "<< /Length 2 >>") {
		t.Fatalf("lengths not fixed:\n%s", out)
	}
}

// A content stream whose dictionary lost its /Length still yields text:
// the file is repaired and read again.
func TestMissingStreamLength(t *testing.T) {
	data, _ := generated(t, 1)
	broken := strings.Replace(string(data), "/Length", "/Qength", 1)
	pages, _, err := Extract(context.Background(), []byte(broken), Options{})
	if err != nil || !strings.Contains(pages[0], "states and rights") {
		t.Fatalf("%v %q", err, pages)
	}
}
