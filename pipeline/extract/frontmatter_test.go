package extract

import (
	"context"
	"strings"
	"testing"
)

// TestFrontMatterThroughYAML: values the old line parser got wrong (block
// scalars, lists of authors, quoted keys, a colon inside a value) are read
// as YAML reads them.
func TestFrontMatterThroughYAML(t *testing.T) {
	src := "---\ntitle: >-\n  Ostmark position\n  on norm (j)\nauthor:\n  - Ostmark Cyber Office\n  - Ministry of Foreign Affairs\n\"date\": '2024-05-06'\ndescription: \"Answers: all of them\"\nextra:\n  nested: {title: wrong}\n---\n\n# Disclosure\n\nText.\n"
	d, err := Bytes(context.Background(), "fm.md", []byte(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"author": "Ostmark Cyber Office; Ministry of Foreign Affairs", "date": "2024-05-06", "description": "Answers: all of them"}
	for k, v := range want {
		if d.Meta[k] != v {
			t.Errorf("meta %s = %q, want %q", k, d.Meta[k], v)
		}
	}
	if d.Title != "Ostmark position on norm (j)" {
		t.Errorf("title %q", d.Title)
	}
	if text := allText(d); strings.Contains(text, "nested") || !strings.Contains(text, "Text.") {
		t.Errorf("text %q", text)
	}
}

// TestMalformedFrontMatterStaysText: a header that is not a YAML mapping
// neither fails the document nor loses its words; it is read as text.
func TestMalformedFrontMatterStaysText(t *testing.T) {
	for name, tc := range map[string]struct{ header, word string }{
		"bad yaml":        {"title: [unclosed\nauthor: \"Ostmark", "unclosed"},
		"not a mapping":   {"A paragraph between two rules.", "between"},
		"tab indentation": {"title: x\n\tauthor: Ostmark", "Ostmark"},
	} {
		src := "---\n" + tc.header + "\n---\n\nBody paragraph.\n"
		d, err := Bytes(context.Background(), "fm.md", []byte(src), Options{})
		if err != nil {
			t.Errorf("%s: document failed: %v", name, err)
			continue
		}
		text := allText(d)
		if !strings.Contains(text, "Body paragraph.") || !strings.Contains(text, tc.word) {
			t.Errorf("%s: text %q lost the header or the body", name, text)
		}
		if d.Meta["author"] != "" {
			t.Errorf("%s: author %q read from a malformed header", name, d.Meta["author"])
		}
	}
}
