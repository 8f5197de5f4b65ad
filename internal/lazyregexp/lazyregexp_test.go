package lazyregexp

import (
	"sync"
	"testing"
)

func TestNewCompilesOnceOnFirstUse(t *testing.T) {
	re := New(`^n(o)rm$`)
	first := re()
	if !first.MatchString("norm") || first.MatchString("norms") {
		t.Fatalf("%q matches wrongly", first)
	}
	if m := first.FindStringSubmatch("norm"); len(m) != 2 || m[1] != "o" {
		t.Fatalf("submatch of %q = %q", first, m)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if got := re(); got != first {
				t.Errorf("call from another goroutine compiled again: %p, first %p", got, first)
			}
		})
	}
	wg.Wait()
}

func TestNewPanicsOnFirstUseOfABadPattern(t *testing.T) {
	re := New(`(unclosed`) // must not panic here, at declaration
	defer func() {
		if recover() == nil {
			t.Fatal("a pattern that does not compile did not panic on first use")
		}
	}()
	re()
}
