package textfold

import "testing"

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"cybersécurité":     "cybersecurite",
		"CYBERSÉCURITÉ":     "cybersecurite",
		"Straße":            "strasse",
		"Œuvre":             "oeuvre",
		"Łódź":              "lodz",
		"São Tomé":          "sao tome",
		"plain":             "plain",
		"Plain ASCII":       "plain ascii",
		"ciberseguridad":    "ciberseguridad",
		"e\u0301tat":        "etat", // already decomposed
		"Кибербезопасность": "кибербезопасность",
		"":                  "",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}
