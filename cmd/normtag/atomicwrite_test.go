package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/normtag/normtag/internal/testbin"
)

// onlyFiles lists the names in dir, failing on leftovers of a write.
func onlyFiles(t *testing.T, dir string, want ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("%s holds %v, want %v (a temporary file left behind?)", dir, got, want)
	}
}

// TestFailedExportKeepsThePreviousFile: export --out F and report --out
// DIR used to truncate F first, so an export that failed (here: an
// interrupt) left part of a file in place of the previous one.
func TestFailedExportKeepsThePreviousFile(t *testing.T) {
	data := ingestSample(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "passages.csv")
	write(t, out, "previous export\n")
	write(t, filepath.Join(dir, "coverage.csv"), "previous coverage\n")
	write(t, filepath.Join(dir, "cooccurrence.csv"), "previous cooccurrence\n")

	// Interrupted as soon as the command has begun writing in dir: the
	// previous files are no longer as they were, or a new file appeared.
	before := func() bool {
		entries, _ := os.ReadDir(dir)
		if len(entries) != 3 {
			return false
		}
		for name, want := range map[string]string{"passages.csv": "previous export\n", "coverage.csv": "previous coverage\n", "cooccurrence.csv": "previous cooccurrence\n"} {
			if got, err := os.ReadFile(filepath.Join(dir, name)); err != nil || string(got) != want {
				return false
			}
		}
		return true
	}
	var stdout, stderr bytes.Buffer
	ctx := &interruptWhen{Context: context.Background(), cond: func() bool { return !before() }, done: make(chan struct{})}
	if code := run(ctx, []string{"normtag", "export", "--data", data, "--out", out, "--norm", "g"}, &stdout, &stderr, testbin.Normtag(t)); code == 0 {
		t.Fatalf("an interrupted export succeeded: %s", stderr.String())
	}
	ctx = &interruptWhen{Context: context.Background(), cond: func() bool { return !before() }, done: make(chan struct{})}
	if code := run(ctx, []string{"normtag", "report", "--data", data, "--out", dir}, &stdout, &stderr, testbin.Normtag(t)); code == 0 {
		t.Fatalf("an interrupted report succeeded: %s", stderr.String())
	}
	for name, want := range map[string]string{"passages.csv": "previous export\n", "coverage.csv": "previous coverage\n", "cooccurrence.csv": "previous cooccurrence\n"} {
		if got, err := os.ReadFile(filepath.Join(dir, name)); err != nil || string(got) != want {
			t.Errorf("%s after a failed write: %q, %v; want the previous %q", name, got, err, want)
		}
	}
	onlyFiles(t, dir, "cooccurrence.csv", "coverage.csv", "passages.csv")

	// A successful export replaces the file, keeping its permissions.
	if err := os.Chmod(out, 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := normtag(t, "export", "--data", data, "--out", out, "--norm", "g"); code != 0 {
		t.Fatalf("export: exit %d: %s", code, errs)
	}
	got, err := os.ReadFile(out)
	if err != nil || len(got) == 0 || strings.Contains(string(got), "previous export") {
		t.Fatalf("export wrote %q, %v", got, err)
	}
	if info, err := os.Stat(out); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("export changed the file's permissions: %v %v", info.Mode(), err)
	}
	onlyFiles(t, dir, "cooccurrence.csv", "coverage.csv", "passages.csv")
}

// TestWriteAtomicLeavesNothingOnError covers a failure in the middle of
// the write, after bytes went out.
func TestWriteAtomicLeavesNothingOnError(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	boom := errors.New("disk full")
	err := writeAtomic(path, func(f *os.File) error {
		f.WriteString("half a")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err %v, want %v", err, boom)
	}
	onlyFiles(t, dir)
}

// interruptWhen is a context that is cancelled from the first moment
// cond holds, checked whenever the code under test asks: a deterministic
// interrupt in the middle of a command.
type interruptWhen struct {
	context.Context
	cond func() bool
	once sync.Once
	done chan struct{}
}

func (c *interruptWhen) check() bool {
	if c.cond() {
		c.once.Do(func() { close(c.done) })
	}
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

func (c *interruptWhen) Done() <-chan struct{} {
	c.check()
	return c.done
}

func (c *interruptWhen) Err() error {
	if c.check() {
		return context.Canceled
	}
	return nil
}
