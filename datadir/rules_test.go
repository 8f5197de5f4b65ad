package datadir

import (
	"context"
	"errors"
	"testing"
)

// TestRememberedRules: rules remembered by a writer are read back, also by
// a reader and after reopening; readers may not change them; forgetting
// returns to none.
func TestRememberedRules(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	w := openWriter(t, dir)
	if r, err := w.RememberedRules(ctx); err != nil || r != nil {
		t.Fatalf("a new directory remembers %+v, %v", r, err)
	}
	rules := []byte("threshold: 0.5\nnorms:\n  g:\n    - name: x\n      weight: 0.9\n      any: [\"café\"]\n")
	if err := w.RememberRules(ctx, &Rules{Data: rules, Version: "0123456789ab", Source: "/tmp/my.yaml"}); err != nil {
		t.Fatal(err)
	}
	w.Close()
	r := openReader(t, dir)
	got, err := r.RememberedRules(ctx)
	if err != nil || got == nil || string(got.Data) != string(rules) || got.Version != "0123456789ab" || got.Source != "/tmp/my.yaml" || got.Since.IsZero() {
		t.Fatalf("remembered %+v, %v", got, err)
	}
	if err := r.RememberRules(ctx, nil); !errors.Is(err, errNotWriter) {
		t.Errorf("a reader forgot the rules: %v", err)
	}
	r.Close()
	w = openWriter(t, dir)
	defer w.Close()
	if err := w.RememberRules(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if got, err := w.RememberedRules(ctx); err != nil || got != nil {
		t.Errorf("after forgetting: %+v, %v", got, err)
	}
}
