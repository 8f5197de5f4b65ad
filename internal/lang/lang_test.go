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
