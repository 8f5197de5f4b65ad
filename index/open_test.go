package index

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"
)

// A writer's handle keeps readers out: a reader whose context ends first
// gets ErrBusy (recognised by value, not by message), and a reader still
// waiting when the writer closes gets in.
func TestOpenWaitsForAHeldIndex(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	w, err := Open(context.Background(), dir, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := Open(short, dir, OpenOptions{ReadOnly: true}); !errors.Is(err, ErrBusy) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("open of a held index: got %v, want ErrBusy and the deadline", err)
	}
	time.AfterFunc(200*time.Millisecond, func() { w.Close() })
	start := time.Now()
	r, err := Open(context.Background(), dir, OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatalf("open after the writer closed: %v", err)
	}
	defer r.Close()
	if waited := time.Since(start); waited < 150*time.Millisecond {
		t.Fatalf("reader got in after %v, while the writer still held the index", waited)
	}
}
