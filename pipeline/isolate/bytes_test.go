package isolate

import (
	"bytes"
	"context"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/internal/pdfgen"
)

// Bytes sent through the pipe extract as the same file on disk does,
// named by name (a Markdown file is told by its name only), and a
// misbehaving parser costs only that document: the names below trigger
// the test hooks.
func TestExtractBytesAsEqualsTheFileOnDisk(t *testing.T) {
	t.Setenv("NORMTAG_ISOLATE_TEST", "1")
	dir := t.TempDir()
	var pdf bytes.Buffer
	if err := pdfgen.Write(&pdf, [][]string{{"Submission of Pdfland", "We protect critical infrastructure."}}); err != nil {
		t.Fatal(err)
	}
	pool := newPool(t, Options{Workers: 1, Timeout: 5 * time.Second})
	ctx := context.Background()
	for name, content := range map[string]string{
		"notes.md":   "# Cyber norms\n\nStates should *not* damage critical infrastructure.\n",
		"letter.txt": "Our national CERT cooperates with other teams.",
		"sub.pdf":    pdf.String(),
	} {
		path := writeFile(t, dir, name, content)
		want, err := pool.ExtractAs(ctx, path, "/elsewhere/"+name)
		if err != nil {
			t.Fatalf("%s from disk: %v", name, err)
		}
		got, err := pool.ExtractBytesAs(ctx, []byte(content), "/elsewhere/"+name)
		if err != nil {
			t.Fatalf("%s as bytes: %v", name, err)
		}
		if got.FileName != want.FileName || got.Format != want.Format || got.Title != want.Title || !reflect.DeepEqual(got.Pages, want.Pages) || !reflect.DeepEqual(got.Meta, want.Meta) {
			t.Errorf("%s: as bytes %+v, from disk %+v", name, got, want)
		}
		if len(got.Pages) == 0 || got.Pages[0].Text == "" {
			t.Errorf("%s: no text", name)
		}
	}

	if _, err := pool.ExtractBytesAs(ctx, nil, "/elsewhere/empty.txt"); corpus.ReasonOf(err) != corpus.ReasonEmpty || !strings.Contains(err.Error(), "empty.txt") {
		t.Errorf("no bytes: %v, want empty naming the file", err)
	}
	if _, err := pool.ExtractBytesAs(ctx, []byte("x"), "/elsewhere/exit.txt"); corpus.ReasonOf(err) != corpus.ReasonCrashed {
		t.Errorf("a parser that exits: %v, want crashed", err)
	}
	doc, err := pool.ExtractBytesAs(ctx, []byte("After the crash, a letter."), "/elsewhere/after.txt")
	if err != nil || !strings.Contains(doc.Pages[0].Text, "After the crash") {
		t.Errorf("after a crash: %v", err)
	}
	if _, err := os.Stat("/elsewhere"); err == nil {
		t.Fatal("/elsewhere exists on this machine: the test's names are not fictional")
	}
}
