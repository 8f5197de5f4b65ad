package termsafe

import (
	"strings"
	"testing"
	"unicode"
)

func TestLineDropsControlCharacters(t *testing.T) {
	for in, want := range map[string]string{
		"plain title":                             "plain title",
		"red \x1b[31mtitle\x1b[0m":                "red [31mtitle[0m",
		"window \x1b]0;pwned\x07title":            "window ]0;pwnedtitle",
		"two\nlines\tand tab":                     "two lines and tab",
		"over\rwrite":                             "over write",
		"c1 \u009b31m csi":                        "c1 31m csi",
		"del\x7f and nul\x00":                     "del and nul",
		"bidi \u202eevil\u202c and \u2066x\u2069": "bidi evil and x",
		"accents é 日本":                            "accents é 日本",
	} {
		got := Line(in)
		if got != want {
			t.Errorf("Line(%q) = %q, want %q", in, got, want)
		}
		for _, r := range got {
			if unicode.IsControl(r) {
				t.Errorf("Line(%q) kept control character %U", in, r)
			}
		}
	}
}

func TestTextKeepsLineBreaks(t *testing.T) {
	got := Text("first\x1b[2K\nsecond\rthird\ttab")
	if got != "first[2K\nsecond\nthird\ttab" {
		t.Errorf("Text = %q", got)
	}
	if strings.ContainsRune(got, '\x1b') {
		t.Error("ESC kept")
	}
}
