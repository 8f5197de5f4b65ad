package main

import (
	"encoding/csv"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The Estavia paper as a LibreOffice PDF and as text: citations give a
// PDF passage's pages (pp. 6–7 over a page break) and heading path, and
// say a text file has no pages; report counts body and heading passages
// unless --kinds asks for more (its endnotes add (k) only with notes);
// an unknown kind is a usage error naming it.
func TestKindsCitationsAndCounts(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	dir := "../../testdata/renderings"
	mustRun(t, "ingest", "--data", data, "--quiet", filepath.Join(dir, "estavia-libreoffice.pdf"), filepath.Join(dir, "estavia.txt"))

	out := mustRun(t, "search", "--data", data, "--no-collapse", `"legal certainty to researchers acting in good faith"`)
	if !strings.Contains(out, "estavia-libreoffice.pdf, pp. 6–7, passage") || !strings.Contains(out, "estavia.txt (no pages), passage") ||
		!strings.Contains(out, "(Norm 10 (paragraph 13 (j)) – States should encourage responsible reporting") {
		t.Errorf("citations lack pages, the text file's pagelessness or the heading path:\n%s", out)
	}

	k := func(args ...string) map[string]int {
		t.Helper()
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(mustRun(t, append([]string{"report", "--data", data, "--kind", "coverage"}, args...)...), "\ufeff"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		col := -1
		for i, h := range rows[0] {
			if h == "k" {
				col = i
			}
		}
		counts := map[string]int{}
		for _, r := range rows[1:] {
			counts[r[2]], _ = strconv.Atoi(r[col])
		}
		return counts
	}
	def, all := k(), k("--kinds", "all")
	if def["estavia-libreoffice.pdf"] != def["estavia.txt"] || def["estavia.txt"] == 0 {
		t.Errorf("(k) in body and headings: %v, want the same count for both renderings", def)
	}
	for f, n := range def {
		if all[f] <= n {
			t.Errorf("%s: (k) in %d passages of all kinds, %d in body and headings; its notes carry (k) too", f, all[f], n)
		}
	}
	code, _, errs := normtag(t, "stats", "--data", data, "--kinds", "body,gossip")
	if code != 2 || !strings.Contains(errs, `"gossip"`) {
		t.Errorf("stats --kinds gossip: exit %d, %s", code, errs)
	}
	if st := mustRun(t, "stats", "--data", data); !strings.Contains(st, "counting body, heading passages") {
		t.Errorf("stats does not say what it counts:\n%s", st)
	}
}
