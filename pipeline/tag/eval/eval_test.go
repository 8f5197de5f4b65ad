package eval

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/normtag/normtag/pipeline"
	"github.com/normtag/normtag/pipeline/tag"
)

// handRules are small rules whose every firing on handGold is worked out
// by hand below. Quotes are off so that only these rules speak.
const handRules = `threshold: 0.5
quote_weight: -1
norms:
  g:
    - name: protect
      weight: 0.8
      any: ["protect critical infrastructure"]
  f:
    - name: attack
      weight: 0.8
      any: ["attack on critical infrastructure"]
  e:
    - name: privacy
      weight: 0.6
      any: ["privacy"]
`

// handRules2 also recognises line 4's attack and excludes tax privacy.
const handRules2 = `threshold: 0.5
quote_weight: -1
norms:
  g:
    - name: protect
      weight: 0.8
      any: ["protect critical infrastructure"]
  f:
    - name: attack
      weight: 0.8
      any: ["attack on critical infrastructure", "critical infrastructure against attack"]
  e:
    - name: privacy
      weight: 0.6
      any: ["privacy"]
      not: ["tax"]
`

const handGold = `{"norm":"g","lang":"en","text":"We protect critical infrastructure."}
{"norm":"g","lang":"en","text":"We protect critical infrastructure and privacy."}
{"norm":"f","lang":"en","text":"An attack on critical infrastructure."}
{"norm":"f","lang":"en","text":"We protect critical infrastructure against attack."}

{"norm":"e","lang":"en","text":"Privacy matters."}
{"norm":"","lang":"en","text":"Privacy of tax records."}
{"norm":"","lang":"en","text":"The meeting closed."}
`

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func loadRules(t *testing.T, yaml string) *tag.Tagger {
	t.Helper()
	tg, err := tag.LoadFile(writeFile(t, t.TempDir(), "rules.yaml", yaml))
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// TestFiguresByHand checks every figure against values worked out by hand
// for seven passages:
//
//	line 1 g  -> g      right
//	line 2 g  -> g, e   right, e extra
//	line 3 f  -> f      right
//	line 4 f  -> g      f missed, g extra (top-1 wrong)
//	line 6 e  -> e      right (line 5 is blank)
//	line 7 -  -> e      a no-norm passage tagged
//	line 8 -  -> -      untagged
//
// top-1 4/5, carried 4/5, mean norms 6/5, extra 2/5, untagged 1/2.
// g: predicted 3, correct 2, support 2, found 2 -> P 2/3, R 1, F1 0.8.
// f: predicted 1, correct 1, support 2, found 1 -> P 1, R 1/2, F1 2/3.
// e: predicted 3, correct 1, support 1, found 1 -> P 1/3, R 1, F1 1/2.
// micro: P 4/7, R 4/5, F1 2/3; macro: P (2/3+1+1/3)/3, R (1+1/2+1)/3,
// F1 (0.8+2/3+1/2)/3.
func TestFiguresByHand(t *testing.T) {
	dir := t.TempDir()
	gold, err := ReadGold(writeFile(t, dir, "gold.jsonl", handGold))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), gold, loadRules(t, handRules), Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := res.Figures
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"top1", f.Top1, 4.0 / 5}, {"carried", f.Carried, 4.0 / 5}, {"mean", f.MeanNorms, 6.0 / 5},
		{"extra", f.Extra, 2.0 / 5}, {"untagged", f.Untagged, 1.0 / 2},
		{"micro P", f.Micro.Precision, 4.0 / 7}, {"micro R", f.Micro.Recall, 4.0 / 5}, {"micro F1", f.Micro.F1, 2.0 / 3},
		{"macro P", f.Macro.Precision, (2.0/3 + 1 + 1.0/3) / 3}, {"macro R", f.Macro.Recall, (1 + 0.5 + 1) / 3},
		{"macro F1", f.Macro.F1, (0.8 + 2.0/3 + 0.5) / 3},
		{"g P", f.PerNorm[6].Precision, 2.0 / 3}, {"g R", f.PerNorm[6].Recall, 1}, {"g F1", f.PerNorm[6].F1, 0.8},
		{"f P", f.PerNorm[5].Precision, 1}, {"f R", f.PerNorm[5].Recall, 0.5}, {"f F1", f.PerNorm[5].F1, 2.0 / 3},
		{"e P", f.PerNorm[4].Precision, 1.0 / 3}, {"e R", f.PerNorm[4].Recall, 1}, {"e F1", f.PerNorm[4].F1, 0.5},
	} {
		if !near(c.got, c.want) {
			t.Errorf("%s = %.4f, want %.4f", c.name, c.got, c.want)
		}
	}
	if f.Passages != 7 || f.Normed != 5 || f.NoNorm != 2 || f.PerNorm[6].Support != 2 || f.PerNorm[5].Support != 2 {
		t.Errorf("counts: %d passages, %d normed, %d no-norm, g support %d, f support %d", f.Passages, f.Normed, f.NoNorm, f.PerNorm[6].Support, f.PerNorm[5].Support)
	}
	wantConf := map[string]map[string]int{"g": {"g": 2, "e": 1}, "f": {"f": 1, "g": 1}, "e": {"e": 1}, None: {"e": 1, None: 1}}
	for row, cols := range wantConf {
		for col, n := range cols {
			if f.Confusion[row][col] != n {
				t.Errorf("confusion[%s][%s] = %d, want %d", row, col, f.Confusion[row][col], n)
			}
		}
	}
	rules := map[string]RuleFigures{}
	for _, r := range f.Rules {
		rules[r.Rule] = r
	}
	if r := rules["g.protect"]; r.Fired != 3 || r.Correct != 2 || len(r.Wrong) != 1 || r.Wrong[0].Line != 4 || r.Wrong[0].Evidence[0] != "protect critical infrastructure" {
		t.Errorf("g.protect: %+v", r)
	}
	if r := rules["e.privacy"]; r.Fired != 3 || r.Correct != 1 || len(r.Wrong) != 2 || r.Wrong[0].Line != 2 || r.Wrong[1].Line != 7 {
		t.Errorf("e.privacy: %+v", r)
	}
	if f.Rules[0].Rule != "e.privacy" {
		t.Errorf("rules are listed most wrong first, got %s first", f.Rules[0].Rule)
	}
	var out strings.Builder
	res.WriteText(&out)
	for _, want := range []string{"top-1 0.800", "micro  precision 0.571  recall 0.800", "line 7: gold -, tagged e, (e) from \"Privacy\""} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("text output lacks %q:\n%s", want, out.String())
		}
	}
}

// TestCompareByHand: the second rules tag line 4 (f, g) with f first (equal
// scores go by letter) and leave line 7 untagged.
func TestCompareByHand(t *testing.T) {
	gold, err := ReadGold(writeFile(t, t.TempDir(), "gold.jsonl", handGold))
	if err != nil {
		t.Fatal(err)
	}
	a, err := Run(context.Background(), gold, loadRules(t, handRules), Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Run(context.Background(), gold, loadRules(t, handRules2), Options{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := Compare(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Changes) != 2 || c.Changes[0].Line != 4 || !slices.Equal(c.Changes[0].After, []string{"f", "g"}) ||
		c.Changes[0].Effect != "better" || c.Changes[1].Line != 7 || len(c.Changes[1].After) != 0 || c.Changes[1].Effect != "better" {
		t.Fatalf("changes: %+v", c.Changes)
	}
	fig := map[string]FigureChange{}
	for _, f := range c.Figures {
		fig[f.Name] = f
	}
	if f := fig["top-1"]; !near(f.Before, 0.8) || !near(f.After, 1) {
		t.Errorf("top-1 %v", f)
	}
	if f := fig["no-norm untagged"]; !near(f.Before, 0.5) || !near(f.After, 1) {
		t.Errorf("untagged %v", f)
	}
	if f := fig["(f) recall"]; !near(f.Before, 0.5) || !near(f.After, 1) {
		t.Errorf("(f) recall %v", f)
	}
	if f := fig["extra norms"]; !near(f.Before, 0.4) || !near(f.After, 0.4) {
		t.Errorf("extra %v", f)
	}
	var out strings.Builder
	c.WriteText(&out)
	if !strings.Contains(out.String(), "2 of 7 passages tagged differently") || !strings.Contains(out.String(), "top-1                   0.800   1.000   +0.200") {
		t.Errorf("comparison text:\n%s", out.String())
	}
}

// TestDocumentModeSections: a passage that names no norm is untagged alone
// but carries its section's norm in its document.
func TestDocumentModeSections(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "sub.md", "# Our national report\n\n## Norm 7: protecting what society runs on\n\n"+
		"Hospitals, water utilities and power grids now keep offline backups and rehearse recovery every quarter.\n\n"+
		"## Norm 5\n\nAny interception of communications needs a judge's warrant.\n")
	gold := writeFile(t, dir, "gold.jsonl",
		`{"doc":"sub.md","gold":["g"],"kind":"body","text":"Hospitals, water utilities and power grids now keep offline backups and rehearse recovery every quarter."}
{"doc":"sub.md","gold":["e"],"kind":"body","text":"Any interception of communications needs a judge's warrant."}
{"doc":"sub.md","gold":["g"],"kind":"header","text":"Norm 7: protecting what society runs on"}
`)
	g, err := ReadGold(gold)
	if err != nil {
		t.Fatal(err)
	}
	tg := loadRules(t, handRules)
	alone, err := Run(context.Background(), g, tg, Options{Kind: "body"})
	if err != nil {
		t.Fatal(err)
	}
	if alone.Figures.Passages != 2 || alone.Figures.Carried != 0 {
		t.Errorf("alone: %d passages, carried %.2f; want 2 and 0", alone.Figures.Passages, alone.Figures.Carried)
	}
	doc, err := Run(context.Background(), g, tg, Options{Mode: Document, Extractor: pipeline.UnsafeInProcess{}, DocDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if f := doc.Figures; f.Passages != 3 || f.Unmatched != 0 || f.Top1 != 1 || f.Extra != 0 {
		t.Errorf("document mode: %+v", f)
	}
	if tags := doc.Outcomes[0].Tags; len(tags) != 1 || !tags[0].Inherited || tags[0].Evidence[0].Rule != "section" {
		t.Errorf("body passage tags %+v, want g inherited from its section", tags)
	}
	_, err = Run(context.Background(), g[:1], tg, Options{Mode: Document, Extractor: pipeline.UnsafeInProcess{}, DocDir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "sub.md") {
		t.Errorf("a missing document: %v, want an error naming it", err)
	}
}

func TestReadGoldErrors(t *testing.T) {
	dir := t.TempDir()
	for name, c := range map[string]struct{ content, want string }{
		"bad-letter": {`{"norm":"z","text":"x"}`, `:1: norm "z" is not a letter a-k`},
		"no-norm":    {"\n" + `{"text":"x"}`, `:2: "gold" (a list of norms) or "norm"`},
		"both":       {`{"norm":"a","gold":["a"],"text":"x"}`, "not both"},
		"no-text":    {`{"norm":"a"}`, `"text" is missing`},
		"not-json":   {`{"norm":`, "not a JSON object"},
		"bad-kind":   {`{"gold":["a"],"kind":"footnote","text":"x"}`, `kind "footnote"`},
		"empty":      {"\n\n", "no gold passages"},
	} {
		p := writeFile(t, dir, name+".jsonl", c.content)
		_, err := ReadGold(p)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: %v, want an error naming %s with %q", name, err, p, c.want)
		}
	}
	if _, err := ReadGold(filepath.Join(dir, "empty.jsonl")); !errors.Is(err, ErrNoGold) {
		t.Errorf("empty file: %v, want ErrNoGold", err)
	}
	g, err := ReadGold(writeFile(t, dir, "ok.jsonl", `{"doc":"d.txt","gold":["F","g"],"kind":"body","text":"x"}`+"\n"+`{"norm":"","lang":"fr","text":"y"}`))
	if err != nil || len(g) != 2 || !slices.Equal(g[0].Norms, []string{"f", "g"}) || g[1].Norms != nil || g[1].Lang != "fr" || g[1].Line != 2 {
		t.Errorf("both formats: %+v, %v", g, err)
	}
}
