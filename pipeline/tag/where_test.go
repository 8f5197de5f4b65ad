package tag

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/normtag/normtag/rules"
)

// TestRuleLocationsNameTheirFileAndLine checks where every built-in rule
// is said to be (the place lint and load errors print) against the rules
// folder itself: the file named must hold, at the line given, the rule's
// `- name:` line, also for rules in a later YAML document of a language
// file (ar.yaml has several).
func TestRuleLocationsNameTheirFileAndLine(t *testing.T) {
	files := map[string][]string{}
	for _, name := range append([]string{"default.yaml"}, languageFiles()...) {
		b, err := os.ReadFile(filepath.Join("../../rules", name))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = strings.Split(string(b), "\n")
	}
	tg := mustDefault(t)
	later := 0
	for _, r := range tg.rules {
		file, line := r.file, r.line()
		lines, ok := files[file]
		if !ok || line < 1 || line > len(lines) {
			t.Errorf("%s is said to be at %s", r.full, r.at())
			continue
		}
		if got := strings.TrimSpace(lines[line-1]); got != "- name: "+r.Name {
			t.Errorf("%s is said to be at %s, which reads %q", r.full, r.at(), got)
		}
		if docsBefore(lines[:line]) > 0 {
			later++
		}
	}
	if later == 0 {
		t.Error("no built-in rule sits in a later YAML document of its file: the test checks nothing it was written for")
	}
}

func languageFiles() []string {
	var names []string
	for _, l := range rules.Languages {
		names = append(names, l.Name)
	}
	return names
}

// docsBefore counts the "---" lines among lines.
func docsBefore(lines []string) int {
	n := 0
	for _, l := range lines {
		if strings.TrimRight(l, "\r") == "---" {
			n++
		}
	}
	return n
}

// TestYAMLErrorsInALaterDocumentNameTheFileLine: the decoder's own line
// numbers count the file's lines, not the document's.
func TestYAMLErrorsInALaterDocumentNameTheFileLine(t *testing.T) {
	data := "threshold: 0.5\nnorms: {}\n---\n# rules only\nnorms:\n  g:\n    - name: x\n      weight: 0.9\n      colour: blue\n"
	_, err := Load([]byte(data))
	if err == nil || !strings.Contains(err.Error(), "line 9") || !strings.Contains(err.Error(), "document at line 4") {
		t.Fatalf("unknown field on line 9 of a second document: error %v, want it to name line 9 of the file and the document at line 4", err)
	}
	data = "threshold: 0.5\nnorms: {}\n---\nnorms:\n  g:\n    - name: x\n      weight: 0.9\n      any: [a]\n      yield_to: [g.nothing]\n"
	_, err = Load([]byte(data))
	if want := fmt.Sprintf("line %d: rule g.x: yield_to", 6); err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("yield_to to no rule: error %v, want %q", err, want)
	}
}
