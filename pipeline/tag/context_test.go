package tag

import (
	"strings"
	"testing"

	"github.com/normtag/normtag/corpus"
)

// contextRules exercises ICT context and yields on a few small rules.
const contextRules = `
context:
  window: 5
  phrases:
    en: ["cyber*", "software"]
  weak:
    en: ["incident(s)"]
norms:
  e:
    - name: privacy
      lang: en
      weight: 0.6
      context: near
      any: ["privacy"]
      examples: {match: ["privacy"]}
    - name: rights
      lang: en
      weight: 0.6
      any: ["human rights"]
      examples: {match: ["human rights"]}
  j:
    - name: disclosure
      lang: en
      weight: 0.9
      context: own
      any: ["bug bounty"]
      examples: {match: ["bug bounty"]}
    - name: patches
      lang: en
      weight: 0.6
      context: near
      any: ["patches"]
      examples: {match: ["patches"]}
  g:
    - name: protect
      lang: en
      weight: 0.6
      context: none
      all: [["protect*"], ["grid(s)"]]
      within: 3
      yield_to: [f.attack]
      examples: {match: ["protect the grid"]}
  f:
    - name: attack
      lang: en
      weight: 0.8
      context: none
      all: [["attack*"], ["grid(s)"]]
      within: 3
      examples: {match: ["attacks on the grid"]}
`

func TestContextGatesThemeWords(t *testing.T) {
	tg, err := Load([]byte(contextRules))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ text, want string }{
		// near: a context word within the window, or nothing.
		{"Privacy of cyber users matters.", "e"},
		{"Privacy matters to every hotel guest.", ""},
		{"Privacy matters to every hotel guest and to everyone who ever used any software.", ""},
		// passage: any context in the passage, weak words included.
		{"Human rights matter and the software industry agrees.", "e"},
		{"Human rights matter after every incident.", "e"},
		{"Human rights matter.", ""},
		// a weak word is not context for a near rule.
		{"Privacy after the incident matters.", ""},
		// own: tags alone and is context for the others.
		{"Our bug bounty pays for patches.", "j"},
		{"Patches to the compiler were merged.", ""},
		// none: never gated; yield: protecting gives way to attacking.
		{"We protect the grid.", "g"},
		{"We protect the grid against attacks on the grid.", "f"},
		// an explicit reference puts the passage in the field.
		{"Under norm 5, privacy matters to every hotel guest.", "e"},
	} {
		if got := letters(tg.TagText(tc.text)); got != tc.want {
			t.Errorf("%q: tags %q, want %q", tc.text, got, tc.want)
		}
	}
}

// TestHeadingGivesContext checks that a heading that speaks of ICTs gives
// context to the passages under it, until a heading of its level.
func TestHeadingGivesContext(t *testing.T) {
	tg, err := Load([]byte(contextRules))
	if err != nil {
		t.Fatal(err)
	}
	ps := []corpus.Passage{
		{Seq: 0, Heading: true, Level: 1, Text: "Cyber policy"},
		{Seq: 1, Text: "Privacy matters to every hotel guest."},
		{Seq: 2, Heading: true, Level: 1, Text: "Hotels"},
		{Seq: 3, Text: "Privacy matters to every hotel guest."},
	}
	tg.Tag(ps)
	if got := letters(ps[1].Tags); got != "e" {
		t.Errorf("under a cyber heading: tags %q, want e", got)
	}
	if got := letters(ps[3].Tags); got != "" {
		t.Errorf("under a hotel heading: tags %q, want none", got)
	}
}

func TestExplainSaysWhyARuleDoesNotCount(t *testing.T) {
	tg, err := Load([]byte(contextRules))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	tg.Explain("Privacy matters to every hotel guest.").WriteText(&b)
	if !strings.Contains(b.String(), "e.privacy") || !strings.Contains(b.String(), "not counted: no ICT context within 5 words") {
		t.Errorf("explanation:\n%s", b.String())
	}
	b.Reset()
	tg.Explain("We protect the grid against attacks on the grid.").WriteText(&b)
	if !strings.Contains(b.String(), "not counted: yields to f.attack") {
		t.Errorf("explanation:\n%s", b.String())
	}
}

func TestContextRulesAreChecked(t *testing.T) {
	for _, bad := range []string{
		"norms:\n  g:\n    - name: x\n      weight: 0.9\n      context: sometimes\n      any: [grid]\n",
		"norms:\n  g:\n    - name: x\n      weight: 0.9\n      yield_to: [f.nothing]\n      any: [grid]\n",
		"norms:\n  g:\n    - name: x\n      weight: 0.9\n      yield_to: [g.x]\n      any: [grid]\n",
		"context:\n  phrases:\n    xx: [cyber]\nnorms:\n  g:\n    - name: x\n      weight: 0.9\n      any: [grid]\n",
	} {
		if _, err := Load([]byte(bad)); err == nil {
			t.Errorf("no error for\n%s", bad)
		}
	}
}

// TestContextLanguageFiles checks what a further rules document may bring:
// context phrases of its own language, which gate its rules as English
// ones are gated, an Arabic one found after a clitic too; and that the
// window counts a Chinese character as half a word, as Chinese words are
// mostly of two characters.
func TestContextLanguageFiles(t *testing.T) {
	const rulesText = `
context:
  window: 15
  phrases:
    en: ["cyber*"]
norms:
  j:
    - name: en-vulnerability
      lang: en
      weight: 0.6
      context: near
      any: ["vulnerability"]
      examples: {match: ["vulnerability"]}
---
context:
  phrases:
    zh: ["网络"]
    ar: ["الإنترنت"]
norms:
  j:
    - name: zh-vulnerability
      lang: zh
      weight: 0.6
      context: near
      any: ["漏洞"]
      examples: {match: ["漏洞"]}
    - name: ar-vulnerability
      lang: ar
      weight: 0.6
      any: ["الثغرات"]
      examples: {match: ["الثغرات"]}
`
	tg, err := Load([]byte(rulesText))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		text string
		want bool
	}{
		{"新法弥补了税法的漏洞。", false},                // no context: a loophole
		{"网络运营者应及时修复漏洞。", true},               // context near
		{"网络运营者今年发布了多项新的工作规定，并及时修复漏洞。", true}, // 24 characters apart: about 12 words
		{"网络运营者今年发布了多项新的工作规定和管理办法，要求各级单位加强日常管理，并及时修复漏洞。", false}, // 44 characters: about 22 words, too far
		{"سد القانون الثغرات الضريبية.", false},
		{"عالجنا الثغرات المرتبطة بالإنترنت.", true}, // بالإنترنت: clitic ب
	} {
		got := len(tg.TagText(c.text)) > 0
		if got != c.want {
			t.Errorf("%q: tagged %v, want %v", c.text, got, c.want)
		}
	}
	// A later document may not change settings.
	if _, err := Load([]byte(rulesText + "\n---\ncontext:\n  window: 3\n")); err == nil {
		t.Error("a later document set the window")
	}
}
