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
	"hash/fnv"
	"strings"
	"unicode"
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
func Signature(text string) []uint64 {
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
