package textcut

import "testing"

func TestAbbreviate(t *testing.T) {
	for in, want := range map[string]string{
		"short":                           "short",
		"protect critical infrastructure": "protect critical…",
		"ééééééééééééééééééééé": "ééééééééé…",
	} {
		if got := Abbreviate(in, 19); got != want {
			t.Errorf("Abbreviate(%q) = %q, want %q", in, got, want)
		}
	}
}
