package tag

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// A sequence phrase is a phrase of several inflected words in a script
// whose words take many endings (Russian, Arabic): "критическ*
// инфраструктур*". Spelled out, every ending of every word would
// multiply (40 Russian endings squared is 1600 patterns for one phrase),
// so instead each word goes into the automaton once, as a prefix when it
// ends in *, and the phrase is found after the scan as a chain of its
// words at consecutive positions. It then counts as one hit of its rule,
// exactly as a spelled-out phrase would.
type sequence struct {
	use   patternUse
	words int
}

// partRef says that a pattern is word idx of sequence seq.
type partRef struct {
	seq int32
	idx int16
}

// partHit is a hit of one word of a sequence, in folded offsets.
type partHit struct {
	seq        int32
	idx        int16
	start, end int
}

// isSequencePhrase reports a phrase compiled as a sequence: one with a *
// inside it (not only at its end) whose words are not Latin.
func isSequencePhrase(p string) bool {
	words := strings.Fields(strings.TrimSpace(p))
	if len(words) < 2 {
		return false
	}
	inner := false
	for _, w := range words[:len(words)-1] {
		if strings.HasSuffix(w, "*") {
			inner = true
		}
	}
	if !inner {
		return false
	}
	for _, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		if r >= 0x400 {
			return true
		}
	}
	return false
}

// sequenceWords returns, for each word of a sequence phrase, its folded
// forms and whether it is a prefix (ends in *). (Load lets the first
// word follow an Arabic clitic, as for every phrase.)
func sequenceWords(p string) ([][]string, []bool, error) {
	words := strings.Fields(strings.TrimSpace(p))
	forms := make([][]string, len(words))
	prefix := make([]bool, len(words))
	for i, w := range words {
		base, star := strings.CutSuffix(w, "*")
		if strings.Contains(base, "*") {
			return nil, nil, fmt.Errorf("phrase %q: * may only end a word", p)
		}
		var raw []string
		if b, ok := strings.CutSuffix(base, "(s)"); ok {
			raw = []string{b, b + "s"}
		} else if without, with, ok := cutParen(base); ok {
			raw = []string{without, with}
		} else {
			raw = []string{base}
		}
		for _, r := range raw {
			alts := []string{r}
			if strings.Contains(r, "-") {
				alts = append(alts, strings.ReplaceAll(r, "-", ""))
			}
			for _, a := range alts {
				if f := foldString(a); f != "" && !slices.Contains(forms[i], f) {
					forms[i] = append(forms[i], f)
				}
			}
		}
		if len(forms[i]) == 0 {
			return nil, nil, fmt.Errorf("phrase %q: word %q has no letters or digits", p, w)
		}
		prefix[i] = star
	}
	return forms, prefix, nil
}

// findSequences turns the word hits of the scan into hits of the
// sequences whose words occur one after the other, and marks their
// rules as seen.
func (t *Tagger) findSequences(sc *scan) {
	parts := sc.parts
	slices.SortFunc(parts, func(a, b partHit) int {
		if a.seq != b.seq {
			return int(a.seq - b.seq)
		}
		if a.idx != b.idx {
			return int(a.idx - b.idx)
		}
		return a.start - b.start
	})
	for i := 0; i < len(parts); {
		j := i
		for j < len(parts) && parts[j].seq == parts[i].seq {
			j++
		}
		t.chains(sc, parts[i:j])
		i = j
	}
}

// chains finds the chains of one sequence among its word hits (sorted by
// word, then start): word k+1 must start one space after word k ends.
func (t *Tagger) chains(sc *scan, hits []partHit) {
	s := &t.seqs[hits[0].seq]
	if int(hits[len(hits)-1].idx) != s.words-1 {
		return // the last word never occurs
	}
	for _, first := range hits {
		if first.idx != 0 {
			break
		}
		end, ok := first.end, true
		for k := int16(1); ok && int(k) < s.words; k++ {
			ok = false
			for _, h := range hits {
				if h.idx == k && h.start == end+1 {
					end, ok = h.end, true
					break
				}
			}
		}
		if !ok {
			continue
		}
		u := s.use
		sc.hits = append(sc.hits, hit{start: int32(first.start), end: int32(end), use: u})
		if sc.seen[u.rule] == 0 {
			sc.touched = append(sc.touched, int32(u.rule))
		}
		sc.seen[u.rule] |= slotBit(u.slot)
	}
}
