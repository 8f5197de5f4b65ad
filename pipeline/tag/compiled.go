package tag

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"

	"github.com/normtag/normtag/internal/ahocorasick"
	"github.com/normtag/normtag/internal/flatbin"
	"github.com/normtag/normtag/internal/lang"
	"github.com/normtag/normtag/rules"
)

// A tagger's compiled form is what matching reads of it, as flat arrays:
// the settings, each rule's hot record, the pattern tables and the
// automaton, without the rules' texts. Reading it back costs a pass over
// the automaton's table; building the tagger decodes the YAML, expands
// and folds every phrase and compiles the automaton, several times more
// (BenchmarkFromBinary against BenchmarkDefault). A cache of compiled
// forms (internal/rulecache) lets each run skip the build.

// compiledMagic opens a compiled form; compiledFormat is its version.
// Bump the version whenever what AppendBinary writes, or what matching
// reads of a Tagger, changes: a compiled form of another version is
// refused, never misread.
const (
	compiledMagic  = "normtag compiled rules\n"
	compiledFormat = 1
)

// ErrNoCompiledForm is returned by AppendBinary for a tagger built with
// Options: an Option may change anything, so its tagger is always built.
var ErrNoCompiledForm = errors.New("a tagger built with options has no compiled form")

// ErrOtherRules is wrapped by DefaultFromBinary's and LoadFromBinary's
// errors when the compiled form is of other rules than those asked for,
// or of another format version.
var ErrOtherRules = errors.New("compiled form of other rules")

// builtinDigest is the SHA-256 of the embedded rules, once per process.
var builtinDigest = sync.OnceValue(func() [32]byte { return sha256.Sum256(rules.All()) })

// AppendBinary appends the compiled form of t to b (see
// encoding.BinaryAppender). DefaultFromBinary or LoadFromBinary, with the
// same rules, read it back as a tagger that tags exactly as t does.
func (t *Tagger) AppendBinary(b []byte) ([]byte, error) {
	if t.origin.options {
		return b, ErrNoCompiledForm
	}
	w := flatbin.Writer{B: b}
	w.B = append(w.B, compiledMagic...)
	w.Uint32(compiledFormat)
	w.Bool(t.origin.builtin)
	w.B = append(w.B, t.origin.digest[:]...)

	f := &t.file
	w.Float64(f.Threshold)
	w.Float64(f.SectionScore)
	w.Float64(f.HeadingThreshold)
	w.Float64(f.QuoteWeight)
	w.Int(f.Context.Window)

	w.Int(len(t.hotRules))
	for _, r := range t.hotRules {
		w.String(r.full)
		w.String(r.lang)
		w.Float64(r.weight)
		w.Int(int(r.groups))
		w.Int(int(r.within))
		w.Byte(byte(r.norm))
		w.Bool(r.anyPhrases)
		w.Bool(r.yields)
	}
	gates := make([]int8, len(t.gates))
	for i, g := range t.gates {
		gates[i] = int8(g)
	}
	w.Int8s(gates)
	w.Int8s(t.norms)
	w.Bool(t.owns)
	w.Bool(t.filters)
	w.Int32s(t.yieldAt)
	w.Int32s(t.yieldList)

	w.Int(t.ctxOnly)
	w.Int(t.lexOnly)
	w.Int8s(t.lexLang)
	w.Int8s(t.ctxLevel)
	w.Int32s(t.ctxBack)
	w.Int(len(t.hot))
	for _, p := range t.hot {
		w.Int(int(p.uses))
		w.Int(int(p.seeds))
		w.Int(int(p.parts))
		w.Int(int(p.n))
		w.Int(int(p.nUses))
		w.Int(int(p.nSeeds))
		w.Int(int(p.nParts))
		w.Bool(p.prefix)
		w.Byte(byte(p.clitic))
		w.Byte(byte(p.lang))
		w.Byte(byte(p.context))
		w.Byte(byte(p.anchor))
	}
	w.Int(len(t.useList))
	for _, u := range t.useList {
		w.Int(int(u.rule))
		w.Int(int(u.slot))
	}
	w.Int(len(t.seedList))
	for _, s := range t.seedList {
		w.Byte(byte(s.norm))
		w.Int(int(s.pos))
	}
	w.Int(len(t.partList))
	for _, p := range t.partList {
		w.Int(int(p.seq))
		w.Int(int(p.idx))
	}
	w.Int(len(t.seqs))
	for _, s := range t.seqs {
		w.Int(int(s.use.rule))
		w.Int(int(s.use.slot))
		w.Int(s.words)
	}
	w.Bool(t.quotes != nil)
	// The second automaton is compiled on first use, as when built: its
	// patterns are stored, not its (much larger) table.
	w.Bool(t.scripts != nil)
	if t.scripts != nil {
		w.Int(len(t.scripts.patterns))
		for _, p := range t.scripts.patterns {
			w.Bytes(p)
		}
	}
	t.matcher.Encode(&w)
	return w.B, nil
}

// DefaultVersion is the Version of Default's tagger, known without
// building it: a process whose documents are tagged elsewhere (a
// coordinator of remote workers) needs no more.
func DefaultVersion() string { return versionOf(builtinDigest()) }

// DefaultFromBinary reads the compiled form of Default's tagger, which
// AppendBinary wrote.
func DefaultFromBinary(b []byte) (*Tagger, error) {
	return fromBinary(b, origin{builtin: true, digest: builtinDigest()})
}

// LoadFromBinary reads the compiled form of Load(data)'s tagger, which
// AppendBinary wrote; data are the rules it was built from.
func LoadFromBinary(b, data []byte) (*Tagger, error) {
	return fromBinary(b, origin{data: data, digest: sha256.Sum256(data)})
}

// fromBinary reads a compiled form of the rules from. Every index that
// matching follows is checked to be in range: damaged bytes give an
// error, never a tagger that fails later.
func fromBinary(b []byte, from origin) (*Tagger, error) {
	head, ok := bytes.CutPrefix(b, []byte(compiledMagic))
	if !ok {
		return nil, fmt.Errorf("%w: not a compiled form", ErrOtherRules)
	}
	r := flatbin.NewReader(head)
	if v := r.Uint32(); v != compiledFormat {
		return nil, fmt.Errorf("%w: format version %d, want %d", ErrOtherRules, v, compiledFormat)
	}
	builtin := r.Bool()
	var digest [32]byte
	for i := range digest {
		digest[i] = r.Byte()
	}
	if err := r.Err(); err != nil {
		return nil, fmt.Errorf("compiled rules: %w", err)
	}
	if builtin != from.builtin || digest != from.digest {
		return nil, fmt.Errorf("%w: compiled from rules %s, want %s", ErrOtherRules, versionOf(digest), versionOf(from.digest))
	}
	t := &Tagger{origin: from, version: versionOf(from.digest)}
	t.file.Threshold = r.Float64()
	t.file.SectionScore = r.Float64()
	t.file.HeadingThreshold = r.Float64()
	t.file.QuoteWeight = r.Float64()
	t.file.Context.Window = r.Int()

	nr := r.Int()
	if nr < 0 || nr > r.Rest() {
		r.Failf("%d rules", nr)
		nr = 0
	}
	t.hotRules = make([]ruleHot, nr)
	for i := range t.hotRules {
		h := &t.hotRules[i]
		h.full = r.String()
		h.lang = r.String()
		h.weight = r.Float64()
		h.groups = int32(r.Int())
		h.within = int32(r.Int())
		h.norm = int8(r.Byte())
		h.anyPhrases = r.Bool()
		h.yields = r.Bool()
	}
	gates := r.Int8s()
	t.gates = make([]gate, len(gates))
	for i, g := range gates {
		t.gates[i] = gate(g)
	}
	t.norms = r.Int8s()
	t.owns = r.Bool()
	t.filters = r.Bool()
	t.yieldAt = r.Int32s()
	t.yieldList = r.Int32s()

	t.ctxOnly = r.Int()
	t.lexOnly = r.Int()
	t.lexLang = r.Int8s()
	t.ctxLevel = r.Int8s()
	t.ctxBack = r.Int32s()
	t.hot = make([]hotPattern, count(r))
	for i := range t.hot {
		p := &t.hot[i]
		p.uses, p.seeds, p.parts, p.n = int32(r.Int()), int32(r.Int()), int32(r.Int()), int32(r.Int())
		p.nUses, p.nSeeds, p.nParts = uint16(r.Int()), uint16(r.Int()), uint16(r.Int())
		p.prefix = r.Bool()
		p.clitic = cliticKind(r.Byte())
		p.lang = int8(r.Byte())
		p.context = int8(r.Byte())
		p.anchor = int8(r.Byte())
	}
	t.useList = make([]patternUse, count(r))
	for i := range t.useList {
		t.useList[i] = patternUse{rule: int32(r.Int()), slot: int32(r.Int())}
	}
	t.seedList = make([]seedRef, count(r))
	for i := range t.seedList {
		t.seedList[i] = seedRef{norm: int8(r.Byte()), pos: int16(r.Int())}
	}
	t.partList = make([]partRef, count(r))
	for i := range t.partList {
		t.partList[i] = partRef{seq: int32(r.Int()), idx: int16(r.Int())}
	}
	t.seqs = make([]sequence, count(r))
	for i := range t.seqs {
		t.seqs[i] = sequence{use: patternUse{rule: int32(r.Int()), slot: int32(r.Int())}, words: r.Int()}
	}
	if r.Bool() {
		t.quotes = newQuoteModel()
	}
	if r.Bool() {
		// The patterns point into b until copied, all into one block:
		// the tagger must not keep b alive, nor cost an allocation each.
		patterns := make([][]byte, count(r))
		size := 0
		for i := range patterns {
			patterns[i] = r.Bytes()
			size += len(patterns[i])
		}
		block := make([]byte, 0, size)
		for i, p := range patterns {
			if len(p) == 0 {
				patterns[i] = nil
				continue
			}
			block = append(block, p...)
			patterns[i] = block[len(block)-len(p) : len(block) : len(block)]
		}
		t.scripts = &lazyMatcher{patterns: patterns}
	}
	if err := r.Err(); err != nil {
		return nil, fmt.Errorf("compiled rules: %w", err)
	}
	m, err := ahocorasick.Decode(r)
	if err != nil {
		return nil, fmt.Errorf("compiled rules: %w", err)
	}
	t.matcher = m
	if r.Rest() != 0 {
		return nil, fmt.Errorf("compiled rules: %d bytes after the end", r.Rest())
	}
	if err := t.checkCompiled(); err != nil {
		return nil, fmt.Errorf("compiled rules: %w", err)
	}
	t.detailed = sync.OnceValues(func() (*Tagger, error) {
		if from.builtin {
			return Default()
		}
		return Load(from.data)
	})
	return t, nil
}

// count reads the number of records that follow, each of at least one
// byte: a damaged count fails rather than allocates.
func count(r *flatbin.Reader) int {
	n := r.Int()
	if n < 0 || n > r.Rest() {
		r.Failf("%d records, %d bytes left", n, r.Rest())
		return 0
	}
	return n
}

// checkCompiled verifies that every index matching follows in a tagger
// read from its compiled form is in range.
func (t *Tagger) checkCompiled() error {
	nr := len(t.hotRules)
	f := &t.file
	if !(f.Threshold >= 0 && f.Threshold <= 1 && f.SectionScore >= 0 && f.SectionScore <= 1 &&
		f.HeadingThreshold >= 0 && f.HeadingThreshold <= 1 && f.QuoteWeight < 1 && f.Context.Window >= 0) {
		return errors.New("settings out of range")
	}
	if len(t.gates) != nr || len(t.norms) != nr || len(t.yieldAt) != nr+1 {
		return fmt.Errorf("rule tables of %d, %d and %d entries for %d rules", len(t.gates), len(t.norms), len(t.yieldAt), nr)
	}
	for i, h := range t.hotRules {
		if h.norm < 0 || int(h.norm) >= len(normLetters) || t.norms[i] != h.norm || h.groups < 0 || h.within < 0 ||
			t.gates[i] < gateNone || t.gates[i] > gateOwn {
			return fmt.Errorf("rule %d (%s): norm, groups or gate out of range", i, h.full)
		}
	}
	if t.yieldAt[0] != 0 || int(t.yieldAt[nr]) != len(t.yieldList) {
		return errors.New("yield table does not span its list")
	}
	for i := 0; i < nr; i++ {
		if t.yieldAt[i] > t.yieldAt[i+1] {
			return fmt.Errorf("rule %d: yields out of order", i)
		}
	}
	for _, y := range t.yieldList {
		if y < 0 || int(y) >= nr {
			return fmt.Errorf("yield to rule %d of %d", y, nr)
		}
	}
	okUse := func(u patternUse) bool {
		return u.rule >= 0 && int(u.rule) < nr &&
			(u.slot == slotAny || u.slot == slotNot || u.slot >= 0 && u.slot < t.hotRules[u.rule].groups)
	}
	np := len(t.lexLang)
	if t.ctxOnly < 0 || t.ctxOnly > t.lexOnly || t.lexOnly > np || np != t.matcher.Patterns() ||
		len(t.hot) != t.ctxOnly || len(t.ctxLevel) != t.lexOnly-t.ctxOnly || len(t.ctxBack) != len(t.ctxLevel) {
		return fmt.Errorf("pattern tables do not fit %d patterns", t.matcher.Patterns())
	}
	nl := int8(len(lang.Languages))
	for id, l := range t.lexLang {
		if l < 0 || l > nl || id >= t.lexOnly && l == 0 {
			return fmt.Errorf("pattern %d: language %d", id, l)
		}
	}
	for k, c := range t.ctxLevel {
		if c != contextWeak && c != contextStrong || t.ctxBack[k] < 0 {
			return fmt.Errorf("context pattern %d: level %d, length %d", t.ctxOnly+k, c, t.ctxBack[k])
		}
	}
	for id, p := range t.hot {
		if p.uses < 0 || int(p.uses)+int(p.nUses) > len(t.useList) ||
			p.seeds < 0 || int(p.seeds)+int(p.nSeeds) > len(t.seedList) ||
			p.parts < 0 || int(p.parts)+int(p.nParts) > len(t.partList) ||
			p.n < 0 || p.clitic < 0 || p.clitic > cliticLam || p.lang < 0 || p.lang > nl ||
			p.context < 0 || p.context > contextStrong || p.anchor < 0 || anchorKind(p.anchor) > anchorSubparagraph {
			return fmt.Errorf("pattern %d out of range", id)
		}
	}
	for _, u := range t.useList {
		if !okUse(u) {
			return fmt.Errorf("use of rule %d slot %d out of range", u.rule, u.slot)
		}
	}
	if len(t.seedList) > 0 && t.quotes == nil {
		return errors.New("quote seeds without quotes")
	}
	for _, s := range t.seedList {
		if s.norm < 0 || int(s.norm) >= len(t.quotes.words) || s.pos < 0 || int(s.pos)+seedWords > len(t.quotes.words[s.norm]) {
			return fmt.Errorf("quote seed at word %d of norm %d out of range", s.pos, s.norm)
		}
	}
	for _, s := range t.seqs {
		if !okUse(s.use) || s.words < 1 {
			return fmt.Errorf("sequence of %d words for rule %d out of range", s.words, s.use.rule)
		}
	}
	for _, p := range t.partList {
		if p.seq < 0 || int(p.seq) >= len(t.seqs) || p.idx < 0 || int(p.idx) >= t.seqs[p.seq].words {
			return fmt.Errorf("word %d of sequence %d out of range", p.idx, p.seq)
		}
	}
	if t.scripts != nil && len(t.scripts.patterns) != np {
		return fmt.Errorf("%d patterns for the second automaton, want %d", len(t.scripts.patterns), np)
	}
	return nil
}

// full returns the tagger built from t's rules: t, or for a tagger read
// from its compiled form, the same rules built again. That cannot fail
// where the first build succeeded (same rules, same program); the error
// is passed on all the same.
func (t *Tagger) full() (*Tagger, error) {
	if t.detailed == nil {
		return t, nil
	}
	return t.detailed()
}
