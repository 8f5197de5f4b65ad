package tag

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/internal/lang"
	"github.com/normtag/normtag/internal/norms"
)

func mustDefault(t testing.TB) *Tagger {
	t.Helper()
	tg, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

func letters(tags []corpus.Tag) string {
	var out []string
	for _, t := range tags {
		out = append(out, t.Norm)
	}
	return strings.Join(out, ",")
}

func TestDefaultRulesPassTheirExamples(t *testing.T) {
	tg := mustDefault(t)
	fails, n := tg.TestExamples()
	for _, f := range fails {
		t.Error(f)
	}
	if n < 50 {
		t.Errorf("only %d examples", n)
	}
}

func TestDefaultRulesLintClean(t *testing.T) {
	for _, p := range mustDefault(t).Lint() {
		t.Error(p)
	}
}

func TestExplicitReferences(t *testing.T) {
	tg := mustDefault(t)
	for text, want := range map[string]string{
		"Norm 6 is central to our policy.":                         "f",
		"Under norm (f), States refrain from such acts.":           "f",
		"See paragraph 13(f) of the 2015 report.":                  "f",
		"as set out in 13 f of the report":                         "f",
		"We implement norms (e), (f) and (h) together.":            "e,f,h",
		"The eleven norms in 13(a)–(k) are voluntary.":             "a,b,c,d,e,f,g,h,i,j,k",
		"The eleventh norm protects response teams.":               "k",
		"Norms 6 and 7 concern infrastructure.":                    "f,g",
		"La norme 7 concerne la protection.":                       "g",
		"La norma 13 f prohíbe esos actos.":                        "f",
		"Selon la norme g, les États protègent leurs réseaux.":     "g",
		"Conforme a la norma g y la norma (h).":                    "g,h",
		"We report on norm no. 7 and Norm #8.":                     "g,h",
		"La norme n° 10 vise les vulnérabilités.":                  "j",
		"See paragraphs 13 (e) and (f) of the report.":             "e,f",
		"Norms 1-11 are all voluntary.":                            "a,b,c,d,e,f,g,h,i,j,k",
		"The norm a State adopts is its own.":                      "",
		"La norme a été adoptée en 2015.":                          "",
		"Such norms e.g. on crime are useful.":                     "",
		"La séance reprend à 13 h 30.":                             "",
		"The 2013 report was adopted on 13 June by 13 delegations": "",
		"Article 13 a State may invoke.":                           "",
		"Norm 12 does not exist and 2015 norms are voluntary.":     "",
	} {
		res := tg.match(text, "", false)
		var got []string
		for i, r := range res.refs {
			got = append(got, r.norms...)
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

func TestEvidenceOffsetsPointAtMatches(t *testing.T) {
	tg := mustDefault(t)
	text := "Our Critical-Infrastructure operators and the national CERT cooperate; Norm 7 applies."
	for _, tag := range tg.TagText(text) {
		for _, e := range tag.Evidence {
			if text[e.Start:e.End] != e.Match || e.Rule == "" {
				t.Errorf("evidence %+v does not point at its match", e)
			}
		}
	}
}

func TestHyphenAndInflectionVariants(t *testing.T) {
	tg := mustDefault(t)
	for text, want := range map[string]string{
		"We audit our ICT supply-chains every year.":                       "i",
		"Vulnerabilities in our software are disclosed through a program.": "j",
		"Les CERT nationaux coopèrent.":                                    "k",
	} {
		if got := letters(tg.TagText(text)); !strings.Contains(got, want) {
			t.Errorf("%q: tags %q, want %s among them", text, got, want)
		}
	}
}

func TestSectionContext(t *testing.T) {
	tg := mustDefault(t)
	ps := []corpus.Passage{
		{Seq: 0, Heading: true, Level: 1, Text: "National implementation report"},
		{Seq: 1, Heading: true, Level: 2, Text: "Norm 7 (paragraph 13 (g)) — our approach"},
		{Seq: 2, Text: "The agency runs yearly exercises with grid and water operators."},
		{Seq: 3, Heading: true, Level: 3, Text: "Exercises"},
		{Seq: 4, Text: "Scenarios are drawn up with the operators."},
		{Seq: 5, Heading: true, Level: 2, Text: "Other matters"},
		{Seq: 6, Text: "The budget for next year was approved."},
	}
	tg.Tag(ps)
	if got := letters(ps[1].Tags); got != "g" {
		t.Fatalf("heading tags %q", got)
	}
	for _, i := range []int{2, 4} {
		if len(ps[i].Tags) != 1 || ps[i].Tags[0].Norm != "g" || !ps[i].Tags[0].Inherited || ps[i].Tags[0].Evidence[0].HeadingSeq != 1 {
			t.Errorf("passage %d: %+v", i, ps[i].Tags)
		}
	}
	for _, p := range ps {
		for _, tg := range p.Tags {
			for _, e := range tg.Evidence {
				if tg.Inherited && ps[e.HeadingSeq].Text[e.Start:e.End] != e.Match {
					t.Errorf("passage %d: inherited evidence %+v does not point into heading %d", p.Seq, e, e.HeadingSeq)
				}
			}
		}
	}
	if len(ps[6].Tags) != 0 {
		t.Errorf("section did not end at a heading of the same level: %+v", ps[6].Tags)
	}
}

func TestVersionChangesWithRules(t *testing.T) {
	a := mustDefault(t)
	b, err := Load([]byte("norms:\n  g:\n    - name: x\n      weight: 0.9\n      any: [grid]\n      examples: {match: [grid]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if a.Version() == b.Version() || len(a.Version()) != 12 {
		t.Fatalf("versions %q %q", a.Version(), b.Version())
	}
	if got := letters(b.TagText("The grid is resilient.")); got != "g" {
		t.Fatalf("custom rule: %q", got)
	}
}

func TestLoadErrorsNameTheRule(t *testing.T) {
	for src, want := range map[string]string{
		"norms:\n  z:\n    - name: x\n      weight: 0.5\n      any: [a]\n":            "not a norm letter",
		"norms:\n  g:\n    - name: bad\n      weight: 2\n      any: [a]\n":            "g.bad",
		"norms:\n  g:\n    - name: star\n      weight: 0.5\n      any: [\"a*b c\"]\n": "may only end a word",
		"norms:\n  g:\n    - name: x\n      wieght: 0.5\n":                            "wieght",
	} {
		_, err := Load([]byte(src))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want mention of %q", src, err, want)
		}
	}
}

// TestGroupHits checks groupHits against its definition: the hits of
// the rules that can fire (no Not hit; an Any hit, or a hit in each All
// group), sorted stably by rule and start, with the groups' bounds.
func TestGroupHits(t *testing.T) {
	tg := mustDefault(t)
	var allRule, anyRule []int // rules with All groups, with Any phrases
	for i, r := range tg.rules {
		if r.groups >= 2 && len(r.Any) == 0 {
			allRule = append(allRule, i)
		} else if r.groups == 0 {
			anyRule = append(anyRule, i)
		}
	}
	sc := new(scan)
	sc.seen = make([]uint64, len(tg.rules))
	r := rand.New(rand.NewPCG(13, 14))
	for round := range 300 {
		rules := []int{allRule[r.IntN(len(allRule))], allRule[r.IntN(len(allRule))], anyRule[r.IntN(len(anyRule))], anyRule[r.IntN(len(anyRule))]}
		sc.hits = sc.hits[:0]
		for i := range r.IntN(100) {
			rule := rules[r.IntN(len(rules))]
			slot := int32(slotAny)
			if g := tg.rules[rule].groups; g > 0 {
				slot = int32(r.IntN(g))
			}
			if r.IntN(20) == 0 {
				slot = slotNot
			}
			sc.hits = append(sc.hits, hit{start: int32(r.IntN(300)), end: int32(i), use: patternUse{rule: int32(rule), slot: slot}})
			if sc.seen[rule] == 0 {
				sc.touched = append(sc.touched, int32(rule))
			}
			sc.seen[rule] |= slotBit(slot)
		}
		covers := map[int32]uint64{}
		for _, h := range sc.hits {
			covers[h.use.rule] |= slotBit(h.use.slot)
		}
		var want []hit
		for _, h := range sc.hits {
			c, g := covers[h.use.rule], tg.rules[h.use.rule].groups
			if c&seenNot == 0 && (c&seenAny != 0 || g > 0 && c&(1<<g-1) == 1<<g-1) {
				want = append(want, h)
			}
		}
		slices.SortStableFunc(want, func(a, b hit) int {
			return cmp.Or(cmp.Compare(a.use.rule, b.use.rule), cmp.Compare(a.start, b.start))
		})
		tg.groupHits(sc)
		if !slices.Equal(sc.hits, want) {
			t.Fatalf("round %d: hits\n%v\nwant\n%v", round, sc.hits, want)
		}
		for g := 0; g+1 < len(sc.groups); g++ {
			hs := sc.hits[sc.groups[g]:sc.groups[g+1]]
			if len(hs) == 0 || hs[0].use.rule != hs[len(hs)-1].use.rule || g > 0 && sc.hits[sc.groups[g]-1].use.rule == hs[0].use.rule {
				t.Fatalf("round %d: group %d is not one rule's hits: %v", round, g, sc.groups)
			}
		}
		if n := len(sc.groups); len(want) > 0 && (n < 2 || sc.groups[0] != 0 || int(sc.groups[n-1]) != len(want)) {
			t.Fatalf("round %d: groups %v for %d hits", round, sc.groups, len(want))
		}
		if slices.ContainsFunc(sc.seen, func(v uint64) bool { return v != 0 }) || len(sc.touched) != 0 {
			t.Fatalf("round %d: seen marks left", round)
		}
	}
}

// foldByRune is what fold must produce, built rune by rune: an ASCII
// letter or digit in lower case, a run of separators as one space, and
// every other rune as fold renders it between two letters (nothing for a
// mark, a space for a separator, its letters, or a Chinese character
// between spaces).
func foldByRune(s string) ([]byte, []int32) {
	out, offs := []byte{' '}, []int32{0}
	space := true
	emit := func(b byte, at int) {
		out, offs = append(out, b), append(offs, int32(at))
		space = b == ' '
	}
	for i, r := range s {
		if r < utf8.RuneSelf {
			if f := lang.ASCIIWordFold[r]; f != 0 {
				emit(f, i)
			} else if !space {
				emit(' ', i)
			}
			continue
		}
		var f folded
		fold("a"+string(r)+"b", &f)
		mid := string(f.text[2 : len(f.text)-2])
		for k := 0; k < len(mid); k++ {
			if mid[k] != ' ' || !space {
				emit(mid[k], i)
			}
		}
	}
	if !space {
		emit(' ', len(s))
	}
	return out, append(offs, int32(len(s)))
}

// The branch-free loop over ASCII bytes must fold exactly as rune-by-rune
// folding does, however ASCII and other runes alternate: accents,
// ligatures, soft hyphens, other scripts, punctuation runs, text ending
// inside a word or in a run of separators.
func TestFoldByteLoopEqualsByRune(t *testing.T) {
	texts := []string{
		"", " ", "--", "a", " a ", "A-", "-a",
		"Critical-Infrastructure",
		"Les États protègent les infrastructures critiques; la coopération internationale…",
		"supply\u00adchain integrity ﬁrmware, vulnerabilities (CERT/CSIRT) — Ελλάδα 13(f)",
		"los Estados deberían adoptar medidas apropiadas para proteger sus infraestructuras críticas",
		"norm (f) and norms (e), (f) and (h); paragraph 13 j!!",
		"e\u0301le\u0301ments combining marks, 24/7 networks, NIS2, 5G security",
		"国家 网络安全 ,规范(g) ﻻ الـقاعدة ё １３ ٣",
	}
	for _, n := range norms.All {
		texts = append(texts, n.Text, strings.ToUpper(n.Text))
	}
	r := rand.New(rand.NewPCG(9, 10))
	pieces := []string{"a", "Z", "7", " ", "  ", "-", ".\n", "é", "\u0301", "\u00ad", "—", "国", "ﻻ", "ـ", "ё", "١", "Ｆ", "\u3000", "ß", "\xff"}
	for range 2000 {
		var b strings.Builder
		for range r.IntN(12) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		texts = append(texts, b.String())
	}
	var f folded
	for _, text := range texts {
		fold(text, &f)
		want, wantOffs := foldByRune(text)
		if string(f.text) != string(want) || !slices.Equal(f.offsets, wantOffs) {
			t.Fatalf("%q: folded %q %v, want %q %v", text, f.text, f.offsets, want, wantOffs)
		}
	}
}

func TestCommonPrefix(t *testing.T) {
	base := []byte("states should not conduct or knowingly support ICT activity contrary to their obligations")
	for i := 0; i <= len(base); i++ {
		for _, cut := range []int{0, 1, 7, 8, 9, 17, len(base)} {
			a := slices.Clone(base[:min(len(base), i+cut)])
			if i < len(a) {
				a[i] ^= 0x20
			}
			want := 0
			for want < len(a) && a[want] == base[want] {
				want++
			}
			if got := commonPrefix(a, base); got != want {
				t.Fatalf("differ at %d, len %d: got %d, want %d", i, len(a), got, want)
			}
		}
	}
}

// A rules file too large for the compact automaton table (32,768 states
// or more) is matched with the wide one: same tags.
func TestLargeRuleSetWideTable(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	word := func() string {
		b := make([]byte, 12)
		for i := range b {
			b[i] = byte('a' + r.IntN(26))
		}
		return string(b)
	}
	var phrases []string
	for range 4000 {
		phrases = append(phrases, word()+" "+word())
	}
	var src strings.Builder
	src.WriteString("norms:\n  g:\n    - name: many\n      lang: en\n      weight: 0.9\n      any:\n")
	for _, p := range phrases {
		src.WriteString("        - " + p + "\n")
	}
	tg, err := Load([]byte(src.String()))
	if err != nil {
		t.Fatal(err)
	}
	if tg.matcher.States() < 1<<15 {
		t.Fatalf("want an automaton past the compact table, got %d states", tg.matcher.States())
	}
	text := "The ministry said that " + strings.ToUpper(phrases[1234]) + " is now part of the national plan, and that the rest of the measures follow."
	tags := tg.TagText(text)
	if letters(tags) != "g" || tags[0].Evidence[0].Match != strings.ToUpper(phrases[1234]) {
		t.Fatalf("tags %+v", tags)
	}
	if got := tg.TagText("The ministry said that nothing of the kind is in the national plan."); len(got) != 0 {
		t.Fatalf("tagged a passage without a phrase: %+v", got)
	}
}
