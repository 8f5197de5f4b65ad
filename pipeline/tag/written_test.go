package tag

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// TestWrittenPassages measures the default rules on passages written for
// normtag (testdata/written.jsonl: English, French and Spanish, one norm
// each, none taken from the rules' examples or the labelled explainer). It
// was first run as a held-out check (0.86 carried: ICTs spelled out,
// attribution without the word, short Spanish sentences missed); the gaps
// found were closed with general vocabulary, so it now guards against
// regressions rather than measuring generalisation. It carried 1.00
// (top-scored 1.00) until theme words needed ICT context (issue 14):
// 0.90 since, three short French and Spanish norm paraphrases without an
// ICT word going untagged.
func TestWrittenPassages(t *testing.T) {
	raw, err := os.ReadFile("testdata/written.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	tg := mustDefault(t)
	n, carry, top, tags := 0, 0, 0, 0
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		var w struct{ Norm, Text string }
		if err := json.Unmarshal([]byte(line), &w); err != nil {
			t.Fatal(err)
		}
		n++
		got := tg.TagText(w.Text)
		tags += len(got)
		if has(got, []string{w.Norm}) {
			carry++
		} else {
			t.Logf("missing %s: %.80q (tags %q)", w.Norm, w.Text, letters(got))
		}
		if len(got) > 0 && got[0].Norm == w.Norm {
			top++
		}
	}
	c, tp, mean := float64(carry)/float64(n), float64(top)/float64(n), float64(tags)/float64(n)
	t.Logf("%d written passages: norm carried %.2f, top-scored %.2f, mean norms %.2f", n, c, tp, mean)
	if c < 0.85 || tp < 0.85 || mean > 2.5 {
		t.Errorf("carried %.2f (want >= 0.85), top %.2f (want >= 0.85), mean %.2f (want <= 2.5)", c, tp, mean)
	}
}
