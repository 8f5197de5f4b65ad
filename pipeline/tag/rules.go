package tag

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/normtag/normtag/internal/ahocorasick"
	"github.com/normtag/normtag/internal/lang"
	"github.com/normtag/normtag/internal/norms"
	"github.com/normtag/normtag/rules"
)

// File is the YAML rules file. See rules/README.md for the format.
type File struct {
	// Threshold is the lowest score a tag may have (default 0.5).
	Threshold float64 `yaml:"threshold"`
	// SectionScore is the score of a tag inherited from a section heading
	// (default 0.6).
	SectionScore float64 `yaml:"section_score"`
	// HeadingThreshold is the score a heading's thematic tag needs to open
	// a section (default 0.75); explicit references always do.
	HeadingThreshold float64 `yaml:"heading_threshold"`
	// QuoteWeight is the weight of each six-word run of a norm's official
	// text quoted in a passage (default 0.45; negative turns quotes off).
	QuoteWeight float64 `yaml:"quote_weight"`
	// Context is the ICT vocabulary that theme rules need in or near a
	// passage before their words count.
	Context Context `yaml:"context"`
	// Norms maps a norm letter (a–k) to its rules.
	Norms map[string][]Rule `yaml:"norms"`
}

// Context is the vocabulary that says a passage is about ICTs. Theme words
// ("privacy", "patches", "the accused") are common in every field; they
// count as evidence of a norm only where the passage, or the heading it
// sits under, speaks of ICTs.
type Context struct {
	// Window is how many words from a `near` rule's match a context
	// phrase may be (default 30).
	Window int `yaml:"window"`
	// Phrases maps a language to its context phrases. Rules of a
	// language listed here need context (see Rule.Context); rules of
	// other languages are not gated. A phrase of any language counts as
	// context in a passage of any language.
	Phrases map[string][]string `yaml:"phrases"`
	// Weak maps a language to words that in this field mostly speak of
	// ICTs without saying so ("incident", "operations", "systems"):
	// they satisfy `passage` rules but not `near` ones.
	Weak map[string][]string `yaml:"weak"`
}

// Rule is one named way of recognising a norm.
type Rule struct {
	Name string `yaml:"name"`
	// Lang restricts the rule to passages in one language (en, fr, es,
	// ar, ru, zh);
	// empty means every language.
	Lang   string  `yaml:"lang"`
	Weight float64 `yaml:"weight"`
	// Any fires when one of its phrases occurs.
	Any []string `yaml:"any"`
	// All fires when one phrase of every group occurs, all within Within
	// words of each other.
	All    [][]string `yaml:"all"`
	Within int        `yaml:"within"`
	// Not vetoes the rule when one of its phrases occurs in the passage.
	Not []string `yaml:"not"`
	// Context says what ICT context the rule needs when its language has
	// context phrases: "passage" (the default: a context phrase anywhere
	// in the passage, or in a heading above it, or an explicit reference
	// or quote of a norm), "near" (a context phrase within Context.Window
	// words of one of its matches, or in a heading above it), "own" (its
	// phrases are ICT vocabulary themselves: it needs no context and is
	// context for the other rules) or "none".
	Context string `yaml:"context"`
	// YieldTo names rules ("f.damage-ci") that, when they fire on the
	// same passage, cancel this one: a weaker reading gives way to one
	// that states the intent (attacking infrastructure rather than
	// protecting it, asking for help rather than describing a CERT).
	YieldTo  []string `yaml:"yield_to"`
	Examples Examples `yaml:"examples"`

	// pos finds where in its file the rule is written, for messages,
	// by key ("letter.name").
	pos  *ruleLines
	key  string
	file string // the file, when not the main one
}

// line is the line of the rule in its file (0 when unknown).
func (r *Rule) line() int {
	if r.pos == nil {
		return 0
	}
	return r.pos.of(r.key)
}

// ruleLines finds the lines of a document's rules the first time a
// message needs one: reading the YAML a second time, as a tree with
// positions, cost as much as decoding it, for messages that a good rules
// file never prints.
type ruleLines struct {
	once  sync.Once
	data  []byte // the document, after as many empty lines as precede it
	lines map[string]int
}

// of returns the line of the rule "letter.name".
func (l *ruleLines) of(key string) int {
	l.once.Do(func() {
		var root yaml.Node
		if err := yaml.Unmarshal(l.data, &root); err == nil {
			l.lines = linesOfRules(&root)
		}
		l.data = nil
	})
	return l.lines[key]
}

// at says where the rule is written, for messages: "line 12", or
// "ru.yaml line 12" for a rule of a further file.
func (r *Rule) at() string {
	if r.file != "" {
		return fmt.Sprintf("%s line %d", r.file, r.line())
	}
	return fmt.Sprintf("line %d", r.line())
}

// Examples are texts a rule must and must not fire on; `normtag rules
// test` checks them.
type Examples struct {
	Match   []string `yaml:"match"`
	NoMatch []string `yaml:"no_match"`
}

// Tagger applies compiled rules. It is immutable and safe for concurrent use.
type Tagger struct {
	file    File
	rules   []compiledRule
	matcher *ahocorasick.Matcher
	pats    []pattern
	// Patterns from lexOnly on are function words that no rule uses;
	// lexLang[id] is their language. Patterns from ctxOnly to lexOnly are
	// context phrases and nothing else: ctxLevel[id-ctxOnly] is their
	// level, ctxBack[id-ctxOnly] how far before a match's end they start.
	// The match loop handles both without touching the (much larger)
	// pattern records.
	lexOnly  int
	lexLang  []int8
	ctxOnly  int
	ctxLevel []int8
	ctxBack  []int32
	// hot[id] is what the match loop reads of pattern id below ctxOnly;
	// its uses, seeds and parts are runs of useList, seedList and
	// partList.
	hot      []hotPattern
	useList  []patternUse
	seedList []seedRef
	partList []partRef
	quotes   *quoteModel // nil when quotes are off
	seqs     []sequence  // phrases found as chains of their words
	// scripts finds the patterns written in Arabic, Cyrillic and Han, in
	// a second pass run only over passages with such letters: kept out
	// of matcher, they leave the automaton that every passage steps
	// through as small as the English, French and Spanish rules make it.
	// It is built when the first such passage comes: most corpora have
	// none, and it is the larger of the two automata to build.
	scripts *lazyMatcher
	version string
	// filters says some rule is gated by context or yields to another,
	// or quotes are on: firings need a second look after evaluation.
	filters bool
	// gates[rule] is the rule's gate, kept apart from the (large) rule
	// records for filter's sake; owns says some rule is gateOwn.
	gates []gate
	norms []int8 // norms[rule] is the rule's norm, 0 for (a)
	owns  bool
	// hotRules[rule] is what matching reads of a rule.
	hotRules []ruleHot
	// yieldList[yieldAt[rule]:yieldAt[rule+1]] are the rules that cancel
	// rule when they fire with it.
	yieldAt, yieldList []int32
	// origin is the rules the tagger was built from.
	origin origin
	// detailed, on a tagger read from its compiled form, builds the
	// tagger again from its rules: Lint, TestExamples and Phrases read
	// the rules' texts, which the compiled form leaves out. Nil on a
	// tagger built from its rules (rules and pats are then set).
	detailed func() (*Tagger, error)
}

// origin is the rules a tagger was built from: what its compiled form
// must be read back with, and how to build it again.
type origin struct {
	builtin bool     // Default's embedded rules
	data    []byte   // the rules file given to Load
	digest  [32]byte // SHA-256 of rules.All() or of data
	// options says Options changed the rules: the tagger has no
	// compiled form (an Option may change anything).
	options bool
}

// ruleHot is what matching reads of a rule, in one cache line rather
// than the several of the full record.
type ruleHot struct {
	full, lang     string
	weight         float64
	groups, within int32
	norm           int8 // 0 for (a)
	anyPhrases     bool // the rule has Any phrases
	yields         bool // the rule yields to others
}

// lazyMatcher is an automaton compiled on first use. Its patterns stay,
// for the tagger's compiled form.
type lazyMatcher struct {
	once     sync.Once
	patterns [][]byte
	m        *ahocorasick.Matcher
}

// get returns the automaton, compiling it the first time.
func (l *lazyMatcher) get() *ahocorasick.Matcher {
	l.once.Do(func() { l.m = ahocorasick.New(l.patterns) })
	return l.m
}

type compiledRule struct {
	Rule
	norm   string
	full   string // "g.protect-critical-infrastructure"
	groups int
	gate   gate
	yield  []int // rules that cancel this one
}

// gate is the ICT context a rule needs to count.
type gate int8

const (
	gateNone    gate = iota // needs no context
	gatePassage             // context in the passage or its section
	gateNear                // context within the window, or in its section
	gateOwn                 // needs none and is context itself
)

// Levels of pattern.context.
const (
	contextWeak   = 1
	contextStrong = 2
)

// gates maps Rule.Context to a gate.
var gates = map[string]gate{"": gatePassage, "passage": gatePassage, "near": gateNear, "own": gateOwn, "none": gateNone}

// slot says what part of a rule a pattern belongs to.
const (
	slotAny = -1
	slotNot = -2
)

// patternUse is one rule's use of a pattern.
type patternUse struct {
	rule int32
	slot int32 // slotAny, slotNot, or the index of an All group
}

// pattern is one folded phrase variant in the automaton.
type pattern struct {
	text   string
	prefix bool // the last word may continue (written with a trailing *)
	uses   []patternUse
	phrase string // as written, for lint messages
	anchor anchorKind
	// seeds say where in the norms' official texts this pattern occurs.
	seeds []seedRef
	// context marks a context phrase (File.Context): contextStrong or
	// contextWeak.
	context int8
	// lang is 1 + the index in lang.Languages of the language this
	// pattern is a function word of, or 0.
	lang int8
	// parts are the sequence phrases this pattern is a word of.
	parts []partRef
	// clitic marks an Arabic pattern that may follow an attached clitic
	// inside its word (cliticAny), or that stands for a word with the
	// article after ل (cliticLam: "لبنيه" in "للبنيه"); 0 for a pattern
	// that starts a word.
	clitic cliticKind
}

// Option adjusts a tagger while it is built; a built Tagger never changes.
type Option func(*File)

// WithThreshold overrides the rules file's threshold, the lowest score a
// tag may have. It must lie in [0,1].
func WithThreshold(v float64) Option {
	return func(f *File) { f.Threshold = v }
}

// Default returns a tagger with the embedded default rules: default.yaml
// and the rules of each further language (rules.Languages) merged.
func Default(opts ...Option) (*Tagger, error) {
	// Each embedded file is split on its own, so that a rule in a later
	// document of ar.yaml is said to be in ar.yaml, at its line there.
	srcs := splitDocuments(rules.Default, "default.yaml")
	for _, l := range rules.Languages {
		srcs = append(srcs, splitDocuments(l.Data, l.Name)...)
	}
	return load(origin{builtin: true}, srcs, opts)
}

// LoadFile reads a rules file.
func LoadFile(path string, opts ...Option) (*Tagger, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read rules: %w", err)
	}
	t, err := Load(data, opts...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

// Load compiles a rules file's bytes; opts override settings of the file.
// A file may hold several YAML documents separated by "---" lines: the
// first has the settings and rules, the others only add rules under
// `norms` (as the embedded rules do for each further language).
func Load(data []byte, opts ...Option) (*Tagger, error) {
	return load(origin{data: data}, splitDocuments(data, ""), opts)
}

// source is one document of a rules file: the first holds the settings
// and rules, the others only add rules under `norms`.
type source struct {
	name string // for messages: the embedded file it is in; "" in a user's file
	data []byte
	line int // lines of its file before it
}

// splitDocuments cuts a rules file at its "---" lines; name names the
// file in messages ("" for a user's file, which its caller names).
func splitDocuments(data []byte, name string) []source {
	var out []source
	start, line, startLine := 0, 0, 0
	flush := func(end int) {
		d := source{name: name, data: data[start:end], line: startLine}
		if hasContent(d.data) || len(out) > 0 {
			out = append(out, d)
		}
	}
	for i := 0; i < len(data); {
		j := bytes.IndexByte(data[i:], '\n')
		if j < 0 {
			j = len(data) - i
		} else {
			j++
		}
		line++
		if string(bytes.TrimRight(data[i:i+j], "\r\n")) == "---" {
			flush(i)
			start, startLine = i+j, line
		}
		i += j
	}
	flush(len(data))
	if len(out) == 0 {
		out = append(out, source{name: name, data: data})
	}
	return out
}

// hasContent reports whether a YAML document has anything but blank
// lines and comments.
func hasContent(doc []byte) bool {
	for _, l := range bytes.Split(doc, []byte("\n")) {
		l = bytes.TrimSpace(l)
		if len(l) > 0 && l[0] != '#' {
			return true
		}
	}
	return false
}

// decode reads one source, noting where each of its rules is.
func (src source) decode() (File, error) {
	var f File
	// The lines before the document are given back as empty lines, so
	// that the YAML decoder's errors and positions count the file's lines.
	data := append(bytes.Repeat([]byte("\n"), src.line), src.data...)
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return File{}, err
	}
	pos := &ruleLines{data: data}
	for l, rs := range f.Norms {
		for i := range rs {
			rs[i].pos, rs[i].key = pos, l+"."+rs[i].Name
			rs[i].file = src.name
		}
	}
	return f, nil
}

// mergeLists adds more's lists to dst's, language by language.
func mergeLists(dst, more map[string][]string) map[string][]string {
	if len(more) > 0 && dst == nil {
		dst = map[string][]string{}
	}
	for l, ps := range more {
		dst[l] = append(dst[l], ps...)
	}
	return dst
}

// where names a document for an error: its first line, and its file
// when that is not the user's.
func (src source) where() string {
	if src.name != "" {
		return fmt.Sprintf("%s document at line %d", src.name, src.line+1)
	}
	return fmt.Sprintf("document at line %d", src.line+1)
}

// load compiles the documents srcs of the rules file from.data (its
// bytes make the version).
func load(from origin, srcs []source, opts []Option) (*Tagger, error) {
	f, err := srcs[0].decode()
	if err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	for _, src := range srcs[1:] {
		more, err := src.decode()
		if err != nil {
			return nil, fmt.Errorf("rules %s: %w", src.where(), err)
		}
		if more.Threshold != 0 || more.SectionScore != 0 || more.HeadingThreshold != 0 || more.QuoteWeight != 0 || more.Context.Window != 0 {
			return nil, fmt.Errorf("rules %s: only `norms` and context phrases may be set here; settings belong to the first document", src.where())
		}
		// A language's file brings its own context vocabulary, so that
		// its rules are gated as English ones are.
		f.Context.Phrases = mergeLists(f.Context.Phrases, more.Context.Phrases)
		f.Context.Weak = mergeLists(f.Context.Weak, more.Context.Weak)
		if f.Norms == nil {
			f.Norms = map[string][]Rule{}
		}
		for l, rs := range more.Norms {
			f.Norms[l] = append(f.Norms[l], rs...)
		}
	}
	if f.Threshold == 0 {
		f.Threshold = 0.5
	}
	if f.SectionScore == 0 {
		f.SectionScore = 0.6
	}
	if f.HeadingThreshold == 0 {
		f.HeadingThreshold = 0.75
	}
	if f.QuoteWeight == 0 {
		f.QuoteWeight = 0.45
	}
	if f.Context.Window == 0 {
		f.Context.Window = 30
	}
	for _, o := range opts {
		o(&f)
	}
	if f.Threshold < 0 || f.Threshold > 1 || f.SectionScore < 0 || f.SectionScore > 1 || f.HeadingThreshold < 0 || f.HeadingThreshold > 1 || f.QuoteWeight >= 1 {
		return nil, fmt.Errorf("rules: threshold, section_score and heading_threshold must be in [0,1], quote_weight below 1")
	}
	if from.builtin {
		from.digest, from.data = builtinDigest(), nil // rules.All() holds them
	} else {
		from.digest = sha256.Sum256(from.data)
	}
	from.options = len(opts) > 0
	t := &Tagger{file: f, version: versionOf(from.digest), origin: from}
	letters := make([]string, 0, len(f.Norms))
	for l := range f.Norms {
		letters = append(letters, l)
	}
	sort.Strings(letters)
	var errs []error
	index := map[string]int{}
	// addPattern puts a pattern in the automaton (once) and records its
	// use by a rule; an anchor records its kind instead, and a sequence's
	// word (anchor -1) nothing, its caller recording the part.
	addPattern := func(text string, prefix bool, clitic cliticKind, use patternUse, phrase string, anchor anchorKind) int {
		key := text
		if prefix {
			key += "*"
		}
		if clitic != 0 {
			key = fmt.Sprint(clitic) + "<" + key
		}
		i, ok := index[key]
		if !ok {
			i = len(t.pats)
			index[key] = i
			t.pats = append(t.pats, pattern{text: text, prefix: prefix, phrase: phrase, clitic: clitic})
		}
		switch {
		case anchor > 0:
			t.pats[i].anchor = anchor
		case anchor == 0:
			t.pats[i].uses = append(t.pats[i].uses, use)
		}
		return i
	}
	add := func(text string, prefix bool, use patternUse, phrase string, anchor anchorKind) int {
		return addPattern(text, prefix, 0, use, phrase, anchor)
	}
	// addClitic adds an Arabic word as it starts a phrase: where it
	// starts a word or follows a clitic, and with the article after ل.
	addClitic := func(text string, prefix bool, use patternUse, phrase string, anchor anchorKind) []int {
		if !isArabicWord(text) {
			return []int{add(text, prefix, use, phrase, anchor)}
		}
		ids := []int{addPattern(text, prefix, cliticAny, use, phrase, anchor)}
		if rest, ok := strings.CutPrefix(text, "ال"); ok {
			ids = append(ids, addPattern("ل"+rest, prefix, cliticLam, use, phrase, anchor))
		}
		return ids
	}
	for _, l := range letters {
		if _, ok := norms.ByLetter(l); !ok || l != strings.ToLower(l) {
			errs = append(errs, fmt.Errorf("norms: %q is not a norm letter a–k", l))
			continue
		}
		names := map[string]bool{}
		for _, r := range f.Norms[l] {
			// Only messages need where a rule is written, and finding
			// its line reads the whole YAML again: not made otherwise.
			where := func() string { return fmt.Sprintf("%s: rule %s.%s", r.at(), l, r.Name) }
			switch {
			case r.Name == "":
				errs = append(errs, fmt.Errorf("%s: a rule of norm %s has no name", r.at(), l))
				continue
			case names[r.Name]:
				errs = append(errs, fmt.Errorf("%s: a second rule named %s.%s", r.at(), l, r.Name))
				continue
			case r.Weight <= 0 || r.Weight > 1:
				errs = append(errs, fmt.Errorf("%s: weight must be in (0,1], got %v", where(), r.Weight))
				continue
			case len(r.Any) == 0 && len(r.All) == 0:
				errs = append(errs, fmt.Errorf("%s: needs `any` or `all` phrases", where()))
				continue
			case r.Lang != "" && !lang.Known(r.Lang):
				errs = append(errs, fmt.Errorf("%s: unknown lang %q (want en, fr, es, ar, ru or zh)", where(), r.Lang))
				continue
			}
			names[r.Name] = true
			g, ok := gates[r.Context]
			if !ok {
				errs = append(errs, fmt.Errorf("%s: context %q (want passage, near, own or none)", where(), r.Context))
				continue
			}
			if g != gateOwn && len(f.Context.Phrases[r.Lang]) == 0 && (r.Lang != "" || len(f.Context.Phrases) == 0) {
				g = gateNone // no context vocabulary for its language
			}
			if len(r.All) > 0 && r.Within <= 0 {
				r.Within = 12
			}
			id := len(t.rules)
			t.rules = append(t.rules, compiledRule{Rule: r, norm: l, full: l + "." + r.Name, groups: len(r.All), gate: g})
			compile := func(phrases []string, slot int) {
				for _, p := range phrases {
					if isSequencePhrase(p) {
						forms, prefix, err := sequenceWords(p)
						if err != nil {
							errs = append(errs, fmt.Errorf("%s: %w", where(), err))
							continue
						}
						seq := int32(len(t.seqs))
						t.seqs = append(t.seqs, sequence{use: patternUse{rule: int32(id), slot: int32(slot)}, words: len(forms)})
						for k, fs := range forms {
							for _, f := range fs {
								ids := []int{add(f, prefix[k], patternUse{}, p, -1)}
								if k == 0 {
									ids = addClitic(f, prefix[k], patternUse{}, p, -1)
								}
								for _, i := range ids {
									t.pats[i].parts = append(t.pats[i].parts, partRef{seq: seq, idx: int16(k)})
								}
							}
						}
						continue
					}
					variants, prefix, err := expandPhrase(p)
					if err != nil {
						errs = append(errs, fmt.Errorf("%s: %w", where(), err))
						continue
					}
					for _, v := range variants {
						addClitic(v, prefix, patternUse{rule: int32(id), slot: int32(slot)}, p, 0)
					}
				}
			}
			compile(r.Any, slotAny)
			compile(r.Not, slotNot)
			for g, group := range r.All {
				if len(group) == 0 {
					errs = append(errs, fmt.Errorf("%s: empty `all` group", where()))
				}
				compile(group, g)
			}
		}
	}
	byName := map[string]int{}
	for i, r := range t.rules {
		byName[r.full] = i
	}
	for i := range t.rules {
		r := &t.rules[i]
		for _, y := range r.YieldTo {
			j, ok := byName[y]
			if !ok || j == i {
				errs = append(errs, fmt.Errorf("%s: rule %s: yield_to %q is not another rule (write norm.name)", r.at(), r.full, y))
				continue
			}
			r.yield = append(r.yield, j)
		}
		if r.gate != gateNone || len(r.yield) > 0 {
			t.filters = true
		}
		t.gates = append(t.gates, r.gate)
		t.norms = append(t.norms, int8(r.norm[0]-'a'))
		t.hotRules = append(t.hotRules, ruleHot{
			full: r.full, lang: r.Lang, weight: r.Weight, groups: int32(r.groups), within: int32(r.Within),
			norm: int8(r.norm[0] - 'a'), anyPhrases: len(r.Any) > 0, yields: len(r.yield) > 0,
		})
		t.owns = t.owns || r.gate == gateOwn
	}
	t.yieldAt = make([]int32, 1, len(t.rules)+1)
	for _, r := range t.rules {
		for _, y := range r.yield {
			t.yieldList = append(t.yieldList, int32(y))
		}
		t.yieldAt = append(t.yieldAt, int32(len(t.yieldList)))
	}
	for _, class := range []struct {
		byLang map[string][]string
		level  int8
	}{{f.Context.Phrases, contextStrong}, {f.Context.Weak, contextWeak}} {
		errs = append(errs, t.addContext(index, class.byLang, class.level)...)
	}
	if f.Context.Window < 0 {
		errs = append(errs, fmt.Errorf("context: window must be positive, got %d", f.Context.Window))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	for _, a := range anchors() {
		addClitic(a.text, false, patternUse{}, a.text, a.kind)
	}
	if f.QuoteWeight > 0 {
		t.filters = true
		t.quotes = newQuoteModel()
		// In sorted order, as the function words below: the same rules
		// give the same pattern numbers, and so the same compiled form,
		// in every run.
		seeds := t.quotes.seeds()
		for _, sd := range slices.Sorted(maps.Keys(seeds)) {
			refs := seeds[sd]
			i, ok := index[sd]
			if !ok {
				i = len(t.pats)
				index[sd] = i
				t.pats = append(t.pats, pattern{text: sd, phrase: sd})
			}
			t.pats[i].seeds = refs
		}
	}
	// Function words go into the same automaton, so that detecting a
	// passage's language costs no second pass.
	words := lang.FunctionWords()
	for _, w := range slices.Sorted(maps.Keys(words)) {
		l := words[w]
		i, ok := index[w]
		if !ok {
			i = len(t.pats)
			index[w] = i
			t.pats = append(t.pats, pattern{text: w, phrase: w})
		}
		t.pats[i].lang = int8(lang.Index(l) + 1)
	}
	t.partition()
	if err := t.compactPatterns(); err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	// Framing every pattern with spaces (the folded text has them too)
	// makes the automaton itself enforce word boundaries: no hit in the
	// middle of a word ever reaches the tagger.
	// An Arabic pattern that may follow a clitic has no leading space:
	// cliticOK checks what precedes it in its word. Patterns in other
	// scripts than Latin go to the second automaton (Tagger.scripts);
	// both report a pattern by its index in t.pats.
	raw := make([][]byte, len(t.pats))
	script := make([][]byte, len(t.pats))
	other := false
	for i, p := range t.pats {
		b := make([]byte, 0, len(p.text)+2)
		if p.clitic == 0 {
			b = append(b, ' ')
		}
		b = append(b, p.text...)
		if !p.prefix {
			b = append(b, ' ')
		}
		if isASCII(p.text) {
			raw[i] = b
		} else {
			script[i], other = b, true
		}
	}
	if other {
		t.scripts = &lazyMatcher{patterns: script}
	}
	t.matcher = ahocorasick.New(raw)
	return t, nil
}

// partition orders the patterns as the match loop expects them: those
// rules, sequences, references or quotes use first, then context phrases that
// nothing else uses, then function words that nothing else uses.
func (t *Tagger) partition() {
	class := func(p *pattern) int {
		switch {
		case len(p.uses) > 0 || p.anchor != 0 || len(p.seeds) > 0 || len(p.parts) > 0 || p.clitic != 0:
			return 0
		case p.context != 0 && p.lang == 0:
			return 1
		case p.context == 0 && p.lang != 0:
			return 2
		}
		return 0 // a function word and a context phrase, or a pattern nothing uses
	}
	slices.SortStableFunc(t.pats, func(a, b pattern) int { return class(&a) - class(&b) })
	t.ctxOnly, t.lexOnly = len(t.pats), len(t.pats)
	for i := len(t.pats) - 1; i >= 0; i-- {
		switch class(&t.pats[i]) {
		case 1:
			t.ctxOnly = i
		case 2:
			t.ctxOnly, t.lexOnly = i, i
		}
	}
	t.lexLang = make([]int8, len(t.pats))
	for i := range t.pats {
		t.lexLang[i] = t.pats[i].lang
	}
	for _, p := range t.pats[t.ctxOnly:t.lexOnly] {
		back := int32(len(p.text))
		if !p.prefix {
			back++ // the space after it
		}
		t.ctxLevel = append(t.ctxLevel, p.context)
		t.ctxBack = append(t.ctxBack, back)
	}
}

// hotPattern is what the match loop reads of a pattern, in a small
// record of its own: the loop reads a pattern per match, and the full
// records (texts, phrases, three slices) are several cache lines each.
type hotPattern struct {
	uses, seeds, parts    int32 // where its runs start in useList, seedList, partList
	n                     int32 // len(text)
	nUses, nSeeds, nParts uint16
	prefix                bool
	clitic                cliticKind
	lang, context         int8
	anchor                int8 // an anchorKind
}

// compactPatterns fills t.hot and the lists it points into.
func (t *Tagger) compactPatterns() error {
	t.hot = make([]hotPattern, t.ctxOnly)
	for i, p := range t.pats[:t.ctxOnly] {
		if len(p.uses) > math.MaxUint16 || len(p.seeds) > math.MaxUint16 || len(p.parts) > math.MaxUint16 || p.anchor > math.MaxInt8 {
			return fmt.Errorf("pattern %q: too many uses", p.phrase)
		}
		t.hot[i] = hotPattern{
			uses: int32(len(t.useList)), seeds: int32(len(t.seedList)), parts: int32(len(t.partList)),
			n:     int32(len(p.text)),
			nUses: uint16(len(p.uses)), nSeeds: uint16(len(p.seeds)), nParts: uint16(len(p.parts)),
			prefix: p.prefix, clitic: p.clitic, lang: p.lang, context: p.context, anchor: int8(p.anchor),
		}
		t.useList = append(t.useList, p.uses...)
		t.seedList = append(t.seedList, p.seeds...)
		t.partList = append(t.partList, p.parts...)
	}
	return nil
}

// addContext adds context phrases of one level to the automaton's patterns.
func (t *Tagger) addContext(index map[string]int, byLang map[string][]string, level int8) []error {
	var errs []error
	langs := make([]string, 0, len(byLang))
	for l := range byLang {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	for _, l := range langs {
		if !lang.Known(l) {
			errs = append(errs, fmt.Errorf("context: unknown lang %q (want en, fr, es, ar, ru or zh)", l))
			continue
		}
		for _, p := range byLang[l] {
			variants, prefix, err := expandPhrase(p)
			if err != nil {
				errs = append(errs, fmt.Errorf("context %s: %w", l, err))
				continue
			}
			for _, v := range variants {
				for _, c := range contextForms(v) {
					key := c.text
					if prefix {
						key += "*"
					}
					if c.clitic != 0 {
						key = fmt.Sprint(c.clitic) + "<" + key
					}
					i, ok := index[key]
					if !ok {
						i = len(t.pats)
						index[key] = i
						t.pats = append(t.pats, pattern{text: c.text, prefix: prefix, phrase: p, clitic: c.clitic})
					}
					t.pats[i].context = max(t.pats[i].context, level)
				}
			}
		}
	}
	return errs
}

// contextForm is a context phrase as it goes into the automaton.
type contextForm struct {
	text   string
	clitic cliticKind
}

// contextForms gives the forms a folded context phrase is found in: as
// it is, and an Arabic one also after a clitic ("بالإنترنت"), as rule
// phrases are.
func contextForms(v string) []contextForm {
	if !isArabicWord(v) {
		return []contextForm{{text: v}}
	}
	out := []contextForm{{v, cliticAny}}
	if rest, ok := strings.CutPrefix(v, "ال"); ok {
		out = append(out, contextForm{"ل" + rest, cliticLam})
	}
	return out
}

// linesOfRules finds the line of every rule in the YAML tree, by "letter.name".
func linesOfRules(root *yaml.Node) map[string]int {
	out := map[string]int{}
	if len(root.Content) == 0 {
		return out
	}
	doc := root.Content[0]
	for i := 0; i+1 < len(doc.Content); i += 2 {
		if doc.Content[i].Value != "norms" {
			continue
		}
		normsNode := doc.Content[i+1]
		for j := 0; j+1 < len(normsNode.Content); j += 2 {
			letter := normsNode.Content[j].Value
			for _, rule := range normsNode.Content[j+1].Content {
				for k := 0; k+1 < len(rule.Content); k += 2 {
					if rule.Content[k].Value == "name" {
						out[letter+"."+rule.Content[k+1].Value] = rule.Line
					}
				}
			}
		}
	}
	return out
}

// expandPhrase turns a phrase as written into the folded byte patterns it
// stands for: "supply chain(s)" gives "supply chain" and "supply chains";
// "cyber-security" gives "cyber security" and "cybersecurity"; a trailing
// "*" lets the last word continue ("vulnerabilit*").
func expandPhrase(p string) ([]string, bool, error) {
	p = strings.TrimSpace(p)
	prefix := strings.HasSuffix(p, "*")
	p = strings.TrimSuffix(p, "*")
	if strings.Count(p, "*") > 2 {
		return nil, false, fmt.Errorf("phrase %q: at most two words inside a phrase may end in *", p)
	}
	words := strings.Fields(p)
	if len(words) == 0 {
		return nil, false, fmt.Errorf("empty phrase")
	}
	variants := []string{""}
	for i, w := range words {
		var forms []string
		if base, ok := strings.CutSuffix(w, "*"); ok {
			// Inside a phrase the automaton cannot leave a word open, so a
			// star stands for the common endings of the word's script.
			for _, end := range endingsFor(base) {
				forms = append(forms, base+end)
			}
		} else if strings.Contains(w, "*") {
			return nil, false, fmt.Errorf("phrase %q: * may only end a word", p)
		} else if base, ok := strings.CutSuffix(w, "(s)"); ok {
			forms = []string{base, base + "s"}
		} else if without, with, ok := cutParen(w); ok {
			forms = []string{without, with}
		} else {
			forms = []string{w}
		}
		var next []string
		for _, v := range variants {
			for _, f := range forms {
				sep := " "
				if i == 0 {
					sep = ""
				}
				next = append(next, v+sep+f)
			}
		}
		variants = next
		if len(variants) > maxVariants {
			return nil, false, fmt.Errorf("phrase %q stands for more than %d variants: split it", p, maxVariants)
		}
	}
	seen := map[string]bool{}
	var out []string
	for _, v := range variants {
		forms := []string{v}
		if strings.Contains(v, "-") {
			forms = append(forms, strings.ReplaceAll(v, "-", ""))
		}
		for _, f := range forms {
			ff := foldString(f)
			if ff == "" || seen[ff] {
				continue
			}
			seen[ff] = true
			out = append(out, ff)
		}
	}
	if len(out) == 0 {
		return nil, false, fmt.Errorf("phrase %q has no letters or digits", p)
	}
	return out, prefix, nil
}

// maxVariants bounds what one phrase may expand to, so that a rules file
// cannot make loading explode ("a(s) b(s) c(s)…" doubles with every word).
const maxVariants = 1024

// wordEndings are what a * inside a phrase may stand for.
var wordEndings = []string{"", "s", "e", "es", "ed", "ing", "ion", "ions", "y", "ies", "ive", "er", "ers",
	"ity", "ities", "al", "ally", "ly", "ment", "ments", "ation", "ations", "or", "ors"}

// russianEndings are what a * inside a Cyrillic word stands for: the
// case endings of Russian nouns and adjectives, so that "критическ*
// инфраструктур*" matches every case and number of the phrase.
var russianEndings = []string{"", "а", "я", "о", "е", "ы", "и", "у", "ю", "ь", "ой", "ей", "ом", "ем",
	"ам", "ям", "ах", "ях", "ами", "ями", "ов", "ев", "ий", "ый", "ая", "ое", "ые", "ие", "ого", "его",
	"ому", "ему", "ым", "им", "ых", "их", "ую", "ию", "ия", "ии", "ыми", "ими", "ью"}

// arabicEndings are what a * inside an Arabic word stands for: feminine
// (ة, folded to ه), dual and plural endings, the nisba ي and its
// feminine, and common attached pronouns.
var arabicEndings = []string{"", "ه", "ات", "ان", "ين", "ون", "ي", "يه", "يات", "يين", "ها", "هم", "نا"}

// endingsFor returns the endings a * after base stands for, by base's
// script.
func endingsFor(base string) []string {
	for _, r := range base {
		switch lang.Script(r) {
		case lang.Index(lang.Russian):
			return russianEndings
		case lang.Index(lang.Arabic):
			return arabicEndings
		}
	}
	return wordEndings
}

func isArabicWord(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return lang.Script(r) == lang.Index(lang.Arabic)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// cliticKind says how an Arabic pattern may sit inside its word.
type cliticKind int8

const (
	// cliticAny: at the start of the word or after an attached clitic.
	// Arabic writes "and", "so", "with", "as" and "for" as prefixes of
	// the next word (و ف ب ك ل, and the pairs وب فب ول فل وك): "والبنية",
	// "بالبنية" are "البنية" too.
	cliticAny cliticKind = 1 + iota
	// cliticLam: the pattern is a word with the article written after
	// ل, which absorbs the article's alef (للبنية is ل + البنية): it
	// must follow a clitic ending in ل.
	cliticLam
)

// arabicClitics are the clitic prefixes a cliticAny pattern may follow,
// folded; those ending in ل are the ones a cliticLam pattern needs.
var arabicClitics = []string{"و", "ف", "ب", "ك", "ل", "وب", "فب", "ول", "فل", "وك"}

// cliticOK reports whether a clitic pattern matched at folded offset
// start sits where it may: the bytes of its word before it must be
// nothing or a clitic (cliticAny), or a clitic ending in ل (cliticLam).
func cliticOK(ft []byte, start int, kind cliticKind) bool {
	ws := start
	for ws > 0 && ft[ws-1] != ' ' && start-ws <= len("وب") {
		ws--
	}
	if ws > 0 && ft[ws-1] != ' ' {
		return false // too far inside a word
	}
	before := string(ft[ws:start])
	if kind == cliticAny && before == "" {
		return true
	}
	for _, c := range arabicClitics {
		if before == c && (kind == cliticAny || strings.HasSuffix(c, "ل")) {
			return true
		}
	}
	return false
}

// cutParen reads an optional part in parentheses: "attack(er)",
// "behavio(u)r". It returns the word without and with that part.
func cutParen(w string) (without, with string, ok bool) {
	i := strings.IndexByte(w, '(')
	j := strings.IndexByte(w, ')')
	if i <= 0 || j < i+2 || strings.ContainsAny(w[j+1:], "()") {
		return "", "", false
	}
	return w[:i] + w[j+1:], w[:i] + w[i+1:j] + w[j+1:], true
}

// Version identifies the rules: a short hash of the rules file.
func (t *Tagger) Version() string { return t.version }

// versionOf is the version of rules whose SHA-256 is digest.
func versionOf(digest [32]byte) string { return hex.EncodeToString(digest[:])[:12] }

// Threshold is the lowest score a tag may have.
func (t *Tagger) Threshold() float64 { return t.file.Threshold }

// Phrases lists every folded pattern the rules search for, for
// benchmarks against other multi-pattern searchers.
func (t *Tagger) Phrases() []string {
	t, err := t.full()
	if err != nil {
		return nil // unreachable: see full
	}
	out := make([]string, 0, len(t.pats))
	for _, p := range t.pats {
		if len(p.uses) > 0 || p.anchor != 0 || len(p.seeds) > 0 || p.context != 0 || len(p.parts) > 0 {
			out = append(out, p.text)
		}
	}
	return out
}
