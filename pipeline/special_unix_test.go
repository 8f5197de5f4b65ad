//go:build unix

package pipeline

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/pipeline/tag"
)

// within fails the test if fn has not returned after a generous while:
// the bug guarded against is a run that never ends.
func within(t *testing.T, what string, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); fn() }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatalf("%s did not return: it blocks on a special file", what)
	}
}

const normText = "States should not conduct or knowingly support ICT activity that damages critical infrastructure.\n"

func mkfifo(t *testing.T, path string) {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Skipf("cannot make a FIFO here: %v", err)
	}
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestHashFileRefusesSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.txt")
	mkfifo(t, fifo)
	zero := filepath.Join(dir, "zero.txt")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{fifo, zero} {
		within(t, "HashFile("+filepath.Base(p)+")", func() {
			if _, err := HashFile(context.Background(), p, 0); corpus.ReasonOf(err) != corpus.ReasonUnsupported {
				t.Errorf("%s: %v, want unsupported", p, err)
			}
		})
	}
}

// TestFileSwappedForSpecialFileDuringIngest: files that were regular when
// discovered and are a FIFO or a link to /dev/zero when read fail as
// unsupported; the run ends and the other files are stored.
func TestFileSwappedForSpecialFileDuringIngest(t *testing.T) {
	src := t.TempDir()
	writeFile(t, filepath.Join(src, "good.txt"), normText)
	writeFile(t, filepath.Join(src, "pipe.txt"), "soon a pipe\n")
	writeFile(t, filepath.Join(src, "zero.txt"), "soon /dev/zero\n")
	ctx := context.Background()
	d, err := datadir.Open(ctx, filepath.Join(t.TempDir(), "data"), datadir.Options{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	tg, err := tag.Default()
	if err != nil {
		t.Fatal(err)
	}
	swap := func(int) {
		os.Remove(filepath.Join(src, "pipe.txt"))
		mkfifo(t, filepath.Join(src, "pipe.txt"))
		os.Remove(filepath.Join(src, "zero.txt"))
		if err := os.Symlink("/dev/zero", filepath.Join(src, "zero.txt")); err != nil {
			t.Error(err)
		}
	}
	var sum *Summary
	within(t, "Ingest", func() {
		sum, err = Ingest(ctx, d, []string{src}, IngestOptions{Tagger: tg, Extractor: UnsafeInProcess{}, OnStart: swap})
	})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Added != 1 || sum.Failed != 2 {
		t.Fatalf("added %d failed %d, want 1 and 2: %+v", sum.Added, sum.Failed, sum.Failures)
	}
	for _, f := range sum.Failures {
		if f.Reason != corpus.ReasonUnsupported {
			t.Errorf("%s: reason %s (%s), want unsupported", f.Path, f.Reason, f.Detail)
		}
	}
}

// TestIngestCancelledWhileHashing: a cancelled run stops reading; the
// file is left for the next run rather than failed.
func TestIngestCancelledWhileHashing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.txt")
	writeFile(t, path, strings.Repeat(normText, 50000))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := HashFile(ctx, path, 0); !errors.Is(err, context.Canceled) || corpus.ReasonOf(err) != corpus.ReasonMalformed {
		t.Errorf("hashFile under a cancelled context: %v, want context.Canceled and no failure reason", err)
	}
}

// TestDiscoverFollowsLinksAndReportsWhatItSkips: links to files and
// folders are followed (a linked root too), a link loop and a dangling link
// are unreadable, and FIFOs are unsupported; nothing is skipped silently.
func TestDiscoverFollowsLinksAndReportsWhatItSkips(t *testing.T) {
	base := t.TempDir()
	src := filepath.Join(base, "src")
	other := filepath.Join(base, "other")
	writeFile(t, filepath.Join(src, "a.txt"), normText)
	writeFile(t, filepath.Join(other, "b.txt"), normText)
	writeFile(t, filepath.Join(base, "c.txt"), normText)
	links := map[string]string{
		"to-other": other,                          // folder outside
		"c.txt":    filepath.Join(base, "c.txt"),   // file
		"loop":     src,                            // back to the root
		"dangling": filepath.Join(base, "missing"), // nowhere
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(src, name)); err != nil {
			t.Fatal(err)
		}
	}
	mkfifo(t, filepath.Join(src, "pipe.txt"))
	var found []Candidate
	var failures []corpus.Failure
	within(t, "Discover", func() { found, failures = Discover(context.Background(), []string{src}) })
	var names []string
	for _, c := range found {
		rel, _ := filepath.Rel(src, c.Path)
		names = append(names, rel)
	}
	if got := strings.Join(names, " "); got != "a.txt c.txt to-other/b.txt" {
		t.Errorf("found %q", got)
	}
	reasons := map[string]corpus.Reason{}
	for _, f := range failures {
		reasons[filepath.Base(f.Path)] = f.Reason
		if f.Detail == "" {
			t.Errorf("%s: no detail", f.Path)
		}
	}
	want := map[string]corpus.Reason{"loop": corpus.ReasonUnreadable, "dangling": corpus.ReasonUnreadable, "pipe.txt": corpus.ReasonUnsupported}
	for name, r := range want {
		if reasons[name] != r {
			t.Errorf("%s: reason %q, want %q (failures %+v)", name, reasons[name], r, failures)
		}
	}
	if len(failures) != len(want) {
		t.Errorf("failures %+v", failures)
	}

	// A link to a folder given as a root is walked.
	rootLink := filepath.Join(base, "link")
	if err := os.Symlink(other, rootLink); err != nil {
		t.Fatal(err)
	}
	found, failures = Discover(context.Background(), []string{rootLink, filepath.Join(src, "pipe.txt")})
	if len(found) != 1 || found[0].Path != filepath.Join(rootLink, "b.txt") {
		t.Errorf("root link: found %+v", found)
	}
	if len(failures) != 1 || failures[0].Reason != corpus.ReasonUnsupported {
		t.Errorf("FIFO given as root: %+v", failures)
	}
}
