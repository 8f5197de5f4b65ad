package index

import (
	"math/rand/v2"
	"testing"
)

// The ASCII path of copyKey gives the key the folding path gives, so
// indexes built before it and after it agree on every copy key.
func TestASCIICopyKeyIsTheFoldedKey(t *testing.T) {
	texts := []string{
		"",
		"Norm 13(j): report ICT vulnerabilities -- and share remedies.",
		"ATTRIBUTION of a MALICIOUS operation [1] should rest on evidence!",
		"\t\n\x00\x7f~`{}|",
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		b := make([]byte, rng.IntN(200))
		for i := range b {
			b[i] = byte(rng.IntN(128))
		}
		texts = append(texts, string(b))
	}
	for _, text := range texts {
		got, ok := asciiCopyKey(text)
		if !ok {
			t.Fatalf("asciiCopyKey(%q) refused ASCII text", text)
		}
		if want := foldedCopyKey(text); got != want {
			t.Fatalf("asciiCopyKey(%q) = %s, the folded key is %s", text, got, want)
		}
	}
	for _, text := range []string{"Attributión", "кибер", "\u00a0", "a\xffb"} {
		if _, ok := asciiCopyKey(text); ok {
			t.Errorf("asciiCopyKey(%q) took a text beyond ASCII", text)
		}
		if copyKey(text) != foldedCopyKey(text) {
			t.Errorf("copyKey(%q) is not the folded key", text)
		}
	}
}
