package suggest

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/normtag/normtag/internal/norms"
	"github.com/normtag/normtag/internal/textcut"
)

// WriteYAML prints the candidates as rules in the rules file format
// (rules/README.md), each with its figures and examples as comments, so
// that a person can copy the ones worth keeping into a rules file. source
// describes where the labels came from, for the header.
func (r *Result) WriteYAML(w io.Writer, source string) {
	fmt.Fprintf(w, "# Candidate rules mined by normtag rules suggest from %s:\n", source)
	var counts []string
	total := 0
	for _, n := range norms.All {
		if k := r.Labelled[n.Letter]; k > 0 {
			counts = append(counts, fmt.Sprintf("%s %d", n.Letter, k))
			total += k
		}
	}
	fmt.Fprintf(w, "# %d documents, %d body passages, %d labelled by a heading naming a norm (%s).\n",
		r.Documents, r.Passages, total, strings.Join(counts, ", "))
	fmt.Fprint(w, `# precision: share of the labelled passages holding the phrase that are labelled with the norm;
# recall: share of the norm's labelled passages holding it; new: of those, passages the stored tags
# do not give the norm from their own words; unlabelled: passages under no norm heading holding it.
# Candidates are ranked, and weighted, as if half their unlabelled passages were wrong.
# Nothing has changed. Copy the rules worth keeping under "norms:" in a rules file (start one with
# normtag rules dump), check them with normtag rules test and measure them with normtag eval --against.
norms:
`)
	by := map[string][]Candidate{}
	for _, c := range r.Candidates {
		by[c.Norm] = append(by[c.Norm], c)
	}
	for _, n := range norms.All {
		cs := by[n.Letter]
		if len(cs) == 0 {
			fmt.Fprintf(w, "  # (%s) %s: no phrase reaches the thresholds\n", n.Letter, n.Short)
			continue
		}
		fmt.Fprintf(w, "  %s: # %s\n", n.Letter, n.Short)
		for _, c := range cs {
			fmt.Fprintf(w, "    # precision %.2f (%d/%d), recall %.2f (%d/%d), new %d, unlabelled %d\n",
				c.Precision, c.Support, c.Labelled, c.Recall, c.Support, r.Labelled[c.Norm], c.New, c.Unlabelled)
			for _, e := range c.Examples {
				fmt.Fprintf(w, "    # e.g. %s, p. %d\n", oneLine(textcut.Abbreviate(e.Title, 80)), e.Page)
			}
			fmt.Fprintf(w, "    - name: %s\n", c.RuleName())
			fmt.Fprintf(w, "      weight: %.2f\n", c.Weight)
			fmt.Fprintf(w, "      any: [%s]\n", yamlString(c.Phrase))
			if len(c.Examples) > 0 {
				var ex []string
				for _, e := range c.Examples {
					ex = append(ex, yamlString(e.Sentence))
				}
				fmt.Fprintf(w, "      examples:\n        match: [%s]\n", strings.Join(ex, ", "))
			}
		}
	}
}

// RuleName is the name a rule on the candidate gets: unique within its
// norm, and marked as suggested so that it stands out in a rules file.
func (c Candidate) RuleName() string {
	return "suggested-" + strings.ReplaceAll(c.Phrase, " ", "-")
}

// yamlString writes s as a double-quoted YAML scalar: JSON's string
// syntax is a subset of it.
func yamlString(s string) string {
	b, _ := json.Marshal(oneLine(s))
	return string(b)
}

// oneLine keeps a comment or example on one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
