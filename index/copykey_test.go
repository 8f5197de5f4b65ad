package index

import (
	"math/rand/v2"
	"testing"
	"unicode"
	"unicode/utf8"
)

// The plain path of copyKey gives the key the folding path gives, so
// indexes built before it and after it agree on every copy key: for
// ASCII text, and for every punctuation mark, symbol and space it takes,
// alone and between letters and digits.
func TestPlainCopyKeyIsTheFoldedKey(t *testing.T) {
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
		got, ok := plainCopyKey(text)
		if !ok {
			t.Fatalf("plainCopyKey(%q) refused ASCII text", text)
		}
		if want := foldedCopyKey(text); got != want {
			t.Fatalf("plainCopyKey(%q) = %s, the folded key is %s", text, got, want)
		}
	}
	taken := 0
	for _, table := range []*unicode.RangeTable{unicode.P, unicode.S, unicode.Z} {
		for r := rune(utf8.RuneSelf); r <= unicode.MaxRune; r++ {
			if !unicode.Is(table, r) {
				continue
			}
			for _, text := range []string{string(r), "ab" + string(r) + "cd", "É" + string(r), "1" + string(r) + "2", string(r) + "Ab9" + string(r)} {
				got, ok := plainCopyKey(text)
				if !ok {
					continue
				}
				taken++
				if want := foldedCopyKey(text); got != want {
					t.Fatalf("plainCopyKey(%q) = %s, the folded key is %s", text, got, want)
				}
			}
		}
	}
	if taken < 5000 {
		t.Fatalf("plainCopyKey took only %d texts with punctuation, symbols or spaces", taken)
	}
	for _, text := range []string{"Attributión", "кибер", "a\u0301b", "a\xffb", "Ω", "\u2126", "①", "ﬁ"} {
		if _, ok := plainCopyKey(text); ok {
			t.Errorf("plainCopyKey(%q) took a letter, digit or mark beyond ASCII", text)
		}
		if copyKey(text) != foldedCopyKey(text) {
			t.Errorf("copyKey(%q) is not the folded key", text)
		}
	}
}
