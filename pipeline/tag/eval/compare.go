package eval

import (
	"errors"
	"fmt"
	"slices"
)

// Comparison is the same gold set evaluated with two rule sets.
type Comparison struct {
	Before *Result `json:"before"`
	After  *Result `json:"after"`
	// Changes are the passages whose tags (norms or their order) differ.
	Changes []Change `json:"changes"`
	// Figures pairs every figure before and after, in display order.
	Figures []FigureChange `json:"figures"`
}

// Change is a passage tagged differently by the second rule set.
type Change struct {
	Line   int      `json:"line"`
	Text   string   `json:"text"`
	Gold   []string `json:"gold"`
	Before []string `json:"before"`
	After  []string `json:"after"`
	// Effect is "better" (gains a gold norm or drops a wrong one, and
	// loses nothing right), "worse" (the reverse), "mixed" or "same" (only
	// the order changed, top-1 unaffected).
	Effect string `json:"effect"`
}

// FigureChange is one figure under both rule sets.
type FigureChange struct {
	Name   string  `json:"name"`
	Before float64 `json:"before"`
	After  float64 `json:"after"`
}

// errDifferentGold guards Compare against results of different gold sets.
var errDifferentGold = errors.New("the two results are not of the same gold passages")

// Compare lines up two evaluations of the same gold passages.
func Compare(before, after *Result) (*Comparison, error) {
	if len(before.Outcomes) != len(after.Outcomes) {
		return nil, errDifferentGold
	}
	c := &Comparison{Before: before, After: after}
	for i, a := range before.Outcomes {
		b := after.Outcomes[i]
		if a.Gold.Line != b.Gold.Line || a.Gold.Text != b.Gold.Text {
			return nil, errDifferentGold
		}
		pa, pb := a.Predicted(), b.Predicted()
		if slices.Equal(pa, pb) {
			continue
		}
		c.Changes = append(c.Changes, Change{
			Line: a.Gold.Line, Text: a.Gold.Text, Gold: nonNil(a.Gold.Norms),
			Before: pa, After: pb, Effect: effect(a.Gold.Norms, pa, pb),
		})
	}
	nb, na := Named(before.Figures), Named(after.Figures)
	for i := range nb {
		c.Figures = append(c.Figures, FigureChange{Name: nb[i].Name, Before: nb[i].Value, After: na[i].Value})
	}
	return c, nil
}

// effect judges a change of tags against the gold: right norms gained and
// wrong ones dropped are good, the reverse bad; a new top norm counts too.
func effect(gold, before, after []string) string {
	good, bad := 0, 0
	for _, n := range after {
		if !slices.Contains(before, n) {
			if slices.Contains(gold, n) {
				good++
			} else {
				bad++
			}
		}
	}
	for _, n := range before {
		if !slices.Contains(after, n) {
			if slices.Contains(gold, n) {
				bad++
			} else {
				good++
			}
		}
	}
	if good == 0 && bad == 0 && len(gold) > 0 {
		topOK := func(p []string) bool { return len(p) > 0 && slices.Contains(gold, p[0]) }
		switch {
		case topOK(after) && !topOK(before):
			good++
		case topOK(before) && !topOK(after):
			bad++
		}
	}
	switch {
	case good > 0 && bad == 0:
		return "better"
	case bad > 0 && good == 0:
		return "worse"
	case good > 0:
		return "mixed"
	}
	return "same"
}

// NamedFigure is a figure with its display name.
type NamedFigure struct {
	Name  string
	Value float64
}

// Named lists every figure by name, in display order: the overall ones,
// then per norm precision, recall and F1.
func Named(f Figures) []NamedFigure {
	out := []NamedFigure{
		{"top-1", f.Top1}, {"carried", f.Carried}, {"mean norms", f.MeanNorms}, {"extra norms", f.Extra},
		{"no-norm untagged", f.Untagged},
		{"micro precision", f.Micro.Precision}, {"micro recall", f.Micro.Recall}, {"micro F1", f.Micro.F1},
		{"macro precision", f.Macro.Precision}, {"macro recall", f.Macro.Recall}, {"macro F1", f.Macro.F1},
	}
	for _, n := range f.PerNorm {
		out = append(out,
			NamedFigure{fmt.Sprintf("(%s) precision", n.Norm), n.Precision},
			NamedFigure{fmt.Sprintf("(%s) recall", n.Norm), n.Recall},
			NamedFigure{fmt.Sprintf("(%s) F1", n.Norm), n.F1})
	}
	return out
}
