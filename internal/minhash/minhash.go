// Package minhash estimates how much text two documents share, to flag
// near-duplicates: the same submission saved again as different bytes.
//
// A signature is the minimum, over the text's word shingles, of Size
// independent hash functions; the fraction of equal positions in two
// signatures estimates the Jaccard similarity of their shingle sets. An
// Index finds candidates with locality-sensitive hashing over bands of
// the signature, so lookups do not compare against every document.
package minhash

import (
	"slices"
	"unicode"
	"unicode/utf8"

	"github.com/normtag/normtag/internal/lang"
)

// Size is the number of hash functions in a signature.
const Size = 64

// shingleWords is the number of consecutive words in a shingle.
const shingleWords = 4

// Bands and rows per band for locality-sensitive hashing: with 16 bands
// of 4 rows, pairs above about 0.6 similarity almost always collide in
// some band.
const (
	bands = 16
	rows  = Size / bands
)

// Signature computes the MinHash signature of text. Texts with fewer than
// shingleWords words yield nil: too short to compare meaningfully.
//
// Words are the runs of letters and digits of the lower-cased text; a
// shingle's hash is FNV-1a over its words, each followed by a zero byte.
// Signatures are stored and compared with those of earlier documents, so
// these values must never change.
func Signature(text string) []uint64 {
	// The words go into one buffer, each followed by its zero byte, so
	// that a shingle is one contiguous run of it and hashing needs no
	// copies of the words.
	buf := make([]byte, 0, len(text)+len(text)/8+8)
	starts := make([]int, 0, len(text)/6+2)
	inWord := false
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			i++
			if l := lang.ASCIIWordFold[c]; l != 0 {
				if !inWord {
					starts = append(starts, len(buf))
					inWord = true
				}
				buf = append(buf, l)
				continue
			}
		} else {
			r, size := utf8.DecodeRuneInString(text[i:])
			i += size
			// As strings.ToLower: each rune lower-cased (an invalid
			// byte is U+FFFD, which is no letter).
			if r = unicode.ToLower(r); unicode.IsLetter(r) || unicode.IsDigit(r) {
				if !inWord {
					starts = append(starts, len(buf))
					inWord = true
				}
				buf = utf8.AppendRune(buf, r)
				continue
			}
		}
		if inWord {
			buf = append(buf, 0)
			inWord = false
		}
	}
	if inWord {
		buf = append(buf, 0)
	}
	if len(starts) < shingleWords {
		return nil
	}
	starts = append(starts, len(buf))
	// A local array of constant size: no bounds checks in the inner
	// loop, which runs Size times per word.
	var sig [Size]uint64
	for j := range sig {
		sig[j] = ^uint64(0)
	}
	for i := 0; i+shingleWords < len(starts); i++ {
		x := fnv64a(buf[starts[i]:starts[i+shingleWords]])
		for j := range sig {
			if v := mix(x ^ seeds[j]); v < sig[j] {
				sig[j] = v
			}
		}
	}
	return slices.Clone(sig[:])
}

// fnv64a is the 64-bit FNV-1a hash of b, as hash/fnv computes it.
func fnv64a(b []byte) uint64 {
	const (
		offset = 14695981039346656037
		prime  = 1099511628211
	)
	h := uint64(offset)
	for _, c := range b {
		h ^= uint64(c)
		h *= prime
	}
	return h
}

// Similarity estimates the Jaccard similarity of the texts behind two
// signatures.
func Similarity(a, b []uint64) float64 {
	if len(a) != Size || len(b) != Size {
		return 0
	}
	same := 0
	for i := range a {
		if a[i] == b[i] {
			same++
		}
	}
	return float64(same) / Size
}

// mix is the splitmix64 finaliser: a cheap, well-distributed hash.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// seeds derive the Size hash functions from one.
var seeds = func() [Size]uint64 {
	var s [Size]uint64
	x := uint64(0x9e3779b97f4a7c15)
	for i := range s {
		x += 0x9e3779b97f4a7c15
		s[i] = mix(x)
	}
	return s
}()

// Index finds documents whose signatures are similar to a given one.
type Index struct {
	buckets map[[2]uint64][]string
	sigs    map[string][]uint64
}

// NewIndex returns an empty index.
func NewIndex() *Index {
	return &Index{buckets: map[[2]uint64][]string{}, sigs: map[string][]uint64{}}
}

// Add records a document's signature.
func (ix *Index) Add(id string, sig []uint64) {
	if len(sig) != Size {
		return
	}
	if _, ok := ix.sigs[id]; ok {
		return
	}
	ix.sigs[id] = sig
	for b := 0; b < bands; b++ {
		k := bandKey(sig, b)
		ix.buckets[k] = append(ix.buckets[k], id)
	}
}

// Best returns the most similar recorded document other than self, and
// its estimated similarity, or "" when no candidate shares a band.
func (ix *Index) Best(self string, sig []uint64) (string, float64) {
	if len(sig) != Size {
		return "", 0
	}
	best, bestSim := "", 0.0
	seen := map[string]bool{}
	for b := 0; b < bands; b++ {
		for _, id := range ix.buckets[bandKey(sig, b)] {
			if id == self || seen[id] {
				continue
			}
			seen[id] = true
			if s := Similarity(sig, ix.sigs[id]); s > bestSim || s == bestSim && id < best {
				best, bestSim = id, s
			}
		}
	}
	return best, bestSim
}

func bandKey(sig []uint64, band int) [2]uint64 {
	h := uint64(band + 1)
	for _, v := range sig[band*rows : (band+1)*rows] {
		h = mix(h ^ v)
	}
	return [2]uint64{uint64(band), h}
}
