package minhash

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"
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

// referenceSignature is Signature written the plain way, as it first
// was: lower-case the text, split it into words, hash each shingle with
// hash/fnv. The optimised Signature must give exactly its values, since
// signatures are stored and compared with those of earlier documents.
func referenceSignature(text string) []uint64 {
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	if len(words) < shingleWords {
		return nil
	}
	sig := make([]uint64, Size)
	for i := range sig {
		sig[i] = ^uint64(0)
	}
	h := fnv.New64a()
	for i := 0; i+shingleWords <= len(words); i++ {
		h.Reset()
		for _, w := range words[i : i+shingleWords] {
			h.Write([]byte(w))
			h.Write([]byte{0})
		}
		x := h.Sum64()
		for j := range sig {
			if v := mix(x ^ seeds[j]); v < sig[j] {
				sig[j] = v
			}
		}
	}
	return sig
}

// trickyPieces are the parts random texts are built of: words in several
// scripts and cases, and the characters where lower-casing and word
// splitting are easy to get wrong (a capital İ and the Kelvin sign lower
// to ASCII, invalid bytes become U+FFFD, digits of other scripts count,
// Roman numerals and circled letters do not).
var trickyPieces = []string{
	"States", "NORMS", "critical", "infrastructure", "ICT", "2015", "13(k)", "A/70/174",
	"États", "sécurité", "Überprüfung", "straße", "STRASSE", "ẞ", "İstanbul", "ıi", "\u212Aelvin",
	"Россия", "КИБЕР", "السيبراني", "٢٠١٥", "网络安全", "サイバー", "한국", "Ⅻ", "ⓐⒶ", "ǅ", "ǈ",
	"\xff", "\xe2\x82", "\uFFFD", "e\u0301", "\u00ad", "\u200b", "don’t", "co-operation", "e-mail",
	" ", "  ", "\n", "\t", "\f", ".", ", ", "; ", "—", "(", ")", "\u00a0", "\u3000", "_", "0", "9",
}

func randomTrickyText(r *rand.Rand, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(trickyPieces[r.IntN(len(trickyPieces))])
		if r.IntN(3) > 0 {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// realTexts are the text files of the repository and of ../shared when
// present: prose in the six languages the tagger reads.
func realTexts(t *testing.T) []string {
	var out []string
	for _, pattern := range []string{"../../testdata/renderings/*.txt", "../../examples/src/*", "../../internal/scanpdf/testdata/src/*.txt",
		"../../pipeline/tag/testdata/*.jsonl", "../../../shared/labeled/*"} {
		files, _ := filepath.Glob(pattern)
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, string(data))
			// Line by line too: many short texts, near the
			// shingleWords limit.
			out = append(out, strings.Split(string(data), "\n")...)
		}
	}
	if len(out) == 0 {
		t.Fatal("no real texts found")
	}
	return out
}

func TestSignatureMatchesReference(t *testing.T) {
	texts := realTexts(t)
	if _, err := os.Stat("../../../shared/labeled"); err != nil {
		t.Log("../shared/labeled absent: comparing on the repository's texts only")
	}
	r := rand.New(rand.NewPCG(11, 13))
	for i := 0; i < 3000; i++ {
		texts = append(texts, randomTrickyText(r, r.IntN(60)))
	}
	for i := 0; i < 200; i++ {
		// Arbitrary bytes.
		b := make([]byte, r.IntN(200))
		for j := range b {
			b[j] = byte(r.Uint32())
		}
		texts = append(texts, string(b))
	}
	withSig := 0
	for _, text := range texts {
		got, want := Signature(text), referenceSignature(text)
		if !slices.Equal(got, want) || (got == nil) != (want == nil) {
			t.Fatalf("signature of %q:\n got %v\nwant %v", text, got, want)
		}
		if got != nil {
			withSig++
		}
	}
	if withSig < len(texts)/2 {
		t.Fatalf("only %d of %d texts had a signature: the comparison proves little", withSig, len(texts))
	}
}

// BenchmarkSignature signs generated text of 200,000 short words.
func BenchmarkSignature(b *testing.B) {
	text := text(5, 200000)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Signature(text)
	}
}

// BenchmarkSignatureRealText signs the text files of NORMTAG_BENCH_TEXT
// (a folder; say, the output of normtag extract on real submissions), by
// default the repository's own texts in six languages.
func BenchmarkSignatureRealText(b *testing.B) {
	pattern := "../../internal/scanpdf/testdata/src/*.txt"
	if dir := os.Getenv("NORMTAG_BENCH_TEXT"); dir != "" {
		pattern = filepath.Join(dir, "*.txt")
	}
	files, _ := filepath.Glob(pattern)
	if len(files) == 0 {
		b.Skipf("no texts in %s", pattern)
	}
	var texts []string
	size := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		texts = append(texts, string(data))
		size += len(data)
	}
	b.SetBytes(int64(size))
	for b.Loop() {
		for _, text := range texts {
			Signature(text)
		}
	}
}
