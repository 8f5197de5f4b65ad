package lang

import "testing"

func TestDetect(t *testing.T) {
	for _, tc := range []struct{ text, hint, want string }{
		{"States should cooperate to increase stability and security in the use of ICTs.", "", English},
		{"Les États doivent coopérer pour accroître la stabilité et la sécurité dans l'utilisation des TIC.", "", French},
		{"Los Estados deben cooperar para aumentar la estabilidad y la seguridad en el uso de las TIC.", "", Spanish},
		{"Appel de Paris", "fr", French},         // too short: the hint decides
		{"Critical infrastructure", "", English}, // too short, no hint: English
		{"", "es", Spanish},
		{"LE RESPECT DES DROITS ET DES LIBERTÉS EST ESSENTIEL POUR LA CONFIANCE", "", French},
	} {
		if got := Detect(tc.text, tc.hint); got != tc.want {
			t.Errorf("Detect(%q, %q) = %s, want %s", tc.text, tc.hint, got, tc.want)
		}
	}
}

func TestFunctionWordsAreFoldedAndDistinct(t *testing.T) {
	for w, l := range FunctionWords() {
		if !Known(l) {
			t.Errorf("%q: unknown language %q", w, l)
		}
		for _, r := range w {
			if r < 'a' || r > 'z' {
				t.Errorf("%q is not lowercase ASCII: the tagger matches folded text", w)
			}
		}
	}
	if Known("de") || Index("xx") != -1 || Index(Spanish) != 2 {
		t.Error("Known/Index")
	}
}
