package eval

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/normtag/normtag/pipeline"
	"github.com/normtag/normtag/pipeline/tag"
)

// floor is what a gold set measured with the default rules, passages
// tagged alone, when the floors were set. The test fails when a figure
// falls more than floorMargin below it (or, for extra norms, rises more
// than floorMargin above it). A rules change that improves a figure
// should raise its value here; one that lowers it must say why.
type floor struct {
	file                                  string
	top1, carried, microP, macroF1, extra float64
	untagged                              float64 // -1: the set has no no-norm passage
}

// floorMargin is how far under today's value a figure may fall before the
// test fails: about one passage in fifty, so that a rule change that
// costs one passage of a large set is tolerated but a trend is not.
const floorMargin = 0.02

// floors were measured on main at 5ba6d3035d05 (rules version), 2026-11-30,
// with `normtag eval --gold pipeline/tag/testdata/FILE` (isolated mode),
// then again at db9a671c70b4 once theme words needed ICT context and
// quotes of a norm became exclusive (issue 14): micro precision and extra
// norms improved everywhere and off-topic passages untagged went from
// 0.700 to 0.983, while passages that state a norm without any ICT word
// lost it. Top-1 / carried / micro P / extra before that change: heldout
// 0.982/0.982/0.871/0.145, fresh 0.927/0.927/0.927/0.073, final
// 0.788/0.788/0.963/0.030, blind 0.992/1.000/0.903/0.107, blind2
// 0.973/0.991/0.879/0.136, blind3 0.879/0.949/0.862/0.152, blind4
// 0.960/0.980/0.907/0.101, blind5 0.970/0.985/0.929/0.076, blind6
// 0.818/0.818/0.871/0.121, blind7 0.827/0.855/0.862/0.136, written
// 1.000/1.000/0.853/0.172. ar, ru and zh are the sets of languages the
// rules barely cover yet.
var floors = []floor{
	// heldout, fresh, blind, blind2, blind4, blind5 and blind8-en raised
	// on 2026-11-30 (rules14: intent yields, English paraphrase families,
	// one-window quotes not exclusive); top-1 / extra before: heldout
	// 0.900/0.064, fresh 0.745/0.036, blind 0.975/0.050, blind2
	// 0.945/0.109, blind4 0.939/0.051, blind5 0.894/0.045, blind8-en
	// 0.773/0.082 (its first run, below, stays the generalisation figure).
	// Issue 14, round 2 (2026-12-01, rules in default.yaml only): vocabulary
	// for whole concepts per norm (regional CBMs and the POC directory,
	// attribution practice, acting once a State learns its infrastructure is
	// misused, the legality test for restrictions, shutdowns, product
	// regulation and assurance, research safe harbours, responders kept
	// apart from intelligence work), f.damage-ci lowered to 0.65 so that an
	// attack narrated before the measures it led to is (g). Raised every
	// English floor it improved; where a figure fell within the margin the
	// floor stays: micro precision / extra norms heldout 0.971 -> 0.963 /
	// 0.027 -> 0.036, blind5 0.984 -> 0.968 / 0.015 -> 0.030, blind9-en
	// 0.981 -> 0.975 / 0.016 -> 0.023 (second norms beside a correct first:
	// spyware with export controls, proxies in an (f) passage). written's
	// extra norms went 0.034 -> 0 but its floor stays, one passage in 29.
	// blind9-en was tuned on two thirds of its passages; the other third
	// (by hash, never read) went 0.769 -> 0.795 top-1, the generalisation
	// figure of this round. Then phrases that are this field's without an
	// ICT word beside them count alone (context own), each with the other
	// fields' senses excepted: regional organisations' CBMs, attribution
	// said of States, the definitions of what is critical, authorised
	// emergency response teams; a.cbm needs ICT context in the passage
	// (weak words such as "OEWG" count), not within 30 words.
	{"heldout.jsonl", 0.936, 0.936, 0.971, 0.949, 0.027, 1.000},
	{"heldout-fresh.jsonl", 0.909, 0.909, 0.980, 0.941, 0.018, 1.000},
	// final, blind3, blind6 and blind7 were rules14's hold-out: never read
	// while its rules were written, measured before (top-1 / extra: final
	// 0.697/0.030, blind3 0.828/0.121, blind6 0.758/0.030, blind7
	// 0.791/0.082) and after, then raised to the after figures.
	{"heldout-final.jsonl", 0.879, 0.879, 0.967, 0.905, 0.030, 1.000},
	{"heldout-blind.jsonl", 0.983, 0.983, 0.975, 0.979, 0.025, 1.000},
	{"heldout-blind2.jsonl", 0.991, 1.000, 0.948, 0.974, 0.055, 1.000},
	{"heldout-blind3.jsonl", 0.909, 0.939, 0.903, 0.921, 0.101, 1.000},
	{"heldout-blind4.jsonl", 0.980, 0.990, 0.980, 0.985, 0.020, 1.000},
	{"heldout-blind5.jsonl", 0.939, 0.939, 0.984, 0.953, 0.015, 1.000},
	{"heldout-blind6.jsonl", 0.924, 0.924, 0.984, 0.950, 0.015, 1.000},
	{"heldout-blind7.jsonl", 0.918, 0.927, 0.962, 0.944, 0.036, -1},
	{"heldout-offtopic.jsonl", 0, 0, 0, 0, 0, 1.000},
	{"written.jsonl", 0.897, 0.897, 1.000, 0.933, 0.034, -1},
	// written-en: English passages written by the author of issue 14's
	// round-2 rules in four batches, each measured before the rules were
	// changed for it (top-1 of batches 2, 3 and 4 when written: 0.636,
	// 0.636, 0.955, 0.667, 0.567, against 0.636, 0.636, 0.864, 0.667, 0.567
	// on the rules before the round: tag for tag the same on batches 2, 3,
	// 5 and 6), plus no-norm sentences that use each new phrase in another
	// field's sense. A regression guard, not a blind set: 0.675 top-1 on the
	// rules before the round. The fifth batch's broad words took blind9-en's
	// untouched third from 0.795 to 0.821 top-1. Set when the sixth batch
	// was added (micro precision 0.949 -> 0.935 with it: its second norms).
	{"written-en.jsonl", 0.975, 0.975, 0.935, 0.958, 0.055, 0.971},
	// ar, ru and zh: raised when the rules for those languages landed
	// (issue 16; rules/ar.yaml, ru.yaml, zh.yaml), measured without
	// reading the sets; before, micro precision was 1.000 on 2 and 5 tags
	// and not asserted. The broad rules (paraphrase wording beside ICT
	// words) then raised top-1 (ar 0.515 -> 0.530, ru 0.530 -> 0.621, zh
	// 0.591 -> 0.636) and macro F1 (0.637 -> 0.642, 0.649 -> 0.716, 0.717
	// -> 0.720) for more extra norms (0.061 -> 0.121, 0.030 -> 0.061,
	// 0.045 -> 0.136) and a lower micro precision. Then (issue 16, second
	// round) the three languages got ICT context vocabulary of their own,
	// so that theme words need it as English ones do, and vocabulary
	// families per norm written from the norms' meaning; these three sets
	// were the hold-out of that work and not read: top-1 ar 0.530 ->
	// 0.758, ru 0.621 -> 0.758, zh 0.636 -> 0.788, macro F1 0.642 -> 0.829,
	// 0.716 -> 0.829, 0.720 -> 0.831, extra norms 0.121 -> 0.061, 0.061 ->
	// 0.091 (more second norms found beside the first), 0.136 -> 0.121.
	// Raised by issue 16's third round (rules per concept and class of
	// wording: indefinite and pronoun-suffixed Arabic forms, ICT words of
	// other usages, the norms' own phrases in the official translations,
	// traditional characters): top-1 ar 0.758 -> 0.970, ru 0.758 -> 0.955,
	// zh 0.788 -> 1.000. These sets' misses were read in that round, so
	// the figures are regression guards. In Chinese, extra norms rose
	// (0.121 -> 0.136) with the second norms that passages which name two
	// now get.
	// Arabic, issue 16's fourth round (rules/ar.yaml: concept families that
	// carry a norm without an ICT word, construct-state and suffixed
	// forms, weak context words as in English), driven by blind9, blind10,
	// written2 and the author's own sentences, with blind11 held out and
	// run once after it: blind11 top-1 0.714 -> 0.844, no-norm untagged
	// 0.938 unchanged. blind11's misses were then read too, with the
	// author's own sentences and trap passages, so every Arabic figure
	// since is a regression guard; floors raised where a figure rose.
	{"heldout-ar.jsonl", 0.985, 0.985, 1.000, 0.992, 0.000, 1.000},
	// ru: raised by issue 16's fourth Russian round (rules/ru.yaml,
	// 2026-12-01), which read this set's misses; its micro precision
	// (0.930) and extra norms (0.076) stay within the margin of the
	// values kept here.
	{"heldout-ru.jsonl", 1.000, 1.000, 0.941, 0.965, 0.061, 1.000},
	{"heldout-zh.jsonl", 1.000, 1.000, 0.943, 0.972, 0.061, 1.000},
	// blind8 (en, ar, ru, zh): written on 2026-11-30 by a helper that read
	// only the norm texts, never the rules or the tagger, and kept outside
	// the repository until the precision (issue 14) and language (issue
	// 16) rules had landed; nobody writing rules saw them. First run, rules
	// at 8b0169c..819e666 (top-1 / carried / extra / no-norm untagged):
	// en 0.773/0.782/0.082/1.000, ar 0.576/0.576/0.076/0.857, ru
	// 0.652/0.652/0.045/0.786, zh 0.667/0.667/0.106/0.786. On the rules
	// before this round's precision and language work (e142403): en
	// 0.80/0.82/0.14/0.45, ar 0.00/0.00/0.00/1.00, ru 0.11/0.11/0.00/1.00,
	// zh 0.00/0.00/0.00/1.00. Below issue 14's 0.80 top-1 in English and
	// issue 16's 0.75 top-1 / 0.95 untagged in ar, ru and zh. The ar, ru
	// and zh sets were then the development sets of issue 16's second
	// round (their misses showed which kinds of wording the rules lacked),
	// so their figures since (top-1 0.97, no-norm untagged 1.000) are
	// regression guards, not measures of generalisation.
	{"heldout-blind8-en.jsonl", 0.973, 0.991, 0.956, 0.974, 0.045, 1.000},
	{"heldout-blind8-ar.jsonl", 0.985, 0.985, 0.942, 0.965, 0.061, 1.000},
	{"heldout-blind8-ru.jsonl", 1.000, 1.000, 0.971, 0.986, 0.030, 1.000},
	{"heldout-blind8-zh.jsonl", 1.000, 1.000, 0.943, 0.973, 0.061, 1.000},
	// blind9 (en, ar, ru, zh): written on 2026-11-30 by a helper that read
	// only the norm texts (gge2015.json), never the rules, the tagger or
	// earlier sets, kept outside the repository (/work/blind9) while the
	// English (issue 14) and ar/ru/zh (issue 16) rules of that evening
	// were written by helpers told not to read it. First run, rules
	// 0b88f1cc428f (main at 4d9c779), nothing written for them since:
	// top-1 / carried / extra / no-norm untagged en 0.788/0.788/0.015/1.000,
	// ar 0.649/0.649/0.052/1.000, ru 0.805/0.805/0.104/1.000, zh
	// 0.779/0.779/0.117/1.000. On the rules before that evening's work
	// (3e0276d): en 0.765/0.765/0.03/1.000, ar 0.506/0.506/0.04/1.000, ru
	// 0.623/0.623/0.06/1.000, zh 0.740/0.753/0.10/1.000. Issue 14's 0.80
	// top-1 in English is missed by two passages of 132; issue 16's 0.75
	// top-1 is reached in Russian and Chinese, not in Arabic; every no-norm
	// passage is untagged in all four.
	{"heldout-blind9-en.jsonl", 0.909, 0.909, 0.981, 0.936, 0.016, 1.000},
	// Raised by issue 16's third round, whose helper split each language
	// by a hash of its lines, tuned on two thirds and never read the
	// third (32, 33 and 32 passages; its figures, never its passages, were
	// looked at four times): top-1 on the untouched third before / after
	// ar 0.625/0.750, ru 0.852/0.852, zh 0.852/0.889 (no-norm untagged
	// 1.000 throughout); on the whole set ar 0.649 -> 0.883, ru 0.805 ->
	// 0.909, zh 0.779 -> 0.935. The first run above stays the
	// generalisation figure.
	{"heldout-blind9-ar.jsonl", 1.000, 1.000, 0.975, 0.988, 0.026, 1.000},
	{"heldout-blind9-ru.jsonl", 1.000, 1.000, 0.928, 0.965, 0.078, 1.000},
	{"heldout-blind9-zh.jsonl", 0.974, 0.974, 0.926, 0.951, 0.078, 1.000},
	// blind10 (en, ar, ru, zh): written by a helper that read only the
	// norm texts (gge2015.json), kept outside the repository
	// (/work/blind10) while the rules of that evening were written by
	// helpers who never read it. First run 2026-12-01 01:15 UTC, main
	// df474cd, rules 13b1299e9dc4: top-1 / carried / extra / no-norm
	// untagged en 0.812/0.831/0.104/0.933 (3 of 45 no-norm passages
	// tagged), ar 0.761/0.795/0.125/1.000, ru 0.693/0.716/0.136/0.889
	// (2 of 18), zh 0.795/0.818/0.227/0.944 (1 of 18). The next round
	// split each language by a SHA-256 of its lines, tuned the rules by
	// class on one half and never read the other half's passages or
	// per-passage results (104, 51, 50 and 49 passages); on that half,
	// before / after: en top-1 0.790/0.790, untagged 0.870/0.870; ar
	// 0.750/0.750; ru top-1 0.641/0.667, extra 0.103/0.077, untagged
	// 1.000/1.000; zh top-1 0.805/0.805, extra 0.171/0.146 (a second
	// pass on the tuning half, mostly second norms, changed nothing on
	// the untouched half). Those figures, not the floors below (measured
	// on whole sets after the round), are the generalisation estimate.
	{"heldout-blind10-en.jsonl", 0.812, 0.831, 0.895, 0.859, 0.078, 0.933},
	{"heldout-blind10-ar.jsonl", 1.000, 1.000, 0.967, 0.984, 0.034, 1.000},
	{"heldout-blind10-ru.jsonl", 1.000, 1.000, 0.957, 0.979, 0.045, 1.000},
	{"heldout-blind10-zh.jsonl", 1.000, 1.000, 0.936, 0.969, 0.068, 1.000},
	// blind11 (en, ar, ru, zh): written 01:15-01:21 UTC on 2026-12-01 by
	// a helper that read only the norm texts (gge2015.json), about half
	// of its no-norm passages hard (ordinary senses of the norms' words:
	// a stadium's security, a coffee supply chain, a rescue team answering
	// a request after an earthquake), kept outside the repository
	// (/work/blind11) while the rules round on blind10 was written by a
	// helper told not to read it. First run 2026-12-01 01:49 UTC, main
	// 6705ecc, rules ae568f731573, nothing written for it since (the
	// floors below are that run): top-1 / carried / extra / no-norm
	// untagged en 0.864/0.879/0.068/1.000, ar 0.714/0.766/0.104/0.938, ru
	// 0.753/0.753/0.130/1.000, zh 0.831/0.844/0.130/0.875. Issue 14's
	// English figures are met; issue 16's 0.75 top-1 is missed in Arabic
	// and its 0.95 untagged in Arabic (1 of 16) and Chinese (2 of 16).
	{"heldout-blind11-en.jsonl", 0.864, 0.879, 0.928, 0.901, 0.068, 1.000},
	{"heldout-blind11-ar.jsonl", 1.000, 1.000, 0.928, 0.964, 0.078, 1.000},
	// ru: issue 16's fourth Russian round kept this set as its hold-out
	// until its first batch of rules had landed (5246580, written from
	// the misses of the older sets and the author's own passages), then
	// ran it once (rules e5b84cdd3017): top-1 / carried / micro P / extra
	// / no-norm untagged 0.909/0.909/0.875/0.130/1.000. Its misses were
	// read after that, so the floor below is a regression guard.
	{"heldout-blind11-ru.jsonl", 1.000, 1.000, 0.939, 0.972, 0.065, 1.000},
	// zh: issue 16's fourth round kept this set as its hold-out until
	// its first batch of rules had landed (written from the norms'
	// concepts, the older sets and the round's own passages,
	// written3-zh), then ran it once: top-1 / carried / extra / no-norm
	// untagged 0.909/0.922/0.156/1.000. Its misses were read after that,
	// so the floor below is a regression guard.
	{"heldout-blind11-zh.jsonl", 1.000, 1.000, 0.906, 0.956, 0.104, 1.000},
	// blind12 and blind13 (ar, ru, zh): 150 passages each (10 per norm, 40
	// on none), written 02:41-02:47 UTC on 2026-12-01 by two helpers that
	// read only the norm texts (gge2015.json) and a one-page brief, kept
	// outside the repository (/work/blind12, /work/blind13) while three
	// rules helpers, told not to read them, wrote issue 16's fourth round.
	// Each set's three languages are close versions of one another, not
	// independent samples. blind12's first run: 03:46 UTC, main 2ed8753,
	// rules 90208def83ba, top-1 / carried / extra / no-norm untagged ar
	// 0.809/0.827/0.08/1.000, ru 0.836/0.855/0.13/0.975, zh
	// 0.800/0.827/0.12/1.000; it was then given to the rules helpers as a
	// development set, so its floors below are regression guards. blind13
	// ran first at 04:19 UTC, main f081257, rules 43ae127fd96a, after the
	// round had ended, and nothing has been written for it: its floors are
	// that first run.
	{"heldout-blind12-ar.jsonl", 1.000, 1.000, 0.948, 0.974, 0.05, 1.000},
	{"heldout-blind12-ru.jsonl", 1.000, 1.000, 0.924, 0.963, 0.08, 1.000},
	{"heldout-blind12-zh.jsonl", 1.000, 1.000, 0.940, 0.971, 0.06, 1.000},
	{"heldout-blind13-ar.jsonl", 0.864, 0.891, 0.845, 0.870, 0.15, 0.975},
	{"heldout-blind13-ru.jsonl", 0.909, 0.918, 0.856, 0.886, 0.14, 0.950},
	{"heldout-blind13-zh.jsonl", 0.864, 0.891, 0.845, 0.865, 0.15, 0.975},
	// Passages written with the ar, ru and zh rules (regression guards);
	// raised when the rules' own context vocabulary and intent yields
	// landed (issue 16, second round).
	{"written-ar.jsonl", 1.000, 1.000, 1.000, 1.000, 0.000, 1.000},
	{"written-ru.jsonl", 1.000, 1.000, 0.982, 0.992, 0.018, 1.000},
	{"written-zh.jsonl", 1.000, 1.000, 0.982, 0.992, 0.018, 1.000},
	// Passages written by issue 16's third-round helper from the norms'
	// meaning, in styles the earlier sets lack (indirect wording, national
	// reports, NGO statements), with ICT passages that state no norm and
	// traps for the rules that need no ICT word (hadith isnad, food
	// traceability, disaster relief); they found the classes that round
	// added, so they are regression guards. Before that round (rules at
	// 954de10) top-1 was ar 0.574, ru 0.563, zh 0.622. One Arabic no-norm
	// passage (cooperation in digital education) was tagged (a) until the
	// Arabic fourth round.
	{"written2-ar.jsonl", 0.980, 0.980, 0.980, 0.980, 0.020, 1.000},
	{"written2-ru.jsonl", 0.993, 0.993, 0.978, 0.987, 0.022, 1.000},
	{"written2-zh.jsonl", 0.985, 0.985, 0.971, 0.980, 0.030, 1.000},
	// Passages written by issue 16's fourth-round zh helper in seven
	// batches, each measured before any rule was written for it (top-1 on
	// first run: 0.79, 0.64, 0.64, 0.76, 0.78, 0.91, 0.77; the rules before
	// the round gave 0.71 on the whole set), and no-norm passages full of
	// ICT words (the future UN mechanism, capacity building, statistics,
	// international law, AI, e-government), using the norms' words in
	// their ordinary senses (a tax law's loopholes, a rescue team
	// answering a neighbour's request) or holding a rule's phrase inside
	// another word or sense (据知悉, 不可接受的, 网络实名制的真实身份,
	// 系统升级, 记者会); no-norm untagged was 0.91 before the round.
	// Regression guards.
	{"written3-zh.jsonl", 0.991, 0.991, 0.939, 0.965, 0.065, 1.000},
	// Passages written by issue 16's fourth-round ru helper in twelve
	// batches, each measured before any rule was written for it (top-1 on
	// first run: 0.54, 0.45, 0.66, 0.55, 0.42, 0.56, 0.55, 0.46, 0.77,
	// 0.64, 0.59, 0.67; no-norm untagged 0.92-1.00), and two batches of no-norm
	// traps: ICT passages that state no norm and the norms' words in
	// their ordinary senses (a stadium's security, coffee supply chains,
	// rescuers answering a request, a vaccine's components, bonuses for a
	// bridge's defects). Three traps are still tagged. Regression guards.
	{"written3-ru.jsonl", 0.992, 0.992, 0.960, 0.976, 0.035, 0.989},
	// Passages written by issue 16's fourth-round ar helper in seven
	// batches, each measured before any rule was written for it (top-1 on
	// first run: 0.43, 0.79, 0.63, 0.45, 0.70, 0.67, 0.67; no-norm
	// untagged 1.000 in each), and three batches of no-norm traps (relief
	// and rescue teams, army confidence-building, audit gaps, statistics,
	// capacity building, political accusations, historians' ascriptions,
	// drought relief, procurement) written against the rules that need no
	// ICT word: first run 0.53, 0.90, 0.40 untagged, now 0.947, 0.933,
	// 0.960. Rules at 2468d89 scored 0.540 top-1, 0.922 untagged on the
	// whole set. Regression guards.
	{"written3-ar.jsonl", 0.983, 0.983, 0.959, 0.971, 0.021, 0.967},
}

// TestGoldSetFloors runs eval on the project's own gold sets
// (pipeline/tag/testdata) with the default rules and fails when a figure
// drops below its floor. A gold set without a floor is only logged, so
// that a helper adding one does not break this test before it is
// measured.
func TestGoldSetFloors(t *testing.T) {
	tg, err := tag.Default()
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, f := range floors {
		have[f.file] = true
		gold, err := ReadGold(filepath.Join("..", "testdata", f.file))
		if err != nil {
			t.Fatal(err)
		}
		res, err := Run(context.Background(), gold, tg, Options{})
		if err != nil {
			t.Fatal(err)
		}
		g := res.Figures
		t.Logf("%s: top-1 %.3f carried %.3f micro P %.3f macro F1 %.3f extra %.3f untagged %.3f",
			f.file, g.Top1, g.Carried, g.Micro.Precision, g.Macro.F1, g.Extra, g.Untagged)
		low := func(name string, got, today float64) {
			if got < today-floorMargin {
				t.Errorf("%s: %s %.3f, below its floor (%.3f measured when set)", f.file, name, got, today)
			}
		}
		low("top-1", g.Top1, f.top1)
		low("carried", g.Carried, f.carried)
		low("micro precision", g.Micro.Precision, f.microP)
		low("macro F1", g.Macro.F1, f.macroF1)
		if g.Extra > f.extra+floorMargin {
			t.Errorf("%s: extra norms per passage %.3f, above its ceiling (%.3f measured when set)", f.file, g.Extra, f.extra)
		}
		if f.untagged >= 0 {
			low("no-norm untagged", g.Untagged, f.untagged)
		}
	}
	entries, err := os.ReadDir(filepath.Join("..", "testdata"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if filepath.Ext(e.Name()) == ".jsonl" && !have[e.Name()] {
			t.Logf("gold set %s has no floor in TestGoldSetFloors yet: measure it and add one", e.Name())
		}
	}
}

// TestLabelledExplainer evaluates the labelled explainer in ../shared in
// both modes: every gold passage must be found in the tagged document,
// and section context must not lose what the passages alone carry.
func TestLabelledExplainer(t *testing.T) {
	path := filepath.Join("..", "..", "..", "..", "shared", "labeled", "gpd-norms-explainer.gold.jsonl")
	if _, err := os.Stat(path); err != nil {
		t.Skip("skipping: ../shared/labeled absent")
	}
	gold, err := ReadGold(path)
	if err != nil {
		t.Fatal(err)
	}
	tg, err := tag.Default()
	if err != nil {
		t.Fatal(err)
	}
	alone, err := Run(context.Background(), gold, tg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Run(context.Background(), gold, tg, Options{Mode: Document, Extractor: pipeline.UnsafeInProcess{}, DocDir: filepath.Dir(path)})
	if err != nil {
		t.Fatal(err)
	}
	a, d := alone.Figures, doc.Figures
	t.Logf("isolated: top-1 %.3f carried %.3f micro P %.3f extra %.3f; document: top-1 %.3f carried %.3f micro P %.3f extra %.3f",
		a.Top1, a.Carried, a.Micro.Precision, a.Extra, d.Top1, d.Carried, d.Micro.Precision, d.Extra)
	if d.Unmatched != 0 {
		for _, o := range doc.Outcomes {
			if o.Unmatched {
				t.Logf("not found: line %d %.80q", o.Gold.Line, o.Gold.Text)
			}
		}
		t.Errorf("%d gold passages not found in the tagged document", d.Unmatched)
	}
	if d.Carried < a.Carried || d.Carried < 0.95 {
		t.Errorf("document mode carries %.3f of the gold norms, isolated %.3f; want >= both it and 0.95", d.Carried, a.Carried)
	}
}
