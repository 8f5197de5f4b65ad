package textcut

import (
	"strings"
	"testing"
	"unicode/utf8"
)

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

func TestRunesCutsAtRuneCountWithEllipsis(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"eleven runes", 10, "eleven ru…"},
		{"ééééééééééé", 10, "ééééééééé…"}, // 11 runes, 22 bytes
		{"éééééééééé", 10, "éééééééééé"},  // 10 runes, 20 bytes: kept whole
		{"abc", 0, ""},
		{"日本語のタイトル", 4, "日本語…"},
	} {
		got := Runes(c.in, c.n)
		if got != c.want {
			t.Errorf("Runes(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
		if n := utf8.RuneCountInString(got); n > c.n {
			t.Errorf("Runes(%q, %d) has %d runes", c.in, c.n, n)
		}
	}
	big := strings.Repeat("x", 1<<20)
	if got := Runes(big, 1000); utf8.RuneCountInString(got) != 1000 || !strings.HasSuffix(got, "…") {
		t.Errorf("a megabyte cut to 1000 runes: %d runes", utf8.RuneCountInString(got))
	}
}
