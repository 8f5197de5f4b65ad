package tag

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// heldoutPassage is one line of testdata/heldout*.jsonl. Norm is the gold
// norm letter, or "" for a passage that addresses no norm (thanks,
// procedure, structure of the paper, unrelated policy): those measure
// precision. Lang is the language the passage is written in.
type heldoutPassage struct {
	Norm *string `json:"norm"`
	Lang string  `json:"lang"`
	Text string  `json:"text"`
}

// heldoutStats are the figures of one held-out file, passages tagged alone.
type heldoutStats struct {
	carried, top, mean float64 // over passages on a norm
	// extra is the mean number of tags, per passage on a norm, that are
	// not its gold norm: the noise a reader filtering by norm would see.
	extra    float64
	untagged float64 // share of no-norm passages with no tag
}

// measureHeldout tags every passage of file alone, without section
// context, and logs every miss with its text and tags.
func measureHeldout(t *testing.T, file string) heldoutStats {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	tg := mustDefault(t)
	n, carry, top, tags, extra := 0, 0, 0, 0, 0
	none, noneClean, noneTags := 0, 0, 0
	type langStat struct{ n, carry int }
	perLang := map[string]*langStat{}
	for i, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		var p heldoutPassage
		if err := json.Unmarshal([]byte(line), &p); err != nil {
			t.Fatalf("%s:%d: %v", file, i+1, err)
		}
		if p.Norm == nil || (*p.Norm != "" && (len(*p.Norm) != 1 || (*p.Norm)[0] < 'a' || (*p.Norm)[0] > 'k')) {
			t.Fatalf("%s:%d: norm must be a letter a-k or \"\" (no norm)", file, i+1)
		}
		got := tg.TagText(p.Text)
		if *p.Norm == "" {
			none++
			noneTags += len(got)
			if len(got) == 0 {
				noneClean++
			} else {
				t.Logf("no-norm passage tagged %q: %q", letters(got), p.Text)
			}
			continue
		}
		n++
		tags += len(got)
		ls := perLang[p.Lang]
		if ls == nil {
			ls = &langStat{}
			perLang[p.Lang] = ls
		}
		ls.n++
		norm := *p.Norm
		extra += len(got)
		if has(got, []string{norm}) {
			carry++
			ls.carry++
			extra--
		} else {
			t.Logf("missing %s (%s): %q (tags %q)", norm, p.Lang, p.Text, letters(got))
		}
		if len(got) > 0 && got[0].Norm == norm {
			top++
		} else if has(got, []string{norm}) {
			t.Logf("%s not top (%s): %q (tags %q)", norm, p.Lang, p.Text, letters(got))
		}
	}
	// A set may hold only passages on a norm, or only passages on none;
	// the figures of the missing kind stay zero rather than NaN.
	share := func(k, of int) float64 {
		if of == 0 {
			return 0
		}
		return float64(k) / float64(of)
	}
	s := heldoutStats{
		carried:  share(carry, n),
		top:      share(top, n),
		mean:     share(tags, n),
		extra:    share(extra, n),
		untagged: share(noneClean, none),
	}
	t.Logf("%s: %d passages on a norm: carried %.2f, top-scored %.2f, mean norms %.2f, extra norms %.2f", file, n, s.carried, s.top, s.mean, s.extra)
	for _, l := range []string{"en", "fr", "es", "ar", "ru", "zh", "zh-Hant"} {
		if ls := perLang[l]; ls != nil {
			t.Logf("  %s: carried %d/%d", l, ls.carry, ls.n)
		}
	}
	t.Logf("%d no-norm passages: untagged %.2f (%d tags)", none, s.untagged, noneTags)
	return s
}

func (s heldoutStats) check(t *testing.T, minCarry, minTop, maxMean, minClean float64) {
	t.Helper()
	if s.carried < minCarry || s.top < minTop || s.mean > maxMean || s.untagged < minClean {
		t.Errorf("carried %.2f (want >= %.2f), top %.2f (want >= %.2f), mean %.2f (want <= %.1f), no-norm untagged %.2f (want >= %.2f)",
			s.carried, minCarry, s.top, minTop, s.mean, maxMean, s.untagged, minClean)
	}
}

// TestHeldoutPassages measures the default rules on 125 passages written in
// the style of OEWG submissions, national statements and company and NGO
// papers (testdata/heldout.jsonl: 80% English, 10% French, 10% Spanish;
// ten per norm, direct vocabulary and paraphrase, and fifteen passages on
// no norm). Each is tagged alone, without section context. It was written
// before its author read the rules: first run carried 0.63, top-scored
// 0.62, mean 0.75 norms, no-norm passages untagged 1.00 (English 51/88,
// French 10/11, Spanish 8/11). Its misses were then closed with general
// vocabulary of the field (0.97 carried, 0.96 top-scored, mean 1.12), so
// it has become a development set; the fresh sets below measure
// generalisation. Since theme words need ICT context (issue 14), passages
// that state a norm in general words alone lose it ("requests for
// assistance" with no ICT word, capacity building): 0.98 carried, 0.98
// top-scored, extra norms 0.15 before; 0.90, 0.90, 0.06 after.
func TestHeldoutPassages(t *testing.T) {
	measureHeldout(t, "testdata/heldout.jsonl").check(t, 0.88, 0.88, 2.0, 0.80)
}

// TestHeldoutFreshPassages measures the rules on a second set of 63
// passages (testdata/heldout-fresh.jsonl: five per norm, eight on no norm,
// EN/FR/ES), written after the rules were improved on heldout.jsonl and
// run once before any further change, to estimate how the improvement
// generalises: carried 0.36, top-scored 0.36, mean 0.44, no-norm untagged
// 1.00 (the rules before the improvement: 0.31, 0.31, 0.40, 1.00). It is
// harder than heldout.jsonl, being mostly paraphrase. Its misses were then
// closed with general vocabulary too (0.93, 0.93, mean 1.00), so it is a
// development set now as well. Requiring ICT context cost it most (0.75,
// 0.75, extra norms 0.07 -> 0.04): its paraphrases often speak of vendors,
// flaws and requests without a word of ICTs.
func TestHeldoutFreshPassages(t *testing.T) {
	measureHeldout(t, "testdata/heldout-fresh.jsonl").check(t, 0.70, 0.70, 2.0, 0.80)
}

// TestHeldoutFinalPassages measures the rules on a third set of 39
// passages (testdata/heldout-final.jsonl: three per norm, six on no norm),
// written after the rules were improved on both sets above, by someone
// who had read the rules, and mostly in paraphrase: first run carried
// 0.15, top-scored 0.15, mean 0.18, no-norm untagged 1.00 (the rules
// before any improvement: 0.12). Passages that avoid the field's stock
// vocabulary are beyond keyword rules on a passage alone; in documents,
// section headings carry the norm to them. Its misses then showed general
// gaps (French and Spanish one-word "cyberattaque", more infrastructure
// objects, the French and Spanish wording of (b)...); closing them gave
// 0.76, 0.76, mean 0.79 (0.79 before issue 14); with ICT context
// required, 0.70, 0.70.
func TestHeldoutFinalPassages(t *testing.T) {
	measureHeldout(t, "testdata/heldout-final.jsonl").check(t, 0.65, 0.65, 2.0, 0.80)
}

// TestHeldoutBlindSets measures the rules on sets written by helpers that
// never read the rules (EN/FR/ES, every norm, and passages on no norm).
// The first run of each, before any rule was written for it, is the
// honest measure of how the rules generalise; it is recorded per set.
// The vocabulary added after a set is general (themes, synonyms), not
// its sentences; a set learnt from is a regression set like the others.
//
// Issue 14 made theme words count only with ICT context (rules/README.md,
// "ICT context") and quotes of a norm exclusive. Carried / top-scored /
// extra norms before -> after: blind 1.00/0.99/0.11 -> 0.98/0.98/0.05,
// blind2 0.99/0.97/0.14 -> 0.96/0.95/0.11, blind3 0.95/0.88/0.15 ->
// 0.89/0.83/0.12, blind4 0.98/0.96/0.10 -> 0.96/0.94/0.05, blind5
// 0.98/0.97/0.08 -> 0.89/0.89/0.05, blind6 0.82/0.82/0.12 ->
// 0.76/0.76/0.03, blind7 0.85/0.83/0.14 -> 0.82/0.79/0.08; off-topic
// no-norm passages untagged 0.70 -> 0.98.
func TestHeldoutBlindSets(t *testing.T) {
	for _, c := range []struct {
		file                          string
		carry, top, maxMean, minClean float64
		maxExtra                      float64 // 0: not asserted
	}{
		// First run carried 0.68, top-scored 0.68, mean norms 0.79,
		// no-norm passages untagged 1.00 (heldout-final went from 0.76
		// to 0.82 with the rules it prompted, without being looked at).
		{"testdata/heldout-blind.jsonl", 0.95, 0.95, 2.0, 0.95, 0},
		// First run 0.74, 0.72, 0.86; no-norm untagged 0.95.
		{"testdata/heldout-blind2.jsonl", 0.95, 0.90, 2.0, 0.95, 0},
		// Long report paragraphs; measured first against the rules of
		// the fifth round: 0.78, 0.75, 0.91; no-norm untagged 1.00.
		{"testdata/heldout-blind3.jsonl", 0.85, 0.80, 2.0, 0.95, 0},
		// Short interventions: first run 0.82, 0.80, 0.92; 0.95.
		{"testdata/heldout-blind4.jsonl", 0.95, 0.90, 2.0, 0.95, 0},
		// First run 0.67, 0.65, 0.74; 1.00.
		{"testdata/heldout-blind5.jsonl", 0.85, 0.85, 2.0, 0.95, 0},
		// Measured against the rules that had learnt from blind3 and
		// never learnt from: 0.82, 0.82, 0.94; no-norm untagged 0.91 (a
		// French logistics supply chain tagged (i), since excluded).
		{"testdata/heldout-blind6.jsonl", 0.75, 0.75, 2.0, 0.9, 0},
		// Written blind; 110 passages, ten per norm, in the styles of
		// OEWG submissions, company papers, NGO explainers and speeches,
		// with hard cases (attack on, protection of and help for
		// critical infrastructure; CERTs as topic or as helpers; crime
		// cooperation or assistance). First run, 2026-11-30: carried
		// 0.85, top-scored 0.83, mean norms 0.99, extra norms per
		// passage 0.14 (en 67/77, fr 14/17, es 13/16). Floors are those
		// figures rounded to 0.05; issue 14 will require top-1 >= 0.80,
		// extra norms <= 0.15 and no-norm untagged >= 0.95 on NEW blind
		// sets, not on this one once it has been learnt from.
		{"testdata/heldout-blind7.jsonl", 0.80, 0.75, 1.0, 0, 0.10},
		// Written blind; 60 passages on no norm: 30 from cyber-policy
		// papers (procedure, thanks, contents, budget lines, footers)
		// and 30 using likely trigger words in other senses (compiler
		// patches, hotel privacy, tenancy rights, a trial, road
		// budgets, groceries...). Only the no-norm figure applies.
		// First run, 2026-11-30: untagged 0.70 (policy text 27/30,
		// other senses 15/30); floor rounded down to 0.05, far below
		// the 0.95 issue 14 will require of new blind sets. With ICT
		// context required: 0.98 (59/60; left: a list of abbreviations
		// that spells out "ICT" next to "CBM").
		{"testdata/heldout-offtopic.jsonl", 0, 0, 0, 0.95, 0},
	} {
		t.Run(strings.TrimPrefix(c.file, "testdata/"), func(t *testing.T) {
			s := measureHeldout(t, c.file)
			s.check(t, c.carry, c.top, c.maxMean, c.minClean)
			if c.maxExtra > 0 && s.extra > c.maxExtra {
				t.Errorf("extra norms per passage %.2f (want <= %.2f)", s.extra, c.maxExtra)
			}
		})
	}
}

// TestHeldoutUNLanguages measures the rules on sets in three more UN
// languages (testdata/heldout-ar.jsonl, heldout-ru.jsonl, heldout-zh.jsonl:
// six passages per norm and fifteen or sixteen on no norm each, in the
// style of OEWG submissions, national statements, NGO papers and ministry
// releases; about one passage in six names its norm the way documents in
// that language do; the Chinese set has eleven norm passages and one
// no-norm passage in traditional characters, lang "zh-Hant"). The no-norm
// passages include off-topic text that borrows the field's words (privacy
// of hospital rooms, roads and schools, food supply chains, a patch on a
// pipe, attacks in football and medicine, vulnerable groups).
//
// First run on 2026-11-30, written blind, before any rule for these
// languages:
//
//	ar: carried 0.03 (2/66, both by the Latin "CERT"/"CSIRT"), top-scored 0.03, mean norms 0.03, no-norm untagged 1.00
//	ru: carried 0.08 (5/66: "пункт 13 (b)", "пункт 13 (g)", "bug bounty", "CERT", "CSIRT"), top-scored 0.08, mean norms 0.08, no-norm untagged 1.00
//	zh: carried 0.00 (0/66, zh-Hant 0/11), top-scored 0.00, mean norms 0.00, no-norm untagged 1.00
//
// The floors below are those figures rounded down to 0.05, so they only
// keep what holds today; issue 16 later requires top-scored >= 0.75 on
// these sets with rules written for the three languages (raise the
// floors then). The sets must not be edited to suit rules: a set learnt
// from becomes a regression set, and its first run above stays the
// measure of generalisation. Raised (rounded down to 0.05) when the
// languages got their own ICT context and vocabulary families (issue 16,
// second round), measured on these sets kept as that work's unread
// hold-out: carried / top-scored ar 0.74/0.74, ru 0.79/0.76, zh 0.80/0.79.
func TestHeldoutUNLanguages(t *testing.T) {
	for _, c := range []struct {
		file                          string
		carry, top, maxMean, minClean float64
	}{
		{"testdata/heldout-ar.jsonl", 0.70, 0.70, 2.0, 1.0},
		{"testdata/heldout-ru.jsonl", 0.75, 0.75, 2.0, 1.0},
		{"testdata/heldout-zh.jsonl", 0.80, 0.75, 2.0, 1.0},
	} {
		t.Run(strings.TrimPrefix(c.file, "testdata/"), func(t *testing.T) {
			checkHeldoutShape(t, c.file, 6, 12)
			measureHeldout(t, c.file).check(t, c.carry, c.top, c.maxMean, c.minClean)
		})
	}
}

// checkHeldoutShape fails unless file has exactly perNorm passages on each
// norm a-k and at least minNone on no norm, so that a set trimmed or
// padded after its first run cannot pass silently.
func checkHeldoutShape(t *testing.T, file string, perNorm, minNone int) {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for i, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		var p heldoutPassage
		if err := json.Unmarshal([]byte(line), &p); err != nil {
			t.Fatalf("%s:%d: %v", file, i+1, err)
		}
		if p.Norm == nil {
			t.Fatalf("%s:%d: no norm field", file, i+1)
		}
		count[*p.Norm]++
	}
	for l := 'a'; l <= 'k'; l++ {
		if got := count[string(l)]; got != perNorm {
			t.Errorf("%s: %d passages on norm %c, want %d", file, got, l, perNorm)
		}
	}
	if count[""] < minNone {
		t.Errorf("%s: %d no-norm passages, want at least %d", file, count[""], minNone)
	}
}
