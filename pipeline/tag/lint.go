package tag

import (
	"fmt"
	"sort"
	"strings"
)

// ExampleFailure is a rule example that does not behave as documented.
type ExampleFailure struct {
	Rule string
	// At is where the rule is written ("line 12", "ar.yaml line 40").
	At      string
	Example string
	// WantMatch says the example is listed under match (true) or
	// no_match (false).
	WantMatch bool
}

func (f ExampleFailure) String() string {
	if f.WantMatch {
		return fmt.Sprintf("%s: %s: does not fire on its example %q", f.At, f.Rule, f.Example)
	}
	return fmt.Sprintf("%s: %s: fires on its counter-example %q", f.At, f.Rule, f.Example)
}

// ruleFires reports whether rule i fires on text (alone, any language
// detection as for a passage). section says the text is read as if under
// a heading that speaks of ICTs: a `match` example shows what a rule
// recognises, the ICT context it needs is the passage's business, while a
// `no_match` example may show the rule held back for want of context.
func (t *Tagger) ruleFires(i int, text string, section bool) bool {
	r := &t.rules[i]
	res := t.match(text, r.Lang, section)
	for _, f := range res.firings {
		if f.rule == i {
			return true
		}
	}
	return false
}

// TestExamples checks every rule against its own examples and returns the
// failures, and how many examples were checked.
func (t *Tagger) TestExamples() ([]ExampleFailure, int) {
	t, err := t.full()
	if err != nil {
		return nil, 0 // unreachable: see full
	}
	var out []ExampleFailure
	n := 0
	for i, r := range t.rules {
		for _, ex := range r.Examples.Match {
			n++
			if !t.ruleFires(i, ex, true) {
				out = append(out, ExampleFailure{Rule: r.full, At: r.at(), Example: ex, WantMatch: true})
			}
		}
		for _, ex := range r.Examples.NoMatch {
			n++
			if t.ruleFires(i, ex, false) {
				out = append(out, ExampleFailure{Rule: r.full, At: r.at(), Example: ex, WantMatch: false})
			}
		}
	}
	return out, n
}

// Lint reports problems in the rules: rules without examples or that
// never fire on them, phrases listed twice for one norm, and phrases
// shadowed by a shorter phrase of the same rule (the longer one can never
// add anything).
func (t *Tagger) Lint() []string {
	t, err := t.full()
	if err != nil {
		return []string{err.Error()}
	}
	var out []string
	for i, r := range t.rules {
		if len(r.Examples.Match) == 0 {
			out = append(out, fmt.Sprintf("%s: %s has no `match` examples", r.at(), r.full))
			continue
		}
		fired := false
		for _, ex := range r.Examples.Match {
			if t.ruleFires(i, ex, true) {
				fired = true
				break
			}
		}
		if !fired {
			out = append(out, fmt.Sprintf("%s: %s never fires on its examples", r.at(), r.full))
		}
	}
	// Duplicates: the same folded pattern used twice by one norm in the
	// same role.
	for _, p := range t.pats {
		type key struct {
			norm, lang string
			not        bool
		}
		seen := map[key]*compiledRule{}
		for _, u := range p.uses {
			r := &t.rules[u.rule]
			if u.slot >= 0 {
				continue // All groups may legitimately share words with other rules
			}
			k := key{r.norm, r.Lang, u.slot == slotNot}
			if other, ok := seen[k]; ok && other.full != r.full {
				out = append(out, fmt.Sprintf("%s: phrase %q appears in both %s and %s (the other at %s)", r.at(), p.phrase, other.full, r.full, other.at()))
			} else if ok {
				out = append(out, fmt.Sprintf("%s: phrase %q appears twice in %s", r.at(), p.phrase, r.full))
			}
			seen[k] = r
		}
	}
	// Shadowed: within one rule's `any`, a phrase containing another.
	for _, r := range t.rules {
		var folded []string
		for _, p := range r.Any {
			vs, prefix, err := expandPhrase(p)
			if err != nil || prefix {
				continue
			}
			folded = append(folded, vs...)
		}
		for _, a := range folded {
			for _, b := range folded {
				if a != b && strings.Contains(" "+a+" ", " "+b+" ") {
					out = append(out, fmt.Sprintf("%s: %s: %q is shadowed by the shorter %q", r.at(), r.full, a, b))
				}
			}
		}
	}
	sort.Strings(out)
	return dedupeStrings(out)
}

func dedupeStrings(in []string) []string {
	var out []string
	for i, s := range in {
		if i == 0 || s != in[i-1] {
			out = append(out, s)
		}
	}
	return out
}
