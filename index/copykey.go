package index

import (
	"encoding/binary"
	"encoding/hex"
	"hash/fnv"
	"unicode"
	"unicode/utf8"

	"github.com/normtag/normtag/internal/textfold"
)

// copyKey is the key passages share when their text is the same once
// case and accents are folded and everything but letters and digits is
// dropped: the same sentence extracted from a PDF, a DOCX and a text
// file differs in spacing, hyphenation, quotes and dashes, not in words.
// It is a 64-bit FNV-1a hash in hex; a collision between different texts
// (about one in 10^19 per pair) would collapse two unrelated hits.
func copyKey(text string) string {
	if key, ok := plainCopyKey(text); ok {
		return key
	}
	return foldedCopyKey(text)
}

// foldedCopyKey is copyKey for any text: folded by textfold, its letters
// and digits kept, hashed.
func foldedCopyKey(text string) string {
	kept := make([]byte, 0, len(text))
	for _, r := range textfold.Fold(text) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			kept = utf8.AppendRune(kept, r)
		}
	}
	h := fnv.New64a()
	h.Write(kept)
	return hex.EncodeToString(h.Sum(nil))
}

// FNV-1a's 64-bit offset basis and prime (hash/fnv's).
const (
	fnvOffset64 = 14695981039346656037
	fnvPrime64  = 1099511628211
)

// plainCopyKey is copyKey for a text of ASCII, punctuation, symbols and
// spaces, as nearly every passage of an English, French or Spanish text
// is not far from and most are (the curly quotes, dashes and bullets of
// PDFs are the usual characters beyond ASCII): textfold only lower-cases
// ASCII, its letters and digits are [a-z0-9], and it leaves a
// punctuation mark, symbol or space none (TestPlainCopyKeyIsTheFoldedKey
// checks every one), so the kept bytes are hashed as they are read,
// without the folded copy and the kept text copyKey builds. ok is false,
// and nothing is computed worth keeping, when text holds any other
// character beyond ASCII.
func plainCopyKey(text string) (key string, ok bool) {
	h := uint64(fnvOffset64)
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(text[i:])
			if !droppedFromKey(r) || r == utf8.RuneError {
				return "", false
			}
			i += size - 1
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		default:
			continue
		}
		h ^= uint64(c)
		h *= fnvPrime64
	}
	var sum [8]byte
	binary.BigEndian.PutUint64(sum[:], h)
	return hex.EncodeToString(sum[:]), true
}

// droppedFromKey says whether r, beyond ASCII, is a punctuation mark, a
// symbol or a space: folding leaves no letter or digit of it. Arabic
// presentation forms are not: folding spells some (﷼, the rial sign, is
// a word).
func droppedFromKey(r rune) bool {
	return unicode.In(r, unicode.P, unicode.S, unicode.Z) && !textfold.IsPresentationForm(r)
}

// pivotWords is the length in words from which ranking stops putting
// short passages down (lengthDemotions): about a short paragraph.
const pivotWords = 20

// lengthClasses bucket the lengths under pivotWords: a passage of at
// least words words (and fewer than the next class's) holds term in
// FieldLength. Ranking reads the class from postings, so classes are few.
var lengthClasses = []struct {
	words int
	term  string
}{{1, "w1"}, {2, "w2"}, {3, "w3"}, {4, "w4"}, {6, "w6"}, {8, "w8"}, {12, "w12"}, {16, "w16"}}

// lengthClass is the FieldLength term of a text, "" from pivotWords words.
func lengthClass(text string) string {
	n := countWords(text, pivotWords)
	class := ""
	for _, c := range lengthClasses {
		if n >= c.words && n < pivotWords {
			class = c.term
		}
	}
	return class
}

// countWords counts the runs of letters and digits of text, stopping at
// limit.
func countWords(text string, limit int) int {
	words := 0
	inWord := false
	for _, r := range text {
		letter := unicode.IsLetter(r) || unicode.IsDigit(r)
		if letter && !inWord {
			words++
			if words >= limit {
				return words
			}
		}
		inWord = letter
	}
	return words
}
