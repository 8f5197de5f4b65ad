package tag

import (
	"slices"
	"strings"
	"testing"

	"github.com/normtag/normtag/rules"
)

// TestExplicitReferencesUNLanguages checks references written in Russian,
// Arabic and Chinese: norm numbers and letters, paragraph 13 forms,
// ordinal words, Arabic-Indic and full-width digits, Arabic letters in
// abjad order.
func TestExplicitReferencesUNLanguages(t *testing.T) {
	tg := mustDefault(t)
	for text, want := range map[string]string{
		// Russian
		"Норма (f) запрещает такие действия.":                         "f",
		"Мы выполняем норму 6 в полном объёме.":                       "f",
		"Согласно пункту 13(g) доклада государства защищают объекты.": "g",
		"В пункте 13 (j) говорится об уязвимостях.":                   "j",
		"Нормы (e), (f) и (h) тесно связаны.":                         "e,f,h",
		"Седьмая норма касается критической инфраструктуры.":          "g",
		"В соответствии с одиннадцатой нормой группы защищены.":       "k",
		"Как сказано в подпункте (b) пункта 13, нужно учитывать всё.": "b",
		"Нормы 1–11 носят добровольный характер.":                     "a,b,c,d,e,f,g,h,i,j,k",
		"Норма права должна соблюдаться.":                             "",
		"Пункт 13 повестки дня был отложен.":                          "",
		"В 2013 году 13 делегаций выступили.":                         "",
		"Третья норма требует сотрудничества.":                        "c",
		"Пятую норму соблюдают все.":                                  "e",
		// Cyrillic letters enumerate too: а б в г д е ж з и к л
		"В соответствии с нормой 13(ж) государства защищают объекты.": "g",
		"Нормы (е) и (з) тесно связаны.":                              "f,h",
		"Как сказано в подпункте (к) пункта 13, нужно сообщать.":      "j",
		"Мы выполняем пункт 13 и 14 решения.":                         "",
		// Arabic
		"تنص القاعدة ٧ على حماية البنية التحتية.":          "g",
		"وفقا للقاعدة (ز) تحمي الدول بنيتها التحتية.":      "g",
		"تتناول الفقرة 13 (ز) من التقرير الحماية.":         "g",
		"تتناول الفقرة ١٣ (ي) الإبلاغ عن مواطن الضعف.":     "j",
		"القاعدة (هـ) تتعلق بحقوق الإنسان.":                "e",
		"القواعد (هـ) و(و) و(ح) مترابطة.":                  "e,f,h",
		"المعياران (و) و(ز) متكاملان.":                     "f,g",
		"القاعدة السابعة تتعلق بالبنية التحتية الحيوية.":   "g",
		"نؤيد تنفيذ القاعدة الحادية عشرة بالكامل.":         "k",
		"انظر الفقرة الفرعية (ك) من الفقرة 13 من التقرير.": "k",
		"القاعدة (أ) تدعو إلى التعاون.":                    "a",
		"القاعدة ۷ مهمة.":                                  "g", // Eastern Arabic-Indic digit
		"نؤيد المعيار رقم ٧ تأييدا تاما.":                  "g",
		"تتناول القاعدة رقم 11 أفرقة الاستجابة.":           "k",
		"ينص البند (ز) من الفقرة ١٣ على الحماية.":          "g",
		"البندان (هـ) و(و) من الفقرة 13 مترابطان.":         "e,f",
		"نلتزم بالمعايير من (أ) إلى (ك) كلها.":             "a,b,c,d,e,f,g,h,i,j,k",
		"نقيّم المشاريع وفق معايير من 1 إلى 10.":           "",
		"البند الثالث من جدول الأعمال.":                    "",
		"نؤيد المعيارين السادس والسابع تأييدا تاما.":       "f,g",
		"تتكامل القاعدتان السادسة والسابعة.":               "f,g",
		"نطبق القواعد الثامنة، والتاسعة والحادية عشرة.":    "h,i,k",
		"اعتمدت اللجنة القواعد الأولى للمسابقة.":           "",
		"وافق المجلس على البند (ب) من الميزانية.":          "",
		"أنشأنا قاعدة بيانات وطنية للحوادث.":               "",
		"القاعدة العامة هي التعاون في عام ٢٠١٥.":           "",
		// Chinese
		"规范(g)要求各国保护关键基础设施。":           "g",
		"根据第13段(g)项，各国应采取适当措施。":        "g",
		"报告第13(j)段鼓励报告漏洞。":             "j",
		"准则7涉及关键基础设施。":                 "g",
		"第七项规范涉及关键基础设施。":               "g",
		"第十一项规范保护应急响应小组。":              "k",
		"第３项规范要求各国不得故意允许其领土被用于国际不法行为。": "c",
		"规范（ｆ）禁止此类活动。":                 "f",
		"第十三段(h)项涉及请求援助。":              "h",
		"规范(e)和(f)必须一并执行。":             "e,f",
		"规范g要求各国保护关键基础设施。":             "g",
		"第13段g项要求各国保护关键基础设施。":          "g",
		"规范（七）涉及关键基础设施。":               "g",
		"规范(十一)保护应急响应小组。":              "k",
		"关于规范八和规范九。":                   "h,i",
		"我们重视规范十。":                     "j",
		"各国的做法与规范一致。":                  "",
		"这一规范十分重要。":                    "",
		"规范三方合作的协议已签署。":                "",
		"規範(g)要求各國保護關鍵基礎設施。":           "g", // traditional characters
		"我们在2013年举办了13场会议。":            "",
		"这些规范是自愿的。":                    "",
	} {
		res := tg.match(text, "", false)
		var got []string
		for i, r := range res.refs {
			got = append(got, r.norms...)
			if text[r.start:r.end] != r.match {
				t.Errorf("%q: reference %q is not text[%d:%d]", text, r.match, r.start, r.end)
			}
			if i > 0 && r.start < res.refs[i-1].end {
				t.Errorf("%q: overlapping references %q and %q", text, res.refs[i-1].match, r.match)
			}
		}
		slices.Sort(got)
		if g := strings.Join(dedupe(got), ","); g != want {
			t.Errorf("%q: references %q, want %q", text, g, want)
		}
	}
}

// TestWrittenUNLanguages measures the default rules on passages written
// for normtag in Russian, Arabic and Chinese (testdata/written-ru.jsonl,
// written-ar.jsonl, written-zh.jsonl: five or more per norm and 18 on
// no norm each, none copied from the rules' examples; the last 22 of each
// were written as paraphrase, tagged 0.23 (ru), 0.18 (ar), 0.27 (zh) on
// their first run, and the broad rules written for them), each tagged alone.
// They were written alongside the rules, so they guard against
// regressions rather than measure generalisation: the blind sets
// (TestHeldoutUNLanguages) do that.
func TestWrittenUNLanguages(t *testing.T) {
	for _, c := range []struct {
		file     string
		minCarry float64
		minTop   float64
	}{
		{"testdata/written-ru.jsonl", 0.9, 0.85},
		{"testdata/written-ar.jsonl", 0.9, 0.85},
		{"testdata/written-zh.jsonl", 0.9, 0.85},
	} {
		t.Run(c.file, func(t *testing.T) {
			measureHeldout(t, c.file).check(t, c.minCarry, c.minTop, 2.0, 1.0)
		})
	}
}

// TestDefaultRulesKeepCompactAutomaton guards the speed of the default
// rules: with the Russian, Arabic and Chinese rules merged, the automaton
// must still fit the compact table, of 16-bit entries (sequence phrases
// keep inflected phrases from multiplying it).
func TestDefaultRulesKeepCompactAutomaton(t *testing.T) {
	if mustDefault(t).matcher.States() >= 1<<15 {
		t.Fatal("the default rules' automaton is too large for the compact table")
	}
}

// TestSequencePhrases checks that a phrase of several inflected words
// matches its words in every ending, only next to each other and in
// order, and reports the whole phrase as evidence.
func TestSequencePhrases(t *testing.T) {
	tg, err := Load([]byte(`
norms:
  g:
    - name: ci
      weight: 0.9
      any: ["критическ* инфраструктур*", "البني* التحتي* الحيوي*"]
      examples:
        match: ["Защита критической инфраструктуры."]
`))
	if err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string]string{
		"Защита критической инфраструктуры.":         "критической инфраструктуры",
		"О критических инфраструктурах страны.":      "критических инфраструктурах",
		"КРИТИЧЕСКАЯ ИНФРАСТРУКТУРА":                 "КРИТИЧЕСКАЯ ИНФРАСТРУКТУРА",
		"Инфраструктура критическая.":                "",
		"Критическая и транспортная инфраструктура.": "",
		"حماية للبنى التحتية الحيوية":                "لبنى التحتية الحيوية", // the evidence starts after the clitic
		"والبنية التحتية الحيوية":                    "البنية التحتية الحيوية",
		"فيالبنية التحتية الحيوية":                   "",
	} {
		tags := tg.TagText(text)
		got := ""
		if len(tags) > 0 {
			got = tags[0].Evidence[0].Match
		}
		if got != want {
			t.Errorf("%q: matched %q, want %q", text, got, want)
		}
	}
}

// TestRulesDocuments: a rules file of several YAML documents merges the
// rules of the later ones into the first; a later one may not carry
// settings; the embedded rules are such a stream, with its version.
func TestRulesDocuments(t *testing.T) {
	tg, err := Load([]byte(`---
threshold: 0.5
norms:
  g:
    - name: ci
      weight: 0.9
      any: ["critical infrastructure"]
---
# the second document: only rules
norms:
  g:
    - name: ci-ru
      weight: 0.9
      any: ["критическ* инфраструктур*"]
`))
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"We protect critical infrastructure.", "Мы защищаем критическую инфраструктуру."} {
		if got := letters(tg.TagText(text)); got != "g" {
			t.Errorf("%q: tags %q, want g", text, got)
		}
	}
	_, err = Load([]byte("norms: {}\n---\nthreshold: 0.3\n"))
	if err == nil || !strings.Contains(err.Error(), "document at line 3") {
		t.Errorf("settings in a second document: error %v, want one naming the document at line 3", err)
	}
	_, err = Load([]byte("norms: {}\n---\nnorms:\n  g:\n    - name: x\n      weight: 2\n      any: [a]\n"))
	if err == nil || !strings.Contains(err.Error(), "line 5") {
		t.Errorf("a bad rule in a second document: error %v, want its line in the file (5)", err)
	}
	def := mustDefault(t)
	again, err := Load(rules.All())
	if err != nil {
		t.Fatal(err)
	}
	if def.Version() != again.Version() || len(def.rules) != len(again.rules) {
		t.Errorf("rules.All() loads as version %s with %d rules, the default is %s with %d", again.Version(), len(again.rules), def.Version(), len(def.rules))
	}
}
