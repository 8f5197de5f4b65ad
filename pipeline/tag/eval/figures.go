package eval

import (
	"slices"
	"sort"
	"strings"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/internal/norms"
)

// Result is one evaluation: the outcome of every gold passage and the
// figures computed from them.
type Result struct {
	Mode         Mode      `json:"mode"`
	RulesVersion string    `json:"rules_version"`
	Figures      Figures   `json:"figures"`
	Outcomes     []Outcome `json:"passages"`
}

// None stands for "no norm" in the confusion matrix: the gold of a passage
// on no norm, or the prediction for an untagged passage.
const None = "-"

// Figures are the measures of a set of outcomes.
//
// A gold passage may list several norms, any of which counts (the
// labelled explainer's (f)/(g)/(h) section). Such a passage counts once
// towards recall, for its effective gold norm: the best-scored of its
// tags that is among its gold norms, or else its first gold norm. A
// predicted norm is correct, for precision, when it is any of the gold
// norms. With one gold norm per passage these are the usual definitions.
type Figures struct {
	Passages  int `json:"passages"`
	Normed    int `json:"normed"`              // passages with a gold norm
	NoNorm    int `json:"no_norm"`             // passages on no norm
	Unmatched int `json:"unmatched,omitempty"` // document mode: not found, counted untagged
	// Top1 is the share of normed passages whose best-scored tag is a
	// gold norm.
	Top1 float64 `json:"top1"`
	// Carried is the share of normed passages carrying a gold norm at all
	// (it equals micro recall).
	Carried float64 `json:"carried"`
	// MeanNorms is the mean number of tags per normed passage.
	MeanNorms float64 `json:"mean_norms"`
	// Extra is the mean number of tags per normed passage that are none
	// of its gold norms.
	Extra float64 `json:"extra"`
	// Untagged is the share of no-norm passages without any tag (0 when
	// the set has none).
	Untagged float64 `json:"untagged"`
	Micro    PRF     `json:"micro"`
	// Macro averages precision over norms predicted at least once, recall
	// and F1 over norms with support.
	Macro   PRF           `json:"macro"`
	PerNorm []NormFigures `json:"per_norm"`
	// Confusion[gold][predicted] counts passages: each predicted norm of
	// a passage once, or None when it is untagged; the row is the
	// effective gold norm, or None.
	Confusion map[string]map[string]int `json:"confusion"`
	Rules     []RuleFigures             `json:"rules"`
}

// PRF is precision, recall and F1.
type PRF struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
}

// NormFigures are one norm's figures.
type NormFigures struct {
	Norm string `json:"norm"`
	PRF
	Support   int `json:"support"`   // passages whose effective gold it is
	Found     int `json:"found"`     // of those, passages tagged with it
	Predicted int `json:"predicted"` // passages tagged with it
	Correct   int `json:"correct"`   // of those, passages where it is gold
}

// RuleFigures say what one rule did on the gold passages: a rule counts
// where it is evidence of a tag the passage carries. The tagger's own
// evidence — "reference" (explicit references), "quote" (quoted official
// texts) and "section" (inherited from a heading) — counts as rules too.
type RuleFigures struct {
	Rule      string  `json:"rule"`
	Fired     int     `json:"fired"`   // passages (and norms) it gave evidence for
	Correct   int     `json:"correct"` // of those, where the norm is gold
	Precision float64 `json:"precision"`
	Wrong     []Miss  `json:"wrong,omitempty"`
}

// Miss is a passage a rule got wrong.
type Miss struct {
	Line      int      `json:"line"`
	Text      string   `json:"text"`
	Gold      []string `json:"gold"`
	Predicted []string `json:"predicted"`
	Norm      string   `json:"norm"` // the wrong norm the rule supported
	Evidence  []string `json:"evidence"`
}

// effectiveGold is the gold norm a passage counts towards for recall, or
// "" for a passage on no norm.
func effectiveGold(o Outcome) string {
	if len(o.Gold.Norms) == 0 {
		return ""
	}
	for _, t := range o.Tags {
		if slices.Contains(o.Gold.Norms, t.Norm) {
			return t.Norm
		}
	}
	return o.Gold.Norms[0]
}

// Measure computes the figures of a set of outcomes.
func Measure(outcomes []Outcome) Figures {
	f := Figures{Passages: len(outcomes), Confusion: map[string]map[string]int{}}
	per := map[string]*NormFigures{}
	for _, n := range norms.All {
		per[n.Letter] = &NormFigures{Norm: n.Letter}
	}
	rules := map[string]*RuleFigures{}
	var top, carried, tags, extra, clean int
	for _, o := range outcomes {
		if o.Unmatched {
			f.Unmatched++
		}
		gold := o.Gold.Norms
		eff := effectiveGold(o)
		row := eff
		if row == "" {
			row = None
		}
		if f.Confusion[row] == nil {
			f.Confusion[row] = map[string]int{}
		}
		if len(o.Tags) == 0 {
			f.Confusion[row][None]++
		}
		for _, t := range o.Tags {
			f.Confusion[row][t.Norm]++
			if nf := per[t.Norm]; nf != nil {
				nf.Predicted++
				if slices.Contains(gold, t.Norm) {
					nf.Correct++
				}
			}
		}
		if eff == "" {
			f.NoNorm++
			if len(o.Tags) == 0 {
				clean++
			}
		} else {
			f.Normed++
			tags += len(o.Tags)
			if nf := per[eff]; nf != nil {
				nf.Support++
			}
			if len(o.Tags) > 0 && slices.Contains(gold, o.Tags[0].Norm) {
				top++
			}
			hit := false
			for _, t := range o.Tags {
				if slices.Contains(gold, t.Norm) {
					hit = true
				} else {
					extra++
				}
			}
			if hit {
				carried++
				per[eff].Found++
			}
		}
		countRules(rules, o)
	}
	f.Top1 = share(top, f.Normed)
	f.Carried = share(carried, f.Normed)
	f.MeanNorms = share(tags, f.Normed)
	f.Extra = share(extra, f.Normed)
	f.Untagged = share(clean, f.NoNorm)

	var pred, corr, sup, found int
	var pSum, rSum, fSum float64
	var pN, rN int
	for _, n := range norms.All {
		nf := per[n.Letter]
		nf.Precision = share(nf.Correct, nf.Predicted)
		nf.Recall = share(nf.Found, nf.Support)
		nf.F1 = f1(nf.Precision, nf.Recall)
		pred, corr, sup, found = pred+nf.Predicted, corr+nf.Correct, sup+nf.Support, found+nf.Found
		if nf.Predicted > 0 {
			pSum += nf.Precision
			pN++
		}
		if nf.Support > 0 {
			rSum += nf.Recall
			fSum += nf.F1
			rN++
		}
		f.PerNorm = append(f.PerNorm, *nf)
	}
	f.Micro = PRF{Precision: share(corr, pred), Recall: share(found, sup)}
	f.Micro.F1 = f1(f.Micro.Precision, f.Micro.Recall)
	if pN > 0 {
		f.Macro.Precision = pSum / float64(pN)
	}
	if rN > 0 {
		f.Macro.Recall = rSum / float64(rN)
		f.Macro.F1 = fSum / float64(rN)
	}
	for _, r := range rules {
		r.Precision = share(r.Correct, r.Fired)
		f.Rules = append(f.Rules, *r)
	}
	// Rules that got most wrong first: those are the ones to look at.
	sort.Slice(f.Rules, func(i, j int) bool {
		a, b := f.Rules[i], f.Rules[j]
		if wa, wb := a.Fired-a.Correct, b.Fired-b.Correct; wa != wb {
			return wa > wb
		}
		if a.Fired != b.Fired {
			return a.Fired > b.Fired
		}
		return a.Rule < b.Rule
	})
	return f
}

// countRules adds what each rule evidenced in one passage: once per rule
// and norm, whatever the number of words it matched.
func countRules(rules map[string]*RuleFigures, o Outcome) {
	for _, t := range o.Tags {
		var seen []string
		for _, ev := range t.Evidence {
			if slices.Contains(seen, ev.Rule) {
				continue
			}
			seen = append(seen, ev.Rule)
			r := rules[ev.Rule]
			if r == nil {
				r = &RuleFigures{Rule: ev.Rule}
				rules[ev.Rule] = r
			}
			r.Fired++
			if slices.Contains(o.Gold.Norms, t.Norm) {
				r.Correct++
				continue
			}
			r.Wrong = append(r.Wrong, Miss{
				Line: o.Gold.Line, Text: o.Gold.Text, Gold: nonNil(o.Gold.Norms), Predicted: o.Predicted(),
				Norm: t.Norm, Evidence: evidenceOf(t.Evidence, ev.Rule),
			})
		}
	}
}

func evidenceOf(evs []corpus.Evidence, rule string) []string {
	var out []string
	for _, ev := range evs {
		if ev.Rule == rule {
			out = append(out, ev.Match)
		}
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func share(k, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(k) / float64(of)
}

func f1(p, r float64) float64 {
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// letters joins norm letters for display: "f,g" or "-".
func letters(ns []string) string {
	if len(ns) == 0 {
		return None
	}
	return strings.Join(ns, ",")
}
