package norms

import (
	"encoding/json"
	"os"
	"reflect"
	"testing"
)

func TestParseList(t *testing.T) {
	for in, want := range map[string][]string{
		"f":       {"f"},
		"f,g":     {"f", "g"},
		"6 7":     {"f", "g"},
		"G, 11":   {"g", "k"},
		"a,a,b":   {"a", "b"},
		"13(f)":   nil,
		"z":       nil,
		"12":      nil,
		"f,,g , ": {"f", "g"},
	} {
		got, err := ParseList(in)
		if want == nil {
			if err == nil {
				t.Errorf("ParseList(%q) = %v, want an error", in, got)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("ParseList(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
}

// The official texts must match the reference copy in ../shared when it
// is available.
func TestTextsMatchReference(t *testing.T) {
	raw, err := os.ReadFile("../../../shared/norms/gge2015.json")
	if err != nil {
		t.Skip("../shared/norms/gge2015.json is absent; skipping the comparison with the reference texts")
	}
	var ref any
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	texts := map[string]string{}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			l, _ := x["letter"].(string)
			txt, _ := x["text"].(string)
			if l != "" && txt != "" {
				texts[l] = txt
			}
			for _, c := range x {
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(ref)
	if len(texts) != 11 {
		t.Fatalf("reference has %d norm texts", len(texts))
	}
	for _, n := range All {
		if texts[n.Letter] != n.Text {
			t.Errorf("norm (%s) text differs from the reference:\n ours %q\n ref  %q", n.Letter, n.Text, texts[n.Letter])
		}
	}
}
