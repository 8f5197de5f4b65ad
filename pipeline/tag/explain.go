package tag

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
)

// Explanation is the tagger's account of one text: per norm, the rules
// that fired, their weights, the words they matched and the resulting
// score against the threshold.
type Explanation struct {
	Text string `json:"text"`
	// Lang is the passage's detected language; empty when it is too
	// short to tell, and then rules of every language apply.
	Lang      string            `json:"lang"`
	Threshold float64           `json:"threshold"`
	Norms     []NormExplanation `json:"norms"`
}

// NormExplanation explains one norm's score.
type NormExplanation struct {
	Norm   string     `json:"norm"`
	Score  float64    `json:"score"`
	Tagged bool       `json:"tagged"` // score reaches the threshold
	Rules  []RuleFire `json:"rules"`
}

// RuleFire is one rule that fired.
type RuleFire struct {
	Rule    string   `json:"rule"`
	Weight  float64  `json:"weight"`
	Matches []string `json:"matches"`
	// Spans are the byte offsets [start, end) of Matches in the text.
	Spans [][2]int `json:"spans"`
	// Dropped says why a rule that fired does not count (no ICT context,
	// inside a quote of another norm, yields to another rule); its
	// weight is then left out of the score.
	Dropped string `json:"dropped,omitempty"`
}

// Explain tags text alone (no section context) and says why.
func (t *Tagger) Explain(text string) *Explanation {
	res := t.match(text, "", false)
	ex := &Explanation{Text: text, Lang: res.lang, Threshold: t.file.Threshold}
	by := map[string]*NormExplanation{}
	get := func(n string) *NormExplanation {
		if e, ok := by[n]; ok {
			return e
		}
		e := &NormExplanation{Norm: n}
		by[n] = e
		return e
	}
	miss := map[string]float64{}
	// The rules' hot records name and weigh them: a tagger read from its
	// compiled form has no other.
	for _, f := range res.firings {
		r := &t.hotRules[f.rule]
		e := get(normLetters[r.norm])
		var m []string
		var spans [][2]int
		for _, ev := range f.evidence {
			m = append(m, ev.Match)
			spans = append(spans, [2]int{ev.Start, ev.End})
		}
		e.Rules = append(e.Rules, RuleFire{Rule: r.full, Weight: r.weight, Matches: m, Spans: spans})
		n := normLetters[r.norm]
		if _, ok := miss[n]; !ok {
			miss[n] = 1
		}
		miss[n] *= 1 - r.weight
	}
	for _, d := range res.dropped {
		r := &t.hotRules[d.rule]
		n := normLetters[r.norm]
		e := get(n)
		e.Rules = append(e.Rules, RuleFire{Rule: r.full, Weight: r.weight, Dropped: t.reason(d)})
		if _, ok := miss[n]; !ok {
			miss[n] = 1
		}
	}
	for i, q := range res.quotes {
		if q.runs == 0 {
			continue
		}
		n := normLetters[i]
		e := get(n)
		w := 1 - math.Pow(1-t.file.QuoteWeight, float64(q.runs))
		rf := RuleFire{Rule: fmt.Sprintf("quote (%d windows of %d words)", q.runs, quoteWords), Weight: w}
		for _, ev := range q.evidence {
			rf.Matches = append(rf.Matches, ev.Match)
			rf.Spans = append(rf.Spans, [2]int{ev.Start, ev.End})
		}
		e.Rules = append(e.Rules, rf)
		if _, ok := miss[n]; !ok {
			miss[n] = 1
		}
		miss[n] *= 1 - w
	}
	for _, ref := range res.refs {
		for _, n := range ref.norms {
			e := get(n)
			e.Rules = append(e.Rules, RuleFire{Rule: "reference", Weight: 1, Matches: []string{ref.match}, Spans: [][2]int{{ref.start, ref.end}}})
			miss[n] = 0
		}
	}
	for n, e := range by {
		e.Score = float64(int((1-miss[n])*1000+0.5)) / 1000
		e.Tagged = e.Score >= t.file.Threshold
		ex.Norms = append(ex.Norms, *e)
	}
	sort.Slice(ex.Norms, func(i, j int) bool {
		if ex.Norms[i].Score != ex.Norms[j].Score {
			return ex.Norms[i].Score > ex.Norms[j].Score
		}
		return ex.Norms[i].Norm < ex.Norms[j].Norm
	})
	return ex
}

// WriteText prints the explanation for people.
func (e *Explanation) WriteText(w io.Writer) {
	lng := e.Lang
	if lng == "" {
		lng = "undetermined (every rule set applies)"
	}
	fmt.Fprintf(w, "  language %s; threshold %.2f; score = 1 - Π(1 - weight) over the rules that fired\n", lng, e.Threshold)
	if len(e.Norms) == 0 {
		fmt.Fprintln(w, "  no rule fired")
		return
	}
	for _, n := range e.Norms {
		verdict := "tagged"
		if !n.Tagged {
			verdict = "below threshold"
		}
		var parts []string
		for _, r := range n.Rules {
			if r.Dropped == "" {
				parts = append(parts, fmt.Sprintf("%.2f", r.Weight))
			}
		}
		fmt.Fprintf(w, "  (%s) %.3f %s = 1 - Π(1 - [%s])\n", n.Norm, n.Score, verdict, strings.Join(parts, ", "))
		for _, r := range n.Rules {
			if r.Dropped != "" {
				fmt.Fprintf(w, "      %-36s w=%.2f  not counted: %s\n", r.Rule, r.Weight, r.Dropped)
				continue
			}
			var ms []string
			for i, m := range r.Matches {
				ms = append(ms, fmt.Sprintf("%q@%d-%d", m, r.Spans[i][0], r.Spans[i][1]))
			}
			fmt.Fprintf(w, "      %-36s w=%.2f  %s\n", r.Rule, r.Weight, strings.Join(ms, " "))
		}
	}
}
