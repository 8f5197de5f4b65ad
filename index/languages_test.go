package index

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/normtag/normtag/corpus"
)

// unDocs are passages in Arabic, Russian and Chinese (one document each,
// the Chinese one with a passage in traditional characters), beside an
// English one, written for these tests.
func unDocs() []*corpus.Document {
	doc := func(id, language string, texts ...string) *corpus.Document {
		d := &corpus.Document{ID: id, Title: id, FileName: id + ".pdf", Meta: map[string]string{}}
		if language != "" {
			d.Meta["language"] = language
		}
		for i, text := range texts {
			d.Passages = append(d.Passages, corpus.Passage{Seq: i, Page: 1, Text: text})
		}
		return d
	}
	return []*corpus.Document{
		doc("ru", "",
			"Государства должны принимать меры для защиты критической инфраструктуры от угроз в сфере ИКТ.",
			"Мы поощряем ответственное информирование об уязвимостях программного обеспечения.",
			"Ёмкость национальных центров реагирования растёт."),
		doc("ar", "ar",
			"ينبغي للدول أن تتخذ التدابير المناسبة لحماية البنية التحتية الحيوية من الهجمات.",
			"نشجع الإبلاغ المسؤول عن الثغرات في البرمجيات والمنتجات.",
			"تعمل أفرقة التصدي للطوارئ الحاسوبية على مدار الساعة."),
		doc("zh", "zh-CN",
			"各国应采取适当措施，保护本国关键基础设施免受信通技术威胁。",
			"我们鼓励负责任地报告软件漏洞。",
			"各國應保護關鍵基礎設施。",
			"这个基础很好，设施也是新的。"),
		doc("en", "",
			"States protect critical infrastructure from ICT threats.",
			"Vulnerabilities in software are reported responsibly."),
	}
}

// langHits runs p over the indexed unDocs and returns the ids of the
// hits, sorted, and the result.
func langHits(t *testing.T, ix *Index, p Params) ([]string, *Result) {
	t.Helper()
	p.Limit = "100"
	p.Collapse = "false"
	r, err := p.Request()
	if err != nil {
		t.Fatalf("%+v: %v", p, err)
	}
	res, err := ix.Search(context.Background(), r)
	if err != nil {
		t.Fatalf("%+v: %v", p, err)
	}
	var ids []string
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	slices.Sort(ids)
	return ids, res
}

// TestSearchInflectedAndSegmented: a query in Russian, Arabic or Chinese
// finds the passages of that language that say it in another form:
// another case, the article or a clitic attached, a plural, characters
// without spaces, traditional characters.
func TestSearchInflectedAndSegmented(t *testing.T) {
	ix := openTest(t)
	if err := ix.IndexDocuments(context.Background(), unDocs()); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ query, want string }{
		// Russian: other cases of the same words; ё as е.
		{"защита", "ru/0"},
		{"критическая инфраструктура", "ru/0"},
		{`"критической инфраструктуры"`, "ru/0"},
		{"уязвимость", "ru/1"},
		{"емкость", "ru/2"},
		// Arabic: the article, و and ب attached, plural and feminine
		// endings, hamza and ta marbuta spelt otherwise.
		{"البنية", "ar/0"},
		{"هجمات", "ar/0"},
		{"ثغرة", "ar/1"},
		{"والمنتجات", "ar/1"},
		{"الابلاغ", "ar/1"},
		{"الطوارئ", "ar/2"},
		// Chinese: a word found inside a run of characters, in simplified
		// and traditional characters alike.
		{"关键基础设施", "zh/0 zh/2"},
		{"關鍵基礎設施", "zh/0 zh/2"},
		{"漏洞", "zh/1"},
		{"基础设施", "zh/0 zh/2"},   // not zh/3, which has both words apart
		{"基础设施 AND norm:g", ""}, // no passage here is tagged
		// English unchanged.
		{"protecting", "en/0"},
		{"vulnerability", "en/1"},
	} {
		got, _ := langHits(t, ix, Params{Query: c.query})
		var mine []string
		for _, id := range got {
			if !strings.HasPrefix(id, "d") {
				mine = append(mine, id) // the sample documents have d1, d2
			}
		}
		if strings.Join(mine, " ") != c.want {
			t.Errorf("%q: hits %v, want %s", c.query, mine, c.want)
		}
	}
}

// TestLangPerPassage: each passage's language is detected, lang: and the
// language filter find the passages of a language whatever the
// document's metadata says, and the lang facet counts them.
func TestLangPerPassage(t *testing.T) {
	ix := openTest(t)
	if err := ix.IndexDocuments(context.Background(), unDocs()); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		p    Params
		want string
	}{
		{Params{Query: "lang:ru"}, "ru/0 ru/1 ru/2"},
		{Params{Langs: []string{"ar"}}, "ar/0 ar/1 ar/2"},
		{Params{Query: "lang:zh"}, "zh/0 zh/1 zh/2 zh/3"},
		{Params{Query: "lang:zh-cn"}, "zh/0 zh/1 zh/2 zh/3"}, // the metadata as written
		{Params{Query: "lang:ar AND norm:g"}, ""},
		{Params{Query: "инфраструктура AND lang:ar"}, ""},
	} {
		if got, _ := langHits(t, ix, c.p); strings.Join(got, " ") != c.want {
			t.Errorf("%+v: hits %v, want %s", c.p, got, c.want)
		}
	}
	r, err := Params{Query: "lang:ar OR lang:ru OR lang:zh OR doc:en", Limit: "1"}.Request()
	if err != nil {
		t.Fatal(err)
	}
	r.Facets = true
	res, err := ix.Search(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, fc := range res.Facets[FieldLang] {
		counts[fc.Value] = fc.Count
	}
	if counts["ar"] != 3 || counts["ru"] != 3 || counts["zh"] != 4 || counts["en"] != 2 {
		t.Errorf("lang facet %v, want ar 3, ru 3, zh 4, en 2", res.Facets[FieldLang])
	}
	for _, h := range res.Hits {
		if h.Lang == "" {
			t.Errorf("hit %s has no language", h.ID)
		}
	}
}

// TestDeclaredLanguageTheTextContradicts: word processors write their
// default language into every file (LibreOffice's en-US into a Chinese
// report); the document's text decides, so lang:en does not find the
// Chinese passages, its short heading is Chinese with the rest, and a
// declaration the text agrees with is kept as written.
func TestDeclaredLanguageTheTextContradicts(t *testing.T) {
	ix := openTest(t)
	zh := &corpus.Document{ID: "zhdoc", Title: "zhdoc", FileName: "zh.pdf", Meta: map[string]string{"language": "en-US"}, Passages: []corpus.Passage{
		{Seq: 0, Page: 1, Text: "关键基础设施保护", Heading: true},
		{Seq: 1, Page: 1, Text: "我国设立国家网络安全机构，负责保护能源、供水、医疗和通信等关键部门，运营者须在七十二小时内报告网络安全事件。"},
		{Seq: 2, Page: 1, Text: "2023"},
	}}
	en := &corpus.Document{ID: "endoc", Title: "endoc", FileName: "en.pdf", Meta: map[string]string{"language": "en-US"}, Passages: []corpus.Passage{
		{Seq: 0, Page: 1, Text: "Protection", Heading: true},
		{Seq: 1, Page: 1, Text: "We established a national cybersecurity authority that protects the energy, water and health sectors of the country."},
	}}
	if err := ix.IndexDocuments(context.Background(), []*corpus.Document{zh, en}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		p    Params
		want string
	}{
		{Params{Query: "lang:en"}, "endoc/0 endoc/1"},
		{Params{Query: "lang:zh"}, "zhdoc/0 zhdoc/1 zhdoc/2"},
		{Params{Langs: []string{"zh"}}, "zhdoc/0 zhdoc/1 zhdoc/2"},
		{Params{Query: "lang:en-us"}, "endoc/0 endoc/1"},
	} {
		got, _ := langHits(t, ix, c.p)
		var mine []string
		for _, id := range got {
			if strings.HasPrefix(id, "zhdoc") || strings.HasPrefix(id, "endoc") {
				mine = append(mine, id)
			}
		}
		if strings.Join(mine, " ") != c.want {
			t.Errorf("%+v: hits %v, want %s", c.p, mine, c.want)
		}
	}
}
