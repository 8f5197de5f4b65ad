package filelock

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// openTwice opens one file twice: each open holds its own lock, as two
// processes would.
func openTwice(t *testing.T) (*os.File, *os.File) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "lock")
	a, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.OpenFile(path, os.O_RDWR, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close(); b.Close() })
	return a, b
}

func TestLockModes(t *testing.T) {
	cases := []struct {
		name        string
		first, then Mode
		conflict    bool
	}{
		{"exclusive excludes exclusive", Exclusive, Exclusive, true},
		{"exclusive excludes shared", Exclusive, Shared, true},
		{"shared excludes exclusive", Shared, Exclusive, true},
		{"shared admits shared", Shared, Shared, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, b := openTwice(t)
			if err := TryLock(a, c.first); err != nil {
				t.Fatalf("first lock: %v", err)
			}
			err := TryLock(b, c.then)
			if c.conflict && !errors.Is(err, ErrHeld) {
				t.Fatalf("second lock: got %v, want ErrHeld", err)
			}
			if !c.conflict && err != nil {
				t.Fatalf("second lock: %v", err)
			}
		})
	}
}

func TestUnlockAndCloseRelease(t *testing.T) {
	a, b := openTwice(t)
	if err := TryLock(a, Exclusive); err != nil {
		t.Fatal(err)
	}
	if err := Unlock(a); err != nil {
		t.Fatal(err)
	}
	if err := TryLock(b, Exclusive); err != nil {
		t.Fatalf("after Unlock: %v", err)
	}
	b.Close()
	if err := TryLock(a, Exclusive); err != nil {
		t.Fatalf("after the holder closed its file: %v", err)
	}
}
