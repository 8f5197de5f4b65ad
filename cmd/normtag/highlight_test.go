package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/normtag/normtag/index"
)

// TestSearchJSONHighlightsAreOffsets: search --format json gives each
// snippet as plain text, without a control character, and its matches as
// byte offsets that cut out the searched words; the text output draws
// the same matches between « and ».
func TestSearchJSONHighlightsAreOffsets(t *testing.T) {
	src, data := t.TempDir(), filepath.Join(t.TempDir(), "data")
	write(t, filepath.Join(src, "a.txt"), "Statement\n\nStates should protect their critical infrastructure from ICT threats, and the critical infrastructure of others.\n")
	if code, out, errs := normtag(t, "ingest", "--data", data, "--quiet", src); code != 0 {
		t.Fatalf("ingest: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs := normtag(t, "search", "--data", data, "--format", "json", "critical")
	if code != 0 {
		t.Fatalf("search: exit %d: %s", code, errs)
	}
	for _, r := range out {
		if unicode.IsControl(r) && r != '\n' {
			t.Fatalf("JSON output holds %U:\n%s", r, out)
		}
	}
	if strings.Contains(out, `\u000`) {
		t.Fatalf("JSON output escapes a control character:\n%s", out)
	}
	var res index.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil || len(res.Hits) != 1 {
		t.Fatalf("%v: %s", err, out)
	}
	h := res.Hits[0]
	if len(h.Highlights) != 2 {
		t.Fatalf("snippet %q: highlights %v, want the two occurrences of critical", h.Snippet, h.Highlights)
	}
	for _, span := range h.Highlights {
		if span[0] < 0 || span[1] > len(h.Snippet) || span[0] >= span[1] || h.Snippet[span[0]:span[1]] != "critical" {
			t.Errorf("highlight %v of %q is not the word critical", span, h.Snippet)
		}
	}
	_, text, _ := normtag(t, "search", "--data", data, "critical")
	if strings.Count(text, "«critical»") != 2 {
		t.Errorf("text output does not mark both matches:\n%s", text)
	}
}
