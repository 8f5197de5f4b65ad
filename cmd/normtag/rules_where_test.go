package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestRulesLintAndTestNameFileAndLine: a rules file of three YAML
// documents, with a rule lacking examples in the second and one whose
// example fails in the third: lint and test name the file and the line
// of each rule in it, and a YAML mistake in the third document is
// reported at its line in the file.
func TestRulesLintAndTestNameFileAndLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "multi.yaml")
	write(t, path, `threshold: 0.5
norms:
  a:
    - name: first
      lang: en
      weight: 0.9
      any: ["cooperation"]
      examples:
        match: ["We value cooperation."]
---
# second document
norms:
  b:
    - name: second
      lang: en
      weight: 0.9
      any: ["attribution"]
---
norms:
  c:
    - name: third
      lang: en
      weight: 0.9
      any: ["territory"]
      examples:
        match: ["nothing here"]
`)
	code, out, _ := normtag(t, "rules", "lint", "--rules", path)
	for _, want := range []string{path + ": line 14: b.second has no `match` examples", path + ": line 21: c.third never fires on its examples"} {
		if !strings.Contains(out, want+"\n") {
			t.Errorf("rules lint (exit %d) lacks %q:\n%s", code, want, out)
		}
	}
	code, out, _ = normtag(t, "rules", "test", "--rules", path)
	if want := "FAIL " + path + `: line 21: c.third: does not fire on its example "nothing here"`; code == 0 || !strings.Contains(out, want+"\n") {
		t.Errorf("rules test (exit %d) lacks %q:\n%s", code, want, out)
	}

	write(t, path, "norms: {}\n---\nnorms: {}\n---\nnorms:\n  c:\n    - name: x\n      weight: 0.9\n      colour: blue\n")
	code, _, errs := normtag(t, "rules", "lint", "--rules", path)
	if code == 0 || !strings.Contains(errs, "line 9: field colour") || !strings.Contains(errs, "document at line 5") {
		t.Errorf("rules lint of a file with an unknown field on line 9: exit %d\n%s", code, errs)
	}
}
