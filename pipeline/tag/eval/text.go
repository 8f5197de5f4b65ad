package eval

import (
	"fmt"
	"io"
	"strings"

	"github.com/normtag/normtag/internal/norms"
	"github.com/normtag/normtag/internal/termsafe"
	"github.com/normtag/normtag/internal/textcut"
)

// wrongShown is how many wrong passages per rule the text output shows;
// the JSON has them all.
const wrongShown = 3

// WriteText prints the result for people.
func (r *Result) WriteText(w io.Writer) {
	f := r.Figures
	fmt.Fprintf(w, "%d gold passages (%d on a norm, %d on none), mode %s, rules %s\n", f.Passages, f.Normed, f.NoNorm, r.Mode, r.RulesVersion)
	if f.Unmatched > 0 {
		fmt.Fprintf(w, "%d gold passages not found in their documents (counted untagged)\n", f.Unmatched)
	}
	fmt.Fprintf(w, "top-1 %.3f  carried %.3f  mean norms %.2f  extra norms %.2f per passage", f.Top1, f.Carried, f.MeanNorms, f.Extra)
	if f.NoNorm > 0 {
		fmt.Fprintf(w, "  no-norm untagged %.3f", f.Untagged)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "micro  precision %.3f  recall %.3f  F1 %.3f\n", f.Micro.Precision, f.Micro.Recall, f.Micro.F1)
	fmt.Fprintf(w, "macro  precision %.3f  recall %.3f  F1 %.3f\n", f.Macro.Precision, f.Macro.Recall, f.Macro.F1)
	fmt.Fprintln(w, "\nnorm  precision  recall     F1  support  predicted")
	for _, n := range f.PerNorm {
		fmt.Fprintf(w, "(%s)   %9.3f  %6.3f  %5.3f  %7d  %9d\n", n.Norm, n.Precision, n.Recall, n.F1, n.Support, n.Predicted)
	}
	writeConfusion(w, f.Confusion)
	if len(f.Rules) > 0 {
		fmt.Fprintln(w, "\nrules (evidence of a tag on a gold passage), most wrong first")
		for _, ru := range f.Rules {
			fmt.Fprintf(w, "  %-40s fired %4d  precision %.3f  wrong %d\n", ru.Rule, ru.Fired, ru.Precision, len(ru.Wrong))
			for i, m := range ru.Wrong {
				if i == wrongShown {
					fmt.Fprintf(w, "      … %d more (--format json lists them all)\n", len(ru.Wrong)-wrongShown)
					break
				}
				fmt.Fprintf(w, "      line %d: gold %s, tagged %s, (%s) from %s: %s\n", m.Line, letters(m.Gold), letters(m.Predicted),
					m.Norm, quoteAll(m.Evidence), clip(m.Text))
			}
		}
	}
}

func writeConfusion(w io.Writer, conf map[string]map[string]int) {
	cols := make([]string, 0, len(norms.All)+1)
	for _, n := range norms.All {
		cols = append(cols, n.Letter)
	}
	cols = append(cols, None)
	fmt.Fprintln(w, "\nconfusion: rows gold, columns tagged (- = no norm / untagged)")
	fmt.Fprint(w, "     ")
	for _, c := range cols {
		fmt.Fprintf(w, "%5s", c)
	}
	fmt.Fprintln(w)
	for _, row := range cols {
		if len(conf[row]) == 0 {
			continue
		}
		fmt.Fprintf(w, "%5s", row)
		for _, c := range cols {
			if n := conf[row][c]; n > 0 {
				fmt.Fprintf(w, "%5d", n)
			} else {
				fmt.Fprintf(w, "%5s", ".")
			}
		}
		fmt.Fprintln(w)
	}
}

// WriteText prints the comparison for people: every changed passage, then
// every figure that moved.
func (c *Comparison) WriteText(w io.Writer) {
	fmt.Fprintf(w, "rules %s -> %s, mode %s: %d of %d passages tagged differently\n",
		c.Before.RulesVersion, c.After.RulesVersion, c.Before.Mode, len(c.Changes), len(c.Before.Outcomes))
	for _, ch := range c.Changes {
		fmt.Fprintf(w, "  %-6s line %d: gold %s, %s -> %s: %s\n", ch.Effect, ch.Line, letters(ch.Gold), letters(ch.Before), letters(ch.After), clip(ch.Text))
	}
	fmt.Fprintln(w, "\nfigure                   before   after   change")
	moved := 0
	for _, f := range c.Figures {
		if f.Before == f.After {
			continue
		}
		moved++
		fmt.Fprintf(w, "  %-22s %6.3f  %6.3f  %+7.3f\n", f.Name, f.Before, f.After, f.After-f.Before)
	}
	if moved == 0 {
		fmt.Fprintln(w, "  (no figure changed)")
	}
}

func clip(s string) string { return termsafe.Line(textcut.Abbreviate(s, 140)) }

func quoteAll(ms []string) string {
	q := make([]string, len(ms))
	for i, m := range ms {
		q[i] = fmt.Sprintf("%q", termsafe.Line(m))
	}
	return strings.Join(q, " ")
}
