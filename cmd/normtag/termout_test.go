package main

import (
	"strings"
	"testing"
	"unicode"

	"github.com/normtag/normtag/index"
)

// TestSearchTextOutputDropsControlCharacters prints a hit whose title,
// submitter, file name, snippet and facet carry escape sequences and a
// bidi override: the text output holds none of them, the highlight stays.
func TestSearchTextOutputDropsControlCharacters(t *testing.T) {
	evil := "\x1b]0;owned\x07\x1b[2J\u202e\r"
	res := &index.Result{Total: 1, Hits: []index.Hit{{Title: "T" + evil, Submitter: "S" + evil, File: "f" + evil + ".md", Page: 1,
		Snippet: "before " + evil + "match" + evil + " after", Highlights: [][2]int{{7 + len(evil), 7 + 2*len(evil) + 5}}}},
		Facets: map[string][]index.FacetCount{index.FieldSubmitter: {{Value: "S" + evil, Count: 1}}}}
	var b strings.Builder
	printHits(&b, res, index.Request{}, false)
	out := b.String()
	for _, r := range out {
		if r != '\n' && (unicode.IsControl(r) || r == '\u202e') {
			t.Fatalf("output holds %U:\n%q", r, out)
		}
	}
	if !strings.Contains(out, "«match]0;owned[2J »") {
		t.Errorf("highlight lost:\n%s", out)
	}
}
