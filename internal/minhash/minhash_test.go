package minhash

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

func text(seed, n int) string {
	r := rand.New(rand.NewPCG(uint64(seed), 7))
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "w%d ", r.IntN(1000))
	}
	return b.String()
}

func TestSimilarTextsAreFound(t *testing.T) {
	base := text(1, 2000)
	resaved := strings.Replace(base, "w1 ", "w1, ", 3) // punctuation only: same words
	edited := base[:len(base)*95/100] + text(9, 100)   // a few percent changed
	other := text(2, 2000)
	ix := NewIndex()
	ix.Add("base", Signature(base))
	ix.Add("other", Signature(other))
	if id, s := ix.Best("new", Signature(resaved)); id != "base" || s < 0.99 {
		t.Fatalf("re-saved text: %s %.2f", id, s)
	}
	if id, s := ix.Best("new", Signature(edited)); id != "base" || s < 0.8 {
		t.Fatalf("lightly edited text: %s %.2f", id, s)
	}
	if _, s := ix.Best("new", Signature(text(3, 2000))); s > 0.3 {
		t.Fatalf("unrelated text scored %.2f", s)
	}
}

func TestShortTextHasNoSignature(t *testing.T) {
	if Signature("too short") != nil {
		t.Fatal("short text must have no signature")
	}
}
