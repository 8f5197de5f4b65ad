package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/normtag/normtag/internal/watch"
	"github.com/normtag/normtag/pipeline"
)

// TestRetagReportsNewWatchMatches: a passage that gains norm (g) through
// retag now matches the watches asking for (g), and retag reports and
// records it as it would a newly ingested one. A passage that matched a
// watch before the retag (it carried (g) already, or the watch asks for
// words only) is not reported, though its tags changed; re-tagging with
// the same rules reports nothing; a passage that loses (g) keeps its
// recorded match, and gaining it again records nothing twice.
func TestRetagReportsNewWatchMatches(t *testing.T) {
	root := t.TempDir()
	data, in := filepath.Join(root, "data"), filepath.Join(root, "in")
	if err := os.Mkdir(in, 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(in, "drills.txt"), "Every spring our agencies run a joint exercise on cyber incidents with the neighbouring countries' teams.\n")
	write(t, filepath.Join(in, "grid.txt"), "States should take appropriate measures to protect their critical infrastructure from ICT threats; "+
		"the grid operators rehearsed this in a joint exercise last year.\n")
	if code, _, errs := normtag(t, "ingest", "--data", data, "--quiet", in); code != 0 {
		t.Fatalf("ingest: %s", errs)
	}
	if res := searchJSON(t, "--data", data, "--norm", "g", `"grid operators"`); res.Total != 1 {
		t.Fatalf("grid.txt should carry (g) under the built-in rules: %d hits", res.Total)
	}
	if res := searchJSON(t, "--data", data, "--norm", "g", "spring"); res.Total != 0 {
		t.Fatalf("drills.txt should not carry (g) under the built-in rules: %d hits", res.Total)
	}
	for _, args := range [][]string{{"gall", "--norm", "g"}, {"gjoint", "--norm", "g", `"joint exercise"`}, {"words", `"joint exercise"`}} {
		if code, out, errs := normtag(t, append([]string{"watch", "add", "--data", data}, args...)...); code != 0 {
			t.Fatalf("watch add %v: exit %d %s %s", args, code, out, errs)
		}
	}

	rules, err := os.ReadFile("../../rules/default.yaml")
	if err != nil {
		t.Fatal(err)
	}
	custom := strings.Replace(string(rules), "\n  h:\n", `
    - name: joint exercises
      lang: en
      weight: 0.9
      any: ["joint exercise(s)"]
      examples:
        match: ["We run a joint exercise every year."]

  h:
`, 1)
	if custom == string(rules) {
		t.Fatal("rules/default.yaml has no norm (h) to add a rule before")
	}
	customPath := filepath.Join(root, "rules.yaml")
	write(t, customPath, custom)
	retag := func(rulesArg string) map[string]int {
		t.Helper()
		code, out, errs := normtag(t, "retag", "--data", data, "--rules", rulesArg, "--format", "json")
		if code != 0 {
			t.Fatalf("retag --rules %s: exit %d %s", rulesArg, code, errs)
		}
		var sum pipeline.RetagSummary
		if err := json.Unmarshal([]byte(out), &sum); err != nil {
			t.Fatalf("retag output: %v\n%s", err, out)
		}
		got := map[string]int{}
		for _, r := range sum.Watches {
			got[r.Watch] = r.New
		}
		if len(sum.Watches) != 3 {
			t.Fatalf("retag reports %d watches, want 3: %+v", len(sum.Watches), sum.Watches)
		}
		return got
	}
	newMatches := func(name string) []string {
		t.Helper()
		code, out, errs := normtag(t, "watch", "new", "--data", data, "--format", "json", name)
		if code != 0 {
			t.Fatalf("watch new %s: exit %d %s", name, code, errs)
		}
		var res struct{ Matches []watch.Match }
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("watch new %s: %v\n%s", name, err, out)
		}
		var files []string
		for _, m := range res.Matches {
			files = append(files, m.File)
		}
		return files
	}

	want := map[string]int{"gall": 1, "gjoint": 1, "words": 0}
	if got := retag(customPath); !equalCounts(got, want) {
		t.Fatalf("retag with a rule for joint exercises reports %v, want %v", got, want)
	}
	for _, name := range []string{"gall", "gjoint"} {
		if files := newMatches(name); len(files) != 1 || files[0] != "drills.txt" {
			t.Errorf("watch new %s lists %v, want the passage of drills.txt", name, files)
		}
	}
	if files := newMatches("words"); len(files) != 0 {
		t.Errorf("watch new words lists %v: its matches do not depend on tags", files)
	}
	none := map[string]int{"gall": 0, "gjoint": 0, "words": 0}
	if got := retag(customPath); !equalCounts(got, none) {
		t.Errorf("retag with the same rules reports %v", got)
	}
	// Back to the built-in rules: drills.txt loses (g), its match stays;
	// gaining (g) again records nothing new.
	if got := retag("default"); !equalCounts(got, none) {
		t.Errorf("retag losing (g) reports %v", got)
	}
	if files := newMatches("gall"); len(files) != 1 {
		t.Errorf("a passage that lost (g) lost its recorded match: %v", files)
	}
	if got := retag(customPath); !equalCounts(got, none) {
		t.Errorf("gaining (g) again reports %v", got)
	}
}

func equalCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
