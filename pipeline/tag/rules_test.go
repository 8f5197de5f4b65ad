package tag

import (
	"slices"
	"strings"
	"testing"
)

func TestExpandPhrase(t *testing.T) {
	for _, tc := range []struct {
		phrase string
		want   []string
		prefix bool
	}{
		{"supply chain(s)", []string{"supply chain", "supply chains"}, false},
		{"cyber-security", []string{"cyber security", "cybersecurity"}, false},
		{"responsible behavio(u)r", []string{"responsible behavior", "responsible behaviour"}, false},
		{"vulnerabilit*", []string{"vulnerabilit"}, true},
		{"Sécurité  ", []string{"securite"}, false},
		{"CERT(s)", []string{"cert", "certs"}, false},
	} {
		got, prefix, err := expandPhrase(tc.phrase)
		if err != nil {
			t.Errorf("%q: %v", tc.phrase, err)
			continue
		}
		slices.Sort(got)
		if !slices.Equal(got, tc.want) || prefix != tc.prefix {
			t.Errorf("%q: %q prefix=%v, want %q prefix=%v", tc.phrase, got, prefix, tc.want, tc.prefix)
		}
	}
	got, _, _ := expandPhrase("protect* critical infrastructure")
	for _, want := range []string{"protect critical infrastructure", "protection critical infrastructure", "protecting critical infrastructure"} {
		if !slices.Contains(got, want) {
			t.Errorf("protect*: %q missing from %q", want, got)
		}
	}
	for _, bad := range []string{"", "  ", "a*b", "---", strings.Repeat("x(s) ", 12)} {
		if _, _, err := expandPhrase(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// customRules exercises every part of the rule language on one norm.
const customRules = `
threshold: 0.5
norms:
  g:
    - name: near
      weight: 0.7
      all:
        - ["hospital(s)"]
        - ["backup*", "resilien*"]
      within: 5
      not: ["wing"]
      examples:
        match: ["Every hospital keeps offline backups."]
        no_match: ["The hospital wing has backups."]
    - name: weak
      weight: 0.3
      any: ["grid"]
      examples:
        match: ["the grid"]
`

func TestRuleLanguage(t *testing.T) {
	tg, err := Load([]byte(customRules))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		text, want string
		score      float64
	}{
		{"Every hospital keeps offline backups.", "g", 0.7},
		{"Backups are kept by every hospital.", "g", 0.7}, // order does not matter
		{"The hospital, which was built in 1902 by the city council, keeps backups.", "", 0},
		{"The hospital wing keeps backups.", "", 0}, // `not` vetoes
		{"The grid.", "", 0},                        // 0.3 < threshold
		{"The hospital's grid backups.", "g", 0.79}, // 1 - 0.3*0.7
		{"HOSPITALS are RESILIENT.", "g", 0.7},
		{"Hospitality and backups.", "", 0}, // word boundary
	} {
		tags := tg.TagText(tc.text)
		if got := letters(tags); got != tc.want {
			t.Errorf("%q: tags %q, want %q", tc.text, got, tc.want)
			continue
		}
		if len(tags) > 0 && tags[0].Score != tc.score {
			t.Errorf("%q: score %v, want %v", tc.text, tags[0].Score, tc.score)
		}
	}
}

// TestWithThreshold: the threshold is fixed when the tagger is built, and a
// tagger built with a lower one tags what the default tagger does not,
// while the first tagger keeps its own.
func TestWithThreshold(t *testing.T) {
	strict, err := Load([]byte(customRules))
	if err != nil {
		t.Fatal(err)
	}
	lax, err := Load([]byte(customRules), WithThreshold(0.2))
	if err != nil {
		t.Fatal(err)
	}
	if got := letters(lax.TagText("The grid.")); got != "g" {
		t.Errorf("WithThreshold(0.2): %q, want g", got)
	}
	if got := letters(strict.TagText("The grid.")); got != "" {
		t.Errorf("default threshold tagged %q after another tagger was built lower", got)
	}
	if strict.Threshold() != 0.5 || lax.Threshold() != 0.2 {
		t.Errorf("thresholds %v, %v; want 0.5, 0.2", strict.Threshold(), lax.Threshold())
	}
	for _, bad := range []float64{-0.1, 1.5} {
		if _, err := Load([]byte(customRules), WithThreshold(bad)); err == nil {
			t.Errorf("WithThreshold(%v) accepted", bad)
		}
	}
}

func TestLintFindsProblems(t *testing.T) {
	tg, err := Load([]byte(`
norms:
  a:
    - name: dead
      weight: 0.5
      any: ["peace"]
      examples: {match: ["war"]}
    - name: noex
      weight: 0.5
      any: ["stability"]
    - name: dup
      weight: 0.5
      any: ["peace", "peace and security"]
      examples: {match: ["peace"]}
`))
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(tg.Lint(), "\n")
	for _, want := range []string{"a.dead never fires", "a.noex has no `match` examples", `"peace" appears in both a.dead and a.dup`, `"peace and security" is shadowed`} {
		if !strings.Contains(got, want) {
			t.Errorf("lint output lacks %q:\n%s", want, got)
		}
	}
	fails, n := tg.TestExamples()
	if n != 2 || len(fails) != 1 || fails[0].Rule != "a.dead" {
		t.Errorf("TestExamples: %d examples, failures %v", n, fails)
	}
}

func TestLanguageChoosesRules(t *testing.T) {
	tg := mustDefault(t)
	for _, tc := range []struct{ text, lang, norm string }{
		{"Los Estados deben proteger sus infraestructuras críticas contra las amenazas.", "es", "g"},
		{"Les États doivent protéger les infrastructures critiques contre les menaces.", "fr", "g"},
		{"States must protect their critical infrastructure against the ICT threats that are growing.", "en", "g"},
		{"Infraestructuras críticas", "", "g"}, // too short to tell: every rule set applies
	} {
		ex := tg.Explain(tc.text)
		if ex.Lang != tc.lang {
			t.Errorf("%q: language %s, want %s", tc.text, ex.Lang, tc.lang)
		}
		if len(ex.Norms) == 0 || ex.Norms[0].Norm != tc.norm {
			t.Errorf("%q: %+v", tc.text, ex.Norms)
			continue
		}
		for _, r := range ex.Norms[0].Rules {
			if tc.lang != "en" && tc.lang != "" && !strings.Contains(r.Rule, tc.lang+"-") {
				t.Errorf("%q: rule %s fired outside its language", tc.text, r.Rule)
			}
		}
	}
}

func TestQuotesOfTheOfficialText(t *testing.T) {
	tg := mustDefault(t)
	text := "We agree that states should not use authorized emergency response teams to engage in malicious international activity."
	tags := tg.TagText(text)
	if len(tags) == 0 || tags[0].Norm != "k" {
		t.Fatalf("quote of (k): tags %q", letters(tags))
	}
	found := false
	for _, e := range tags[0].Evidence {
		if e.Rule == "quote" {
			found = true
			if text[e.Start:e.End] != e.Match || !strings.Contains(e.Match, "authorized emergency response teams to engage in malicious") {
				t.Errorf("quote evidence %+v", e)
			}
		}
	}
	if !found {
		t.Errorf("no quote evidence: %+v", tags[0].Evidence)
	}
	// Stock UN phrases shared by many documents are not quotes of a norm.
	if got := letters(tg.TagText("Consistent with the purposes of the United Nations, the Assembly met.")); got != "" {
		t.Errorf("stock phrase tagged %q", got)
	}
	off, err := Load([]byte("quote_weight: -1\n" + customRules))
	if err != nil {
		t.Fatal(err)
	}
	if got := letters(off.TagText(text)); got != "" {
		t.Errorf("quote_weight -1 still tags quotes: %q", got)
	}
}
