package isolate

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/internal/testbin"
	"github.com/normtag/normtag/pipeline/extract"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testbin.Cleanup()
	os.Exit(code)
}

// newPool starts a pool whose children are a normtag binary built for
// tests (with the misbehaviour hooks).
func newPool(t *testing.T, opts Options) *Pool {
	t.Helper()
	opts.Executable = testbin.Normtag(t)
	pool, err := NewPool(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Close() })
	return pool
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPoolSurvivesMisbehavingParsers(t *testing.T) {
	t.Setenv("NORMTAG_ISOLATE_TEST", "1")
	dir := t.TempDir()
	good := writeFile(t, dir, "good.txt", "Norm 7: we protect critical infrastructure.")
	pool := newPool(t, Options{Workers: 2, Timeout: 3 * time.Second, MemoryLimit: 256 << 20})
	ctx := context.Background()
	for name, want := range map[string]corpus.Reason{
		"panic.txt": corpus.ReasonCrashed,
		"hang.txt":  corpus.ReasonTimeout,
		"exit.txt":  corpus.ReasonCrashed,
		"hog.txt":   corpus.ReasonTooLarge,
	} {
		path := writeFile(t, dir, name, "text")
		start := time.Now()
		_, err := pool.Extract(ctx, path)
		if got := corpus.ReasonOf(err); err == nil || got != want {
			t.Errorf("%s: got %v (%s), want %s", name, err, got, want)
		}
		if !strings.Contains(err.Error(), name) {
			t.Errorf("%s: error does not name the file: %v", name, err)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("%s took %s", name, d)
		}
		t.Logf("%s: %s in %s", name, corpus.ReasonOf(err), time.Since(start).Round(time.Millisecond))
		// The pool keeps working after every failure.
		doc, err := pool.Extract(ctx, good)
		if err != nil || !strings.Contains(doc.Pages[0].Text, "critical infrastructure") {
			t.Fatalf("after %s: %v", name, err)
		}
	}
}

// TestKilledChildLeavesNoTemporaryFiles: a child killed at its time
// limit while its scratch files are on disk leaves nothing in the
// temporary directory once the pool has reaped it.
func TestKilledChildLeavesNoTemporaryFiles(t *testing.T) {
	t.Setenv("NORMTAG_ISOLATE_TEST", "1")
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	left := writeFile(t, t.TempDir(), "tmpleft.txt", "x")
	pool := newPool(t, Options{Workers: 1, Timeout: 2 * time.Second})
	if _, err := pool.Extract(context.Background(), left); corpus.ReasonOf(err) != corpus.ReasonTimeout {
		t.Fatalf("got %v, want a timeout", err)
	}
	pool.Close()
	var found []string
	filepath.WalkDir(tmp, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			found = append(found, path)
		}
		return nil
	})
	if len(found) > 0 {
		t.Fatalf("files left in the temporary directory: %v", found)
	}
	entries, _ := os.ReadDir(tmp)
	for _, e := range entries {
		t.Errorf("left in the temporary directory: %s", e.Name())
	}
}

func TestPoolReturnsClassifiedExtractErrors(t *testing.T) {
	dir := t.TempDir()
	empty := writeFile(t, dir, "empty.txt", "")
	pool := newPool(t, Options{Workers: 1})
	_, err := pool.Extract(context.Background(), empty)
	if corpus.ReasonOf(err) != corpus.ReasonEmpty {
		t.Fatalf("got %v", err)
	}
	_, err = pool.Extract(context.Background(), filepath.Join(dir, "missing.pdf"))
	if corpus.ReasonOf(err) != corpus.ReasonUnreadable {
		t.Fatalf("got %v", err)
	}
}

func TestCancelKillsChild(t *testing.T) {
	t.Setenv("NORMTAG_ISOLATE_TEST", "1")
	hang := writeFile(t, t.TempDir(), "hang.txt", "x")
	pool := newPool(t, Options{Workers: 1, Timeout: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := pool.Extract(ctx, hang); err != context.DeadlineExceeded {
		t.Fatalf("got %v", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatal("cancellation did not stop the child")
	}
}

func TestNoChildLeftAfterClose(t *testing.T) {
	good := writeFile(t, t.TempDir(), "good.txt", "Some text about supply chains.")
	exe := testbin.Normtag(t)
	pool, err := NewPool(Options{Executable: exe, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		if _, err := pool.Extract(context.Background(), good); err != nil {
			t.Fatal(err)
		}
	}
	pool.Close()
	if _, err := exec.LookPath("pgrep"); err != nil {
		t.Skip("no pgrep to list processes")
	}
	out, _ := exec.Command("pgrep", "-f", exe).Output()
	for _, pid := range strings.Fields(string(out)) {
		t.Errorf("child process %s still running", pid)
	}
}

// TestWarmChildrenServeFirstExtractions: children started ahead serve
// the first extractions, which start no more of them, and a pool closed
// while they start leaves none running.
func TestWarmChildrenServeFirstExtractions(t *testing.T) {
	good := writeFile(t, t.TempDir(), "good.txt", "Some text about supply chains.")
	exe := testbin.Normtag(t)
	pool, err := NewPool(Options{Executable: exe, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	pool.Warm(5) // at most Workers
	var wg sync.WaitGroup
	errs := make(chan error, 6)
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			doc, err := pool.Extract(context.Background(), good)
			if err == nil && !strings.Contains(doc.Pages[0].Text, "supply chains") {
				err = fmt.Errorf("extracted %q", doc.Pages[0].Text)
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := pool.started.Load(); n != 2 {
		t.Errorf("%d children started for two workers", n)
	}
	pool.Close()

	closed, err := NewPool(Options{Executable: exe, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	closed.Warm(2)
	closed.Close()
	if _, err := exec.LookPath("pgrep"); err != nil {
		t.Skip("no pgrep to list processes")
	}
	out, _ := exec.Command("pgrep", "-f", exe).Output()
	for _, pid := range strings.Fields(string(out)) {
		t.Errorf("child process %s still running after a warmed pool was closed", pid)
	}
}

// TestLibraryOutputDoesNotCorruptProtocol: a parser that prints binary
// garbage on standard output and error leaves the answers intact, since
// the protocol has pipes of its own.
func TestLibraryOutputDoesNotCorruptProtocol(t *testing.T) {
	t.Setenv("NORMTAG_ISOLATE_TEST", "1")
	dir := t.TempDir()
	chatty := writeFile(t, dir, "print.txt", "Norm 13(j): report vulnerabilities responsibly.")
	pool := newPool(t, Options{Workers: 1})
	for i := 0; i < 3; i++ {
		doc, err := pool.Extract(context.Background(), chatty)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(doc.Pages[0].Text, "report vulnerabilities") {
			t.Fatalf("text %q", doc.Pages[0].Text)
		}
	}
}

// TestHandshakeRejectsStrangers points the pool at programs that are not
// normtag children: each fails with an error saying so, quickly, instead
// of hanging.
func TestHandshakeRejectsStrangers(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("uses shell scripts")
	}
	dir := t.TempDir()
	good := writeFile(t, dir, "good.txt", "text")
	for _, tc := range []struct {
		name, script, want string
	}{
		{"exits", "echo 'unknown command' >&2; exit 2", "not a normtag extraction child: it exited"},
		{"hangs", "exec sleep 60", "did not answer as a normtag extraction child"},
		{"other-version", "printf 'normtag-extract-child 999\\n' >&4; sleep 60", "speaks extraction protocol 999"},
		{"chatty", "printf 'hello there\\n' >&4; sleep 60", "its first line was"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			exe := writeFile(t, dir, tc.name+".sh", "#!/bin/sh\n"+tc.script+"\n")
			os.Chmod(exe, 0o755)
			pool, err := NewPool(Options{Executable: exe, Workers: 1})
			if err != nil {
				t.Fatal(err)
			}
			defer pool.Close()
			pool.handshake = time.Second
			start := time.Now()
			_, err = pool.Extract(context.Background(), good)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), exe) {
				t.Fatalf("got %v, want an error naming %s containing %q", err, exe, tc.want)
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Fatalf("took %s", d)
			}
		})
	}
}

// TestCPULimitStopsSpinningParser: a parser burning CPU is stopped by the
// child's own CPU-time limit, which also holds when no parent is left to
// enforce the wall-clock timeout.
func TestCPULimitStopsSpinningParser(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no CPU-time limit on Windows")
	}
	t.Setenv("NORMTAG_ISOLATE_TEST", "1")
	spin := writeFile(t, t.TempDir(), "spin.txt", "x")
	pool := newPool(t, Options{Workers: 1, Timeout: 5 * time.Minute, CPULimit: time.Second})
	start := time.Now()
	_, err := pool.Extract(context.Background(), spin)
	if corpus.ReasonOf(err) != corpus.ReasonTimeout || !strings.Contains(err.Error(), "CPU time") {
		t.Fatalf("got %v, want a timeout for CPU time", err)
	}
	if d := time.Since(start); d > time.Minute {
		t.Fatalf("spinning parser ran %s", d)
	}
}

// TestRobustnessCorpus runs every PDF of the shared robustness corpus
// through the pool: each one is extracted or fails with a reason, none
// takes longer than the timeout, the pool survives all of them, and we
// find text in at least as many files as poppler's pdftotext did
// (POPPLER_REFERENCE.tsv), and in every file where it found words.
func TestRobustnessCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("long: 735 hostile PDFs")
	}
	const root = "../../../shared/corpora/robustness"
	ref, err := os.ReadFile(filepath.Join(root, "POPPLER_REFERENCE.tsv"))
	if err != nil {
		t.Skip("../shared/corpora/robustness is absent")
	}
	popplerWords := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(string(ref)), "\n")[1:] {
		f := strings.Split(line, "\t")
		if len(f) >= 8 {
			n, _ := strconv.Atoi(f[7])
			popplerWords[f[0]] = n
		}
	}
	const timeout = 20 * time.Second
	pool := newPool(t, Options{Timeout: timeout, Extract: extract.Options{}})
	reasons := map[corpus.Reason]int{}
	ours, poppler := 0, 0
	var missed []string
	for rel, words := range popplerWords {
		path := filepath.Join(root, rel)
		start := time.Now()
		doc, err := pool.Extract(context.Background(), path)
		if d := time.Since(start); d > timeout+5*time.Second {
			t.Errorf("%s took %s", rel, d)
		}
		if words > 0 {
			poppler++
		}
		if err != nil {
			reasons[corpus.ReasonOf(err)]++
			if words > 0 {
				missed = append(missed, fmt.Sprintf("%s (poppler %d words): %v", rel, words, err))
			}
			continue
		}
		ours++
		if doc.ID == "" || len(doc.Pages) == 0 {
			t.Errorf("%s: document without id or pages", rel)
		}
	}
	sort.Strings(missed)
	for _, m := range missed {
		t.Error("poppler has words, we have none:", m)
	}
	t.Logf("%d PDFs: we extract text from %d, pdftotext from %d; failures by reason %v", len(popplerWords), ours, poppler, reasons)
	if ours < poppler {
		t.Errorf("text from %d files, fewer than poppler's %d", ours, poppler)
	}
}
