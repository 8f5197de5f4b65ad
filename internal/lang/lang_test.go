package lang

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

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
	if Known("de") || Index("xx") != -1 || Index(Spanish) != 2 || Index(Chinese) != 5 || Script('ж') != Index(Russian) || Script('ز') != Index(Arabic) || Script('网') != Index(Chinese) || Script('é') != -1 {
		t.Error("Known/Index")
	}
}

func TestDetectByScript(t *testing.T) {
	for _, tc := range []struct{ text, hint, want string }{
		{"ينبغي للدول أن تتخذ التدابير المناسبة لحماية بنيتها التحتية الحيوية من تهديدات تكنولوجيا المعلومات والاتصالات.", "", Arabic},
		{"Государствам следует принимать надлежащие меры для защиты своей критически важной инфраструктуры от угроз в сфере ИКТ.", "", Russian},
		{"各国应采取适当措施，保护本国关键基础设施免受信通技术威胁。", "", Chinese},
		{"各國應採取適當措施，保護本國關鍵基礎設施。", "", Chinese}, // traditional characters
		{"Россия и ЕС: the Russian Federation and the European Union discussed the report of the group.", "", English},
		{"CERT", Arabic, Arabic}, // too short: the document's language
		{"الفريق CERT-EU و ENISA و ICT", "", Arabic},
	} {
		if got := Detect(tc.text, tc.hint); got != tc.want {
			t.Errorf("Detect(%q, %q) = %s, want %s", tc.text, tc.hint, got, tc.want)
		}
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"ru-RU": Russian, "AR": Arabic, "zh-Hans": Chinese, "zh_TW": Chinese, "Russian": Russian,
		"en": English, "fr-CA": French, "de": "", "": "",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

// referenceDetect is Detect as first written, rune by rune; Detect
// reads ASCII a byte at a time and must decide alike.
func referenceDetect(text, hint string) string {
	var c Counts
	var s ScriptBytes
	var word []rune
	flush := func() {
		if len(word) > 0 && len(word) <= 7 {
			c.AddWord(string(word))
		}
		word = word[:0]
	}
	for _, r := range text {
		if r >= 0x400 {
			s.Add(r, utf8.RuneLen(r))
		}
		if !unicode.IsLetter(r) {
			flush()
			continue
		}
		word = append(word, unicode.ToLower(r))
	}
	flush()
	return Decide(s, len(text), c, hint)
}

func TestDetectMatchesReference(t *testing.T) {
	var texts []string
	for _, pattern := range []string{"../../pipeline/tag/testdata/*.jsonl", "../../testdata/renderings/*.txt", "../../internal/scanpdf/testdata/src/*.txt"} {
		files, _ := filepath.Glob(pattern)
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			texts = append(texts, strings.Split(string(data), "\n")...)
		}
	}
	if len(texts) < 1000 {
		t.Fatalf("only %d texts found", len(texts))
	}
	// Words at the edges: function words in any case, ones that lower
	// to ASCII from elsewhere (İ, the Kelvin sign), long words, other
	// scripts, digits, invalid bytes.
	pieces := []string{"the", "THE", "The", "and", "of", "les", "LES", "des", "y", "el", "los", "İt", "\u212Aey", "ıt", "theory", "abcdefg", "abcdefgh",
		"États", "sécurité", "Россия", "и", "السيبراني", "في", "网络", "安全", "2015", "A/70/174", "\xff", "\xe2\x82", "\uFFFD", "Ⅻ", "ǅ"}
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 5000; i++ {
		var b strings.Builder
		for n := r.IntN(20); n >= 0; n-- {
			b.WriteString(pieces[r.IntN(len(pieces))])
			b.WriteString([]string{" ", "", ", ", "-", "\n"}[r.IntN(5)])
		}
		texts = append(texts, b.String())
	}
	langs := map[string]int{}
	for _, text := range texts {
		for _, hint := range []string{"", Arabic} {
			got, want := Detect(text, hint), referenceDetect(text, hint)
			if got != want {
				t.Fatalf("Detect(%q, %q) = %s, want %s", text, hint, got, want)
			}
			langs[got]++
		}
	}
	if len(langs) < len(Languages) {
		t.Fatalf("texts in only %d languages: %v", len(langs), langs)
	}
}
