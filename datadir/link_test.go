package datadir

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/normtag/normtag/index"
)

// An index creation killed half way leaves index.N.creating; the next
// writer removes it.
func TestHealRemovesAKilledIndexCreation(t *testing.T) {
	dir := t.TempDir()
	w := openWriter(t, dir)
	left := filepath.Join(dir, "index.7"+index.CreatingSuffix)
	if err := os.MkdirAll(left, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := w.Heal(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(left); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("%s is still there after a heal: %v", left, err)
	}
}
