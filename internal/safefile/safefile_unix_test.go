//go:build unix

package safefile

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/normtag/normtag/corpus"
)

// within fails the test if fn has not returned after a generous while: the
// bug these tests guard against is a read that never ends.
func within(t *testing.T, what string, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); fn() }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatalf("%s did not return: it blocks on a special file", what)
	}
}

func TestSpecialFilesAreUnsupportedWithoutReading(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.pdf")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("cannot make a FIFO here: %v", err)
	}
	zero := filepath.Join(dir, "zero.pdf")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{fifo, zero} {
		within(t, "ReadFile("+filepath.Base(path)+")", func() {
			_, _, err := ReadFile(context.Background(), path, 1<<20)
			if corpus.ReasonOf(err) != corpus.ReasonUnsupported {
				t.Errorf("%s: %v, want reason unsupported", path, err)
			}
		})
	}
}

func TestSymlinkLoopIsUnreadable(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	os.Symlink(b, a)
	os.Symlink(a, b)
	_, _, err := ReadFile(context.Background(), a, 1<<20)
	if corpus.ReasonOf(err) != corpus.ReasonUnreadable || !errors.Is(err, syscall.ELOOP) {
		t.Errorf("loop: %v, want unreadable wrapping ELOOP", err)
	}
}

func TestRegularFileReadFollowsSymlinkWithinLimit(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "doc.txt")
	data := bytes.Repeat([]byte("norm "), 1000)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.txt")
	os.Symlink(path, link)
	got, info, err := ReadFile(context.Background(), link, int64(len(data)))
	if err != nil || !bytes.Equal(got, data) || info.Size() != int64(len(data)) {
		t.Fatalf("read %d bytes, info %v, err %v", len(got), info, err)
	}
	if _, _, err := ReadFile(context.Background(), path, int64(len(data))-1); corpus.ReasonOf(err) != corpus.ReasonTooLarge {
		t.Errorf("one byte over the limit: %v, want too-large", err)
	}
}

func TestCopyStopsOnCancel(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.txt")
	if err := os.WriteFile(path, bytes.Repeat([]byte("x"), 3*chunk), 0o644); err != nil {
		t.Fatal(err)
	}
	f, _, err := Open(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	n, err := Copy(ctx, &bytes.Buffer{}, f, 0)
	if !errors.Is(err, context.Canceled) || n != 0 {
		t.Errorf("cancelled copy read %d bytes, err %v", n, err)
	}
}
