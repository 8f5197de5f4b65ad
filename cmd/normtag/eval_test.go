package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/normtag/normtag/pipeline/tag/eval"
)

// TestRulesDumpLoadsBackTheSame: the dumped rules, loaded with --rules,
// have the default's version and give the sample corpus the same tags.
func TestRulesDumpLoadsBackTheSame(t *testing.T) {
	code, dumped, errs := normtag(t, "rules", "dump")
	if code != 0 || !strings.Contains(dumped, "norms:") {
		t.Fatalf("rules dump: exit %d: %s", code, errs)
	}
	file := filepath.Join(t.TempDir(), "my-rules.yaml")
	write(t, file, dumped)
	_, def, _ := normtag(t, "rules", "test")
	code, mine, errs := normtag(t, "rules", "test", "--rules", file)
	if code != 0 || lastLine(def) != lastLine(mine) {
		t.Fatalf("rules test on the dump: exit %d %q, default %q: %s", code, lastLine(mine), lastLine(def), errs)
	}
	files, err := filepath.Glob(filepath.Join(sampleCorpus, "*.*"))
	if err != nil {
		t.Fatal(err)
	}
	var docs []string
	for _, f := range files {
		if !strings.HasSuffix(f, ".csv") {
			docs = append(docs, f)
		}
	}
	code, a, errs := normtag(t, append([]string{"tag", "--format", "jsonl"}, docs...)...)
	if code != 0 {
		t.Fatalf("tag: exit %d: %s", code, errs)
	}
	code, b, errs := normtag(t, append([]string{"tag", "--format", "jsonl", "--rules", file}, docs...)...)
	if code != 0 {
		t.Fatalf("tag --rules dump: exit %d: %s", code, errs)
	}
	if a != b || strings.Count(a, `"norm":`) < 20 {
		t.Errorf("the dumped rules tag the sample corpus differently (or it has fewer than 20 tags: %d)", strings.Count(a, `"norm":`))
	}
}

// TestEvalCommand runs eval on a gold set of the project, as text and
// JSON, against a changed rules file, and on a bad gold file.
func TestEvalCommand(t *testing.T) {
	gold := "../../pipeline/tag/testdata/heldout-blind7.jsonl"
	code, out, errs := normtag(t, "eval", "--gold", gold)
	if code != 0 || !strings.Contains(out, "110 gold passages") || !strings.Contains(out, "confusion: rows gold") {
		t.Fatalf("eval: exit %d\n%s\n%s", code, out, errs)
	}
	code, out, errs = normtag(t, "eval", "--gold", gold, "--format", "json")
	var res eval.Result
	if err := json.Unmarshal([]byte(out), &res); code != 0 || err != nil {
		t.Fatalf("eval json: exit %d, %v: %s", code, err, errs)
	}
	if res.Figures.Normed != 110 || res.Figures.Top1 < 0.5 || len(res.Outcomes) != 110 || len(res.Figures.Rules) < 10 {
		t.Errorf("eval json figures: %+v", res.Figures)
	}
	// A rules file without the (k) rules: every passage on (k) that the
	// default rules found changes, and (k) recall falls to zero or near.
	_, dumped, _ := normtag(t, "rules", "dump")
	cut := dumped[:strings.Index(dumped, "\n  k:\n")+1]
	noK := filepath.Join(t.TempDir(), "no-k.yaml")
	write(t, noK, cut)
	code, out, errs = normtag(t, "eval", "--gold", gold, "--against", noK, "--format", "json")
	var cmp eval.Comparison
	if err := json.Unmarshal([]byte(out), &cmp); code != 0 || err != nil {
		t.Fatalf("eval --against: exit %d, %v: %s", code, err, errs)
	}
	if len(cmp.Changes) < 5 {
		t.Errorf("dropping the (k) rules changed %d passages, want at least 5", len(cmp.Changes))
	}
	for _, f := range cmp.Figures {
		if f.Name == "(k) recall" && (f.Before < 0.5 || f.After >= f.Before) {
			t.Errorf("(k) recall %.3f -> %.3f, want a fall", f.Before, f.After)
		}
	}
	code, out, _ = normtag(t, "eval", "--gold", gold, "--against", noK)
	if code != 0 || !strings.Contains(out, "worse") || !strings.Contains(out, "(k) recall") {
		t.Errorf("eval --against text: exit %d\n%s", code, out)
	}
	bad := filepath.Join(t.TempDir(), "bad.jsonl")
	write(t, bad, `{"norm":"a","text":"fine"}`+"\n"+`{"norm":"q","text":"x"}`+"\n")
	code, _, errs = normtag(t, "eval", "--gold", bad)
	if code != 2 || !strings.Contains(errs, bad+":2") {
		t.Errorf("bad gold: exit %d, %q; want 2 and the file:line", code, errs)
	}
	code, _, errs = normtag(t, "eval", "--gold", gold, "--mode", "document")
	if code != 2 || !strings.Contains(errs, `needs a "doc"`) {
		t.Errorf("document mode without docs: exit %d, %q", code, errs)
	}
	if _, err := os.Stat("../../../shared/labeled/gpd-norms-explainer.gold.jsonl"); err != nil {
		t.Skip("skipping the document-mode run: ../shared absent")
	}
	code, out, errs = normtag(t, "eval", "--gold", "../../../shared/labeled/gpd-norms-explainer.gold.jsonl", "--mode", "document")
	if code != 0 || !strings.Contains(out, "36 gold passages") || strings.Contains(out, "not found") {
		t.Errorf("document mode on the explainer: exit %d\n%s\n%s", code, out, errs)
	}
}
