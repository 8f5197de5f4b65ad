// Package tag assigns GGE norms (a)–(k) to passages with keyword rules
// compiled into one Aho-Corasick automaton, so that a passage is scanned
// once whatever the number of rules, and explains every tag with the
// rules and words that produced it.
package tag

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/internal/ahocorasick"
	"github.com/normtag/normtag/internal/lang"
	"github.com/normtag/normtag/internal/textcut"
)

// hit is one occurrence of a pattern, in folded-text byte offsets;
// 16 bytes, as hits are moved about while they are grouped by rule.
type hit struct {
	start, end int32
	use        patternUse
}

// scan holds the per-passage working state; pooled to keep tagging
// allocation-light.
type scan struct {
	f       folded
	scanner ahocorasick.Scanner
	hits    []hit
	anchors []anchorHit
	quotes  []quoteHit
	parts   []partHit // words of sequence phrases
	matches []ahocorasick.Match
	words   []int32 // word position of each hit of the rule being evaluated, from its first
	// seen[rule] is what parts of the rule the passage's hits cover
	// (seenAny, seenNot, a bit per All group); touched lists the rules
	// with a nonzero entry, so that it is cleared in time proportional
	// to the hits.
	seen    []uint64
	touched []int32
	// scratch for groupHits: the hits kept, and where each hopeful
	// rule's group starts
	hitsTmp []hit
	groups  []int32
	// scratch for evaluate
	anyHits, groupHits []hit
	chosen             []hit // proximity's answer, valid until its next call
	// evidence and firings back a result from matchInto until the scan
	// is returned to the pool.
	evidence []corpus.Evidence
	firings  []firing
	// quoteEvidence backs the result's quotes the same way.
	quoteEvidence []corpus.Evidence
	// at[i] is the folded start of evidence[i]; context the folded
	// starts of context phrases, in order; drops the firings filter
	// removed.
	at      []int32
	context []int32
	drops   []drop
	yields  []int       // scratch for filter
	spans   []quoteSpan // scratch for filter
	// counts[rule] marks the rules that count, while filter decides
	// yields.
	counts []bool
}

var scans = sync.Pool{New: func() any { return new(scan) }}

// firing is a rule that fired on a passage, with its evidence.
type firing struct {
	rule     int
	evidence []corpus.Evidence
	at       int // index of its first evidence in scan.at
}

// drop is a rule that fired but does not count, and why.
type drop struct {
	rule int
	why  dropReason
	// yieldTo is the rule it yielded to, for dropYield.
	yieldTo int
}

// dropReason says why a rule that fired does not count.
type dropReason int8

const (
	dropQuote   dropReason = iota // inside a quote of another norm
	dropPassage                   // no context in the passage or its section
	dropNear                      // no context within the window
	dropYield                     // yields to another rule
)

// reason explains d in words.
func (t *Tagger) reason(d drop) string {
	switch d.why {
	case dropQuote:
		return "inside a quote of another norm"
	case dropPassage:
		return "no ICT context in the passage or its heading"
	case dropNear:
		return fmt.Sprintf("no ICT context within %d words", t.file.Context.Window)
	}
	return "yields to " + t.hotRules[d.yieldTo].full
}

// result is what matching found in one passage.
type result struct {
	lang    string
	firings []firing
	refs    []reference
	quotes  [11]quoted
	// context says the passage itself speaks of ICTs: a (strong) context
	// phrase, an explicit reference or a quote of a norm.
	context bool
	dropped []drop
}

// quoted is a norm's official wording found in a passage.
type quoted struct {
	runs     int // distinctive windows of quoteWords words found
	evidence []corpus.Evidence
}

// match runs the automaton over text and evaluates every rule.
func (t *Tagger) match(text string, langHint string, section bool) result {
	sc := scans.Get().(*scan)
	defer scans.Put(sc)
	res := t.matchInto(sc, text, langHint, section)
	// The result outlives the scan: copy what points into it.
	res.dropped = slices.Clone(res.dropped)
	res.firings = slices.Clone(res.firings)
	for i := range res.firings {
		res.firings[i].evidence = slices.Clone(res.firings[i].evidence)
	}
	for i := range res.quotes {
		res.quotes[i].evidence = slices.Clone(res.quotes[i].evidence)
	}
	return res
}

// matchInto is match with the caller's scan, whose buffers hold the
// result's firings and their evidence until the scan is reused: the hot
// path scores the result before then and copies nothing. section says a
// heading above the passage speaks of ICTs.
func (t *Tagger) matchInto(sc *scan, text string, langHint string, section bool) result {
	fold(text, &sc.f)
	sc.matches = t.matcher.Scan(&sc.scanner, sc.matches[:0], sc.f.text)
	if t.scripts != nil && sc.f.scripts != (lang.ScriptBytes{}) {
		// Arabic, Cyrillic or Chinese letters: their patterns too, in
		// one order by end with the first pass's, as references expect.
		n := len(sc.matches)
		sc.matches = t.scripts.get().Scan(&sc.scanner, sc.matches, sc.f.text)
		if n > 0 && len(sc.matches) > n {
			slices.SortStableFunc(sc.matches, func(a, b ahocorasick.Match) int { return int(a.End - b.End) })
		}
	}
	sc.hits, sc.anchors, sc.quotes, sc.parts = sc.hits[:0], sc.anchors[:0], sc.quotes[:0], sc.parts[:0]
	sc.evidence, sc.firings, sc.quoteEvidence = sc.evidence[:0], sc.firings[:0], sc.quoteEvidence[:0]
	sc.at, sc.context, sc.drops = sc.at[:0], sc.context[:0], sc.drops[:0]
	if len(sc.seen) < len(t.hotRules) {
		sc.seen = make([]uint64, len(t.hotRules))
	}
	ft := sc.f.text
	var counts lang.Counts
	weak := false // a weak context word occurred
	for _, mt := range sc.matches {
		if id := int(mt.ID); id >= t.ctxOnly {
			if id >= t.lexOnly {
				counts[t.lexLang[id]-1]++
				continue
			}
			if k := id - t.ctxOnly; t.ctxLevel[k] == contextStrong {
				sc.context = append(sc.context, int32(mt.End)-t.ctxBack[k])
			} else {
				weak = true
			}
			continue
		}
		p := &t.hot[mt.ID]
		end := int(mt.End)
		if p.clitic != 0 {
			s := end - int(p.n)
			if !p.prefix {
				s--
			}
			if !cliticOK(ft, s, p.clitic) {
				continue
			}
		}
		// The automaton matched " text " (or " text" for a prefix): the
		// word boundaries are already checked.
		var start int
		if p.prefix {
			start = end - int(p.n)
			for end < len(ft) && ft[end] != ' ' {
				end++
			}
		} else {
			end--
			start = end - int(p.n)
		}
		if p.lang != 0 {
			counts[p.lang-1]++
		}
		for _, ref := range t.seedList[p.seeds : p.seeds+int32(p.nSeeds)] {
			if !covered(sc.quotes, ref.norm, start, end) {
				sc.quotes = addQuote(sc.quotes, t.quotes.extend(ft, start, end, ref))
			}
		}
		if p.anchor != 0 {
			sc.anchors = append(sc.anchors, anchorHit{kind: anchorKind(p.anchor), start: start, end: end})
		}
		switch p.context {
		case contextStrong:
			sc.context = append(sc.context, int32(start))
		case contextWeak:
			weak = true
		}
		for _, u := range t.useList[p.uses : p.uses+int32(p.nUses)] {
			sc.hits = append(sc.hits, hit{start: int32(start), end: int32(end), use: u})
			if sc.seen[u.rule] == 0 {
				sc.touched = append(sc.touched, int32(u.rule))
			}
			sc.seen[u.rule] |= slotBit(u.slot)
		}
		for _, pr := range t.partList[p.parts : p.parts+int32(p.nParts)] {
			sc.parts = append(sc.parts, partHit{seq: pr.seq, idx: pr.idx, start: start, end: end})
		}
	}
	if len(sc.parts) > 0 {
		t.findSequences(sc)
	}
	t.groupHits(sc)
	// A passage too short to tell, with no document to ask, gets every
	// rule set: phrases are language-specific enough not to collide.
	res := result{lang: lang.Decide(sc.f.scripts, len(text), counts, langHint)}
	if langHint == "" && !lang.DecidedBy(sc.f.scripts, len(text), counts) {
		res.lang = ""
	}
	res.refs = t.references(text, sc)
	if len(sc.quotes) > 0 {
		var seen [11]bool
		for _, q := range sc.quotes {
			if !seen[q.norm] {
				seen[q.norm] = true
				from := len(sc.quoteEvidence)
				var runs int
				sc.quoteEvidence, runs = appendQuoteEvidence(sc.quoteEvidence, sc.quotes, q.norm, &sc.f, text)
				if runs == 0 {
					continue
				}
				res.quotes[q.norm] = quoted{runs: runs, evidence: sc.quoteEvidence[from:len(sc.quoteEvidence):len(sc.quoteEvidence)]}
			}
		}
	}
	// A quotation puts the passage in the field; one six-word window of a
	// norm's text ("the integrity of the supply chain") does not.
	quoted := res.quotedRun(exclusiveWindows)
	res.context = len(sc.context) > 0 || len(res.refs) > 0 || quoted
	if len(sc.hits) == 0 {
		return res
	}
	res.firings = sc.firings
	for g := 0; g+1 < len(sc.groups); g++ {
		hits := sc.hits[sc.groups[g]:sc.groups[g+1]]
		at := len(sc.at)
		if ev := t.evaluate(sc, hits, res.lang, text); ev != nil {
			res.firings = append(res.firings, firing{rule: int(hits[0].use.rule), evidence: ev, at: at})
		}
	}
	if t.filters && len(res.firings) > 0 {
		// A passage that names or quotes a norm is in the field as a
		// whole, as one under a heading that speaks of ICTs is.
		field := section || len(res.refs) > 0 || quoted
		res.firings = t.filter(sc, res.firings, res.context || weak || field, field, quoted)
		res.dropped = sc.drops
	}
	sc.firings = res.firings
	return res
}

// exclusiveWindows is the number of distinctive windows a verbatim run
// needs before it holds back other norms' rules inside it. One window is
// six words, often a stock phrase shared in meaning with other norms ("the
// critical infrastructure of another State" is (h)'s wording, and says
// what (f) protects); a run of seven words or more is a quotation.
const exclusiveWindows = 2

// filter removes the firings that do not count, in place: evidence inside
// a quote of another norm's official text (a quote carries its own norm
// only), rules without the ICT context they need, and rules that yield
// to another rule that fired. passageContext says the passage has ICT
// context for `passage` rules; field that every match is near context.
func (t *Tagger) filter(sc *scan, firings []firing, passageContext, field, quoted bool) []firing {
	spans := sc.spans[:0]
	var quotedNorms uint16 // a bit per norm quoted
	if quoted {
		for _, q := range sc.quotes {
			if q.windows >= exclusiveWindows {
				spans = append(spans, quoteSpan{start: int32(q.start), end: int32(q.end), norm: q.norm})
				quotedNorms |= 1 << q.norm
			}
		}
		// Few spans, mostly in order already.
		for i := 1; i < len(spans); i++ {
			for j := i; j > 0 && spans[j].start < spans[j-1].start; j-- {
				spans[j], spans[j-1] = spans[j-1], spans[j]
			}
		}
		sc.spans = spans
	}
	gates := t.gates
	// Rules of ICT vocabulary are context for the others.
	if t.owns {
		for _, f := range firings {
			if gates[f.rule] == gateOwn {
				passageContext = true
				sc.context = append(sc.context, sc.at[f.at:f.at+len(f.evidence)]...)
			}
		}
	}
	kept, yields := firings[:0], false
	for _, f := range firings {
		// Only quotes of another norm hold a rule back.
		if quotedNorms&^(1<<t.norms[f.rule]) != 0 {
			var ok bool
			if f, ok = t.outsideQuotes(sc, f, spans); !ok {
				sc.drops = append(sc.drops, drop{rule: f.rule, why: dropQuote})
				continue
			}
		}
		switch gates[f.rule] {
		case gatePassage:
			if !passageContext {
				sc.drops = append(sc.drops, drop{rule: f.rule, why: dropPassage})
				continue
			}
		case gateNear:
			if !field && !t.nearContext(sc, sc.at[f.at:f.at+len(f.evidence)]) {
				sc.drops = append(sc.drops, drop{rule: f.rule, why: dropNear})
				continue
			}
		}
		yields = yields || t.hotRules[f.rule].yields
		kept = append(kept, f)
	}
	if !yields || len(kept) < 2 {
		return kept
	}
	// Yields are decided against every rule left, before any is removed.
	if len(sc.counts) < len(t.hotRules) {
		sc.counts = make([]bool, len(t.hotRules))
	}
	for _, f := range kept {
		sc.counts[f.rule] = true
	}
	ys, yielding := sc.yields[:0], false
	for _, f := range kept {
		y := -1
		for _, o := range t.yieldList[t.yieldAt[f.rule]:t.yieldAt[f.rule+1]] {
			if sc.counts[o] {
				y = int(o)
				break
			}
		}
		ys = append(ys, y)
		yielding = yielding || y >= 0
	}
	for _, f := range kept {
		sc.counts[f.rule] = false
	}
	sc.yields = ys
	if !yielding {
		return kept
	}
	out := kept[:0]
	for i, f := range kept {
		if ys[i] >= 0 {
			sc.drops = append(sc.drops, drop{rule: f.rule, why: dropYield, yieldTo: ys[i]})
			continue
		}
		out = append(out, f)
	}
	return out
}

// outsideQuotes removes from f the evidence that lies inside a quote of
// another norm's official text, and reports whether f still fires: an all
// rule needs every one of its parts.
func (t *Tagger) outsideQuotes(sc *scan, f firing, spans []quoteSpan) (firing, bool) {
	r := &t.hotRules[f.rule]
	n := r.norm
	at := sc.at[f.at : f.at+len(f.evidence)]
	inside := 0
	for _, a := range at {
		if insideQuote(spans, n, a) {
			inside++
		}
	}
	switch {
	case inside == 0:
		return f, true
	case inside == len(at) || r.groups > 0 && !r.anyPhrases:
		return f, false
	}
	// Keep the evidence outside, and its offsets in step with it.
	ev, k := f.evidence[:0], 0
	for i, e := range f.evidence {
		if !insideQuote(spans, n, at[i]) {
			at[k] = at[i]
			ev = append(ev, e)
			k++
		}
	}
	f.evidence = ev
	return f, true
}

// quoteSpan is where a distinctive quote of a norm lies, in folded
// offsets.
type quoteSpan struct {
	start, end int32
	norm       int8
}

// insideQuote reports whether folded offset at lies in a quote of the
// official text of a norm other than n; spans are sorted by start.
func insideQuote(spans []quoteSpan, n int8, at int32) bool {
	for _, q := range spans {
		if q.start > at {
			break
		}
		if q.norm != n && at < q.end {
			return true
		}
	}
	return false
}

// nearContext reports whether a context phrase starts within the window
// of one of the folded offsets at.
// wordsIn counts the words of folded text: its spaces, but a Chinese
// character (each framed by spaces, as a word of its own) as half a
// word, as Chinese words are mostly of two characters; otherwise the
// window would be half as wide in Chinese as in other languages.
func wordsIn(b []byte) int {
	words, han := 0, 0
	for _, c := range b {
		switch {
		case c == ' ':
			words++
		case c >= 0xE4 && c <= 0xE9: // lead byte of U+4000–U+9FFF
			han++
		}
	}
	return words - han/2
}

func (t *Tagger) nearContext(sc *scan, at []int32) bool {
	ctx := sc.context
	if len(ctx) == 0 {
		return false
	}
	if !slices.IsSorted(ctx) {
		slices.Sort(ctx)
	}
	w := t.file.Context.Window
	ft := sc.f.text
	for _, a := range at {
		k, _ := slices.BinarySearch(ctx, a)
		for _, c := range []int{k - 1, k} {
			if c < 0 || c >= len(ctx) {
				continue
			}
			// A word and its space take at least two bytes, so a short
			// gap is near without counting; one of more than 16 bytes a
			// word is taken as far (words that long are not prose).
			gap := int(max(ctx[c], a) - min(ctx[c], a))
			if gap <= 2*w || gap <= 16*w && wordsIn(ft[min(ctx[c], a):max(ctx[c], a)]) <= w {
				return true
			}
		}
	}
	return false
}

// Bits of scan.seen: an All group's index is its bit.
const (
	seenAny = 1 << 63
	seenNot = 1 << 62
	// maxTrackedGroups is the number of All groups seen can tell apart;
	// a rule with more is always evaluated.
	maxTrackedGroups = 62
)

func slotBit(slot int32) uint64 {
	switch {
	case slot == slotAny:
		return seenAny
	case slot == slotNot:
		return seenNot
	case slot < maxTrackedGroups:
		return 1 << slot
	}
	return 0
}

// groupHits orders the scan's hits by rule, then start (ties kept in
// the order found), and leaves out the hits of rules that cannot fire on
// this passage: a rule excluded by a Not hit, or one with neither an Any
// hit nor a hit in each All group. Most rules touched by a passage are of
// the second kind. The hits of hopeful rule g (in rule order) are then
// sc.hits[sc.groups[g]:sc.groups[g+1]]. It also clears the scan's seen
// marks.
//
// The hopeful rules are few, so they are sorted, and each hit is moved
// once to its rule's place (a counting sort); within a rule, hits
// arrive nearly in order of start, for which an insertion sort is
// linear.
func (t *Tagger) groupHits(sc *scan) {
	sc.groups = sc.groups[:0]
	if len(sc.hits) == 0 {
		sc.touched = sc.touched[:0]
		return
	}
	hopeful := sc.touched[:0] // the hopeful rules, written over touched
	for _, r := range sc.touched {
		s := sc.seen[r]
		g := int(t.hotRules[r].groups)
		sc.seen[r] = 0
		if s&seenNot == 0 && (s&seenAny != 0 || g > maxTrackedGroups ||
			g > 0 && s&(1<<g-1) == 1<<g-1) {
			hopeful = append(hopeful, r)
		}
	}
	sc.touched = sc.touched[:0]
	for i := 1; i < len(hopeful); i++ {
		for j := i; j > 0 && hopeful[j] < hopeful[j-1]; j-- {
			hopeful[j], hopeful[j-1] = hopeful[j-1], hopeful[j]
		}
	}
	// seen[r] is now 1 + the group of hopeful rule r.
	groups := append(sc.groups, 0)
	for g, r := range hopeful {
		sc.seen[r] = uint64(g + 1)
		groups = append(groups, 0)
	}
	// The hopeful rules' hits, in the order found (most hits are of
	// other rules), and their number per rule in groups[g+1].
	kept := sc.hitsTmp[:0]
	for _, h := range sc.hits {
		if g := sc.seen[h.use.rule]; g != 0 {
			groups[g]++
			kept = append(kept, h)
		}
	}
	for g := 1; g < len(groups); g++ {
		groups[g] += groups[g-1]
	}
	// Each hit to its place: groups[g] is where hopeful rule g's next
	// hit goes, and ends where rule g+1's begin.
	out := sc.hits[:len(kept)]
	for _, h := range kept {
		g := sc.seen[h.use.rule] - 1
		out[groups[g]] = h
		groups[g]++
	}
	copy(groups[1:], groups[:len(groups)-1])
	groups[0] = 0
	for _, r := range hopeful {
		sc.seen[r] = 0
	}
	for g := 0; g+1 < len(groups); g++ {
		hs := out[groups[g]:groups[g+1]]
		for i := 1; i < len(hs); i++ {
			for j := i; j > 0 && hs[j].start < hs[j-1].start; j-- {
				hs[j], hs[j-1] = hs[j-1], hs[j]
			}
		}
	}
	sc.hits, sc.hitsTmp = out, kept
	sc.groups = groups
}

// evaluate decides whether one rule fires given its hits.
func (t *Tagger) evaluate(sc *scan, hits []hit, passageLang, text string) []corpus.Evidence {
	r := &t.hotRules[hits[0].use.rule]
	if r.lang != "" && passageLang != "" && r.lang != passageLang {
		return nil
	}
	// Most rules have Any phrases only: their hits are the evidence.
	chosen := hits
	for _, h := range hits {
		if h.use.slot != slotAny {
			chosen = t.choose(sc, r, hits)
			break
		}
	}
	if len(chosen) == 0 {
		return nil
	}
	from := len(sc.evidence)
	for _, h := range chosen {
		sc.at = append(sc.at, int32(h.start))
		s := sc.f.offsets[h.start]
		e := endOfWord(text, int(sc.f.offsets[h.end-1]))
		sc.evidence = append(sc.evidence, corpus.Evidence{Rule: r.full, Match: text[s:e], Start: int(s), End: int(e)})
	}
	return sc.evidence[from:len(sc.evidence):len(sc.evidence)]
}

// choose returns the hits that make rule r fire, given hits of several
// kinds: none if one is a Not hit, else the Any hits if there are some,
// else a set of All hits close enough together.
func (t *Tagger) choose(sc *scan, r *ruleHot, hits []hit) []hit {
	anyHits, groupHits := sc.anyHits[:0], sc.groupHits[:0]
	for _, h := range hits {
		switch h.use.slot {
		case slotNot:
			return nil
		case slotAny:
			anyHits = append(anyHits, h)
		default:
			groupHits = append(groupHits, h)
		}
	}
	sc.anyHits, sc.groupHits = anyHits, groupHits
	if len(anyHits) > 0 {
		return anyHits
	}
	if r.groups > 0 && len(groupHits) > 0 {
		return t.proximity(sc, groupHits, int(r.groups), int(r.within))
	}
	return nil
}

// endOfWord returns the end of the rune (and word characters) at i.
func endOfWord(text string, i int) int32 {
	j := i + 1
	for j < len(text) && (text[j]&0xC0 == 0x80) {
		j++
	}
	return int32(j)
}

var space = []byte{' '}

// proximity finds, among hits of a rule's All groups, a set with one hit
// per group spanning at most within words, and returns it.
func (t *Tagger) proximity(sc *scan, hits []hit, groups, within int) []hit {
	// Word positions of the hits only, counted from the first hit (only
	// their differences matter): counting spaces between consecutive
	// starts is cheaper than numbering every word of a long passage.
	sc.words = sc.words[:0]
	w, prev := int32(0), hits[0].start
	for _, h := range hits {
		w += int32(bytes.Count(sc.f.text[prev:h.start], space))
		sc.words = append(sc.words, w)
		prev = h.start
	}
	// hits are sorted by start; slide a window covering every group.
	var countBuf [8]int
	count := countBuf[:]
	if groups > len(countBuf) {
		count = make([]int, groups)
	}
	count = count[:groups]
	covered := 0
	lo := 0
	for hi := range hits {
		g := hits[hi].use.slot
		if count[g] == 0 {
			covered++
		}
		count[g]++
		for covered == groups {
			span := int(sc.words[hi] - sc.words[lo])
			if span <= within {
				// count is free now: it marks the groups taken.
				clear(count)
				out := sc.chosen[:0]
				for k := lo; k <= hi; k++ {
					if s := hits[k].use.slot; count[s] == 0 {
						count[s] = 1
						out = append(out, hits[k])
					}
				}
				sc.chosen = out
				return out
			}
			gl := hits[lo].use.slot
			count[gl]--
			if count[gl] == 0 {
				covered--
			}
			lo++
		}
	}
	return nil
}

// score combines the weights of fired rules per norm (noisy-or: each rule
// is independent evidence) and adds explicit references.
func (t *Tagger) score(res result) []corpus.Tag {
	if len(res.firings) == 0 && len(res.refs) == 0 && !res.hasQuotes() {
		return nil
	}
	var miss [11]float64
	var count [11]int // evidence items per norm
	var seen [11]bool
	for i := range miss {
		miss[i] = 1
	}
	for _, f := range res.firings {
		r := &t.hotRules[f.rule]
		n := r.norm
		seen[n] = true
		miss[n] *= 1 - r.weight
		count[n] += len(f.evidence)
	}
	for n, q := range res.quotes {
		if q.runs > 0 {
			seen[n] = true
			miss[n] *= math.Pow(1-t.file.QuoteWeight, float64(q.runs))
			count[n] += len(q.evidence)
		}
	}
	for _, ref := range res.refs {
		for _, l := range ref.norms {
			n := l[0] - 'a'
			seen[n] = true
			miss[n] = 0
			count[n]++
		}
	}
	// One allocation for the evidence of every tag that passes.
	var keep [11]bool
	total, ntags := 0, 0
	for n := range miss {
		if seen[n] && math.Round((1-miss[n])*1000)/1000 >= t.file.Threshold {
			keep[n] = true
			total += count[n]
			ntags++
		}
	}
	if ntags == 0 {
		return nil
	}
	pool := make([]corpus.Evidence, 0, total)
	var ev [11][]corpus.Evidence
	for n := range ev {
		if keep[n] {
			ev[n] = pool[len(pool) : len(pool) : len(pool)+count[n]]
			pool = pool[:len(pool)+count[n]]
		}
	}
	for _, f := range res.firings {
		if n := t.norms[f.rule]; keep[n] {
			ev[n] = append(ev[n], f.evidence...)
		}
	}
	for n, q := range res.quotes {
		if q.runs > 0 && keep[n] {
			ev[n] = append(ev[n], q.evidence...)
		}
	}
	for _, ref := range res.refs {
		for _, l := range ref.norms {
			if n := l[0] - 'a'; keep[n] {
				ev[n] = append(ev[n], corpus.Evidence{Rule: "reference", Match: ref.match, Start: ref.start, End: ref.end})
			}
		}
	}
	tags := make([]corpus.Tag, 0, ntags)
	for n := range miss {
		if keep[n] {
			tags = append(tags, corpus.Tag{Norm: normLetters[n], Score: math.Round((1-miss[n])*1000) / 1000, Evidence: ev[n]})
		}
	}
	corpus.SortTags(tags)
	return tags
}

// quotedRun reports whether some norm's text is quoted for at least
// windows distinctive windows.
func (r *result) quotedRun(windows int) bool {
	for _, q := range r.quotes {
		if q.runs >= windows {
			return true
		}
	}
	return false
}

func (r *result) hasQuotes() bool {
	for _, q := range r.quotes {
		if q.runs > 0 {
			return true
		}
	}
	return false
}

// normLetters are the norm letters by index, to avoid building strings.
var normLetters = [11]string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"}

// TagText tags one passage on its own, without section context.
func (t *Tagger) TagText(text string) []corpus.Tag {
	sc := scans.Get().(*scan)
	defer scans.Put(sc)
	return t.score(t.matchInto(sc, text, "", false))
}

// Tag tags passages in place, in document order, with section context: a
// heading (or a paragraph that opens with a norm's marker and quotes it)
// that names norms opens a section whose passages inherit those norms
// until the next heading of the same or a higher level. Only body text
// and headings take part (corpus.Kind.Sectional); other kinds carry the
// tags of their own words alone.
func (t *Tagger) Tag(passages []corpus.Passage) {
	docLang := t.documentLang(passages)
	type section struct {
		level int
		seq   int
		text  string
		norms []string
	}
	var stack []section
	var headings []headingContext
	sc := scans.Get().(*scan)
	defer scans.Put(sc)
	for i := range passages {
		p := &passages[i]
		res := t.matchInto(sc, p.Text, docLang, inContext(headings) || len(stack) > 0) // valid until the next passage
		tags := t.score(res)
		if !p.KindOf().Sectional() {
			// A note, reference, contents line or page furniture stands
			// outside the sections: an endnote placed under "Norm 11" is
			// not about (k) for that, and a footnote taken for a heading
			// must not pass its norms on. Its own words still tag it.
			p.Tags = tags
			continue
		}
		level, opens := 0, false
		switch {
		case p.Heading:
			level, opens = max(p.Level, 1), true
		case isOpener(p.Text, res):
			level, opens = openerLevel, true
		}
		if p.Heading {
			headings = enterHeading(headings, max(p.Level, 1), res.context)
		}
		if opens {
			for len(stack) > 0 && stack[len(stack)-1].level >= level {
				stack = stack[:len(stack)-1]
			}
			if named := t.sectionNorms(res, tags, p.Heading); len(named) > 0 {
				stack = append(stack, section{level: level, seq: p.Seq, text: p.Text, norms: named})
			}
			p.Tags = tags
			continue
		}
		have := map[string]bool{}
		for _, tg := range tags {
			have[tg.Norm] = true
		}
		if len(stack) > 0 {
			s := stack[len(stack)-1]
			for _, n := range s.norms {
				if have[n] {
					continue
				}
				have[n] = true
				// The heading's first words, so that Match is exactly
				// heading[Start:End] even when a long opener is cut.
				m := strings.TrimSuffix(textcut.Abbreviate(s.text, 120), "…")
				tags = append(tags, corpus.Tag{Norm: n, Score: t.file.SectionScore, Inherited: true, Evidence: []corpus.Evidence{{
					Rule: "section", Match: m, Start: 0, End: len(m), HeadingSeq: s.seq,
				}}})
			}
			corpus.SortTags(tags)
		}
		p.Tags = tags
	}
}

// headingContext is a heading above the current passage and whether it
// speaks of ICTs.
type headingContext struct {
	level   int
	context bool
}

// enterHeading updates the headings above the passages that follow a
// heading of level.
func enterHeading(hs []headingContext, level int, context bool) []headingContext {
	for len(hs) > 0 && hs[len(hs)-1].level >= level {
		hs = hs[:len(hs)-1]
	}
	return append(hs, headingContext{level: level, context: context})
}

// inContext reports whether a heading above speaks of ICTs.
func inContext(hs []headingContext) bool {
	for _, h := range hs {
		if h.context {
			return true
		}
	}
	return false
}

// openerLevel ranks a norm-opening paragraph below every real heading.
const openerLevel = 100

// sectionNorms are the norms a heading or opener names: its explicit
// references, or else its thematic tags when they are strong.
func (t *Tagger) sectionNorms(res result, tags []corpus.Tag, heading bool) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range res.refs {
		for _, n := range r.norms {
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	if len(out) > 0 {
		return out
	}
	bar := t.file.HeadingThreshold
	for _, tg := range tags {
		if tg.Score >= bar && (heading || len(out) == 0) {
			out = append(out, tg.Norm)
		}
		if !heading { // an opener names one norm: its best
			break
		}
	}
	return out
}

// documentLang is the language most of a document's long passages are in,
// used for passages too short to tell; English when none is long.
func (t *Tagger) documentLang(passages []corpus.Passage) string {
	if l, ok := lang.OfDocument(func(yield func(string) bool) {
		for _, p := range passages {
			if !yield(p.Text) {
				return
			}
		}
	}); ok {
		return l
	}
	return lang.English
}
