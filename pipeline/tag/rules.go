package tag

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

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
	// Lang restricts the rule to passages in one language (en, fr, es);
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

	line int // position in the file, for messages
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
	// walker steps matcher while the text is folded; nil when the
	// automaton is too large for its compact table.
	walker *ahocorasick.Walker
	pats   []pattern
	// Patterns from lexOnly on are function words that no rule uses;
	// lexLang[id] is their language. The match loop counts them without
	// touching the (much larger) pattern records.
	lexOnly int
	lexLang []int8
	quotes  *quoteModel // nil when quotes are off
	version string
	// filters says some rule is gated by context or yields to another,
	// or quotes are on: firings need a second look after evaluation.
	filters bool
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
	rule int
	slot int // slotAny, slotNot, or the index of an All group
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
}

// Option adjusts a tagger while it is built; a built Tagger never changes.
type Option func(*File)

// WithThreshold overrides the rules file's threshold, the lowest score a
// tag may have. It must lie in [0,1].
func WithThreshold(v float64) Option {
	return func(f *File) { f.Threshold = v }
}

// Default returns a tagger with the embedded default rules.
func Default(opts ...Option) (*Tagger, error) { return Load(rules.Default, opts...) }

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
func Load(data []byte, opts ...Option) (*Tagger, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	var f File
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	lines := ruleLines(&root)
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
	sum := sha256.Sum256(data)
	t := &Tagger{file: f, version: hex.EncodeToString(sum[:])[:12]}
	letters := make([]string, 0, len(f.Norms))
	for l := range f.Norms {
		letters = append(letters, l)
	}
	sort.Strings(letters)
	var errs []error
	index := map[string]int{}
	add := func(text string, prefix bool, use patternUse, phrase string, anchor anchorKind) {
		key := text
		if prefix {
			key += "*"
		}
		i, ok := index[key]
		if !ok {
			i = len(t.pats)
			index[key] = i
			t.pats = append(t.pats, pattern{text: text, prefix: prefix, phrase: phrase, anchor: anchor})
		}
		if anchor != 0 {
			t.pats[i].anchor = anchor
			return
		}
		t.pats[i].uses = append(t.pats[i].uses, use)
	}
	for _, l := range letters {
		if _, ok := norms.ByLetter(l); !ok || l != strings.ToLower(l) {
			errs = append(errs, fmt.Errorf("norms: %q is not a norm letter a–k", l))
			continue
		}
		for _, r := range f.Norms[l] {
			r.line = lines[l+"."+r.Name]
			where := fmt.Sprintf("line %d: rule %s.%s", r.line, l, r.Name)
			switch {
			case r.Name == "":
				errs = append(errs, fmt.Errorf("line %d: a rule of norm %s has no name", r.line, l))
				continue
			case r.Weight <= 0 || r.Weight > 1:
				errs = append(errs, fmt.Errorf("%s: weight must be in (0,1], got %v", where, r.Weight))
				continue
			case len(r.Any) == 0 && len(r.All) == 0:
				errs = append(errs, fmt.Errorf("%s: needs `any` or `all` phrases", where))
				continue
			case r.Lang != "" && !lang.Known(r.Lang):
				errs = append(errs, fmt.Errorf("%s: unknown lang %q (want en, fr or es)", where, r.Lang))
				continue
			}
			g, ok := gates[r.Context]
			if !ok {
				errs = append(errs, fmt.Errorf("%s: context %q (want passage, near, own or none)", where, r.Context))
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
					variants, prefix, err := expandPhrase(p)
					if err != nil {
						errs = append(errs, fmt.Errorf("%s: %w", where, err))
						continue
					}
					for _, v := range variants {
						add(v, prefix, patternUse{rule: id, slot: slot}, p, 0)
					}
				}
			}
			compile(r.Any, slotAny)
			compile(r.Not, slotNot)
			for g, group := range r.All {
				if len(group) == 0 {
					errs = append(errs, fmt.Errorf("%s: empty `all` group", where))
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
				errs = append(errs, fmt.Errorf("line %d: rule %s: yield_to %q is not another rule (write norm.name)", r.line, r.full, y))
				continue
			}
			r.yield = append(r.yield, j)
		}
		if r.gate != gateNone || len(r.yield) > 0 {
			t.filters = true
		}
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
	for _, a := range anchors {
		add(a.text, false, patternUse{}, a.text, a.kind)
	}
	if f.QuoteWeight > 0 {
		t.filters = true
		t.quotes = newQuoteModel()
		for sd, refs := range t.quotes.seeds() {
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
	t.lexOnly = len(t.pats)
	for w, l := range lang.FunctionWords() {
		i, ok := index[w]
		if !ok {
			i = len(t.pats)
			index[w] = i
			t.pats = append(t.pats, pattern{text: w, phrase: w})
		}
		t.pats[i].lang = int8(lang.Index(l) + 1)
	}
	t.lexLang = make([]int8, len(t.pats))
	for i := range t.pats {
		t.lexLang[i] = t.pats[i].lang
	}
	// Framing every pattern with spaces (the folded text has them too)
	// makes the automaton itself enforce word boundaries: no hit in the
	// middle of a word ever reaches the tagger.
	raw := make([][]byte, len(t.pats))
	for i, p := range t.pats {
		b := make([]byte, 0, len(p.text)+2)
		b = append(b, ' ')
		b = append(b, p.text...)
		if !p.prefix {
			b = append(b, ' ')
		}
		raw[i] = b
	}
	t.matcher = ahocorasick.New(raw)
	if w, ok := t.matcher.Walker(); ok {
		t.walker = &w
	}
	return t, nil
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
			errs = append(errs, fmt.Errorf("context: unknown lang %q (want en, fr or es)", l))
			continue
		}
		for _, p := range byLang[l] {
			variants, prefix, err := expandPhrase(p)
			if err != nil {
				errs = append(errs, fmt.Errorf("context %s: %w", l, err))
				continue
			}
			for _, v := range variants {
				key := v
				if prefix {
					key += "*"
				}
				i, ok := index[key]
				if !ok {
					i = len(t.pats)
					index[key] = i
					t.pats = append(t.pats, pattern{text: v, prefix: prefix, phrase: p})
				}
				t.pats[i].context = max(t.pats[i].context, level)
			}
		}
	}
	return errs
}

// ruleLines finds the line of every rule in the YAML tree, by "letter.name".
func ruleLines(root *yaml.Node) map[string]int {
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
			// star stands for the common English and Romance endings.
			for _, end := range wordEndings {
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

// Threshold is the lowest score a tag may have.
func (t *Tagger) Threshold() float64 { return t.file.Threshold }

// Phrases lists every folded pattern the rules search for, for
// benchmarks against other multi-pattern searchers.
func (t *Tagger) Phrases() []string {
	out := make([]string, 0, len(t.pats))
	for _, p := range t.pats {
		if len(p.uses) > 0 || p.anchor != 0 || len(p.seeds) > 0 || p.context != 0 {
			out = append(out, p.text)
		}
	}
	return out
}
