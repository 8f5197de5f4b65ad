package main

import (
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/normtag/normtag/internal/norms"
	"github.com/normtag/normtag/pipeline/tag"
	"github.com/normtag/normtag/pipeline/tag/eval"
	"github.com/normtag/normtag/pipeline/tag/suggest"
)

// normVocabulary gives each norm two sentences built on a phrase of its
// own, which the built-in rules need not know. Three submissions use them
// under "Norm N" headings, with sentences shared by every section around
// them; the gold passages below use the same phrases in other sentences,
// which speak of ICTs as the rules' context requires of a passage alone.
var normVocabulary = map[string][2]string{
	"a": {"%s hosted two rounds of tabletop diplomacy with its neighbours this year.", "Tabletop diplomacy lets officials rehearse a crisis before one happens."},
	"b": {"%s applies an evidentiary threshold before it names anyone in public.", "Meeting the evidentiary threshold takes months of careful work."},
	"c": {"%s acts quickly on reports of hosting abuse by servers within its borders.", "Hosting abuse reported by other countries is investigated within a week."},
	"d": {"%s joined the digital evidence exchange run by regional prosecutors.", "The digital evidence exchange shortened investigations of fraud rings."},
	"e": {"%s funds civic watchdog groups that scrutinise interception powers.", "Civic watchdog groups publish yearly reports on online censorship."},
	"f": {"%s condemns destructive wiper campaigns against water and power utilities.", "Destructive wiper campaigns against hospitals are never acceptable."},
	"g": {"%s requires grid operators to rehearse restoration after outages.", "Grid operators now share warnings with the national regulator."},
	"h": {"%s keeps surge support teams ready to help partners after major incidents.", "Surge support teams flew to a partner country twice last year."},
	"i": {"%s asks vendors for a software bill of materials with every public tender.", "A software bill of materials shows which components a product contains."},
	"j": {"%s offers a safe harbour for researchers who report flaws in good faith.", "The safe harbour for researchers was written with the national bar."},
	"k": {"%s upholds response team neutrality in every bilateral arrangement.", "Response team neutrality keeps incident handlers out of politics."},
}

// sharedSentences occur in every section: they must not become rules.
var sharedSentences = []string{
	"Our ministry reports on progress to parliament every year.",
	"Further work is planned with partners in the coming period.",
}

func normCorpus(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, country := range []string{"Examplia", "Fictivia", "Nordland"} {
		var b strings.Builder
		fmt.Fprintf(&b, "# National report of %s on the GGE norms\n\n## Introduction\n\n", country)
		fmt.Fprintf(&b, "%s welcomes this opportunity. %s\n\n", country, sharedSentences[0])
		for i, n := range norms.All {
			v := normVocabulary[n.Letter]
			fmt.Fprintf(&b, "## Norm %d\n\n", n.Number)
			fmt.Fprintf(&b, v[0]+" %s\n\n", country, sharedSentences[i%2])
			fmt.Fprintf(&b, "%s %s\n\n", v[1], sharedSentences[(i+1)%2])
		}
		write(t, filepath.Join(dir, strings.ToLower(country)+".md"), b.String())
	}
	return dir
}

// TestRulesSuggestFromSections: on submissions structured by norm,
// `rules suggest --from sections` proposes for every norm a phrase of its
// own with an estimated precision of at least 0.8 and not the sentences
// every section shares; its YAML loads as rules; adding the top candidate
// of each norm to the built-in rules tags the gold passages that use
// those phrases, as `eval --against` shows; nothing in the corpus changes.
func TestRulesSuggestFromSections(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	if code, _, errs := normtag(t, "ingest", "--data", data, "--quiet", normCorpus(t)); code != 0 {
		t.Fatalf("ingest: exit %d: %s", code, errs)
	}
	// A reader's first open of the store creates SQLite's empty -wal and
	// -shm files; from then on nothing may change.
	statsJSON(t, data)
	before := snapshotDir(t, data)
	code, out, errs := normtag(t, "rules", "suggest", "--data", data, "--format", "json")
	if code != 0 {
		t.Fatalf("rules suggest: exit %d: %s", code, errs)
	}
	var res suggest.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	good := map[string]bool{}
	for _, c := range res.Candidates {
		for _, w := range []string{"ministry", "parliament", "partners", "progress"} {
			if strings.Contains(c.Phrase, w) {
				t.Errorf("(%s) candidate %q comes from a sentence every section shares", c.Norm, c.Phrase)
			}
		}
		if c.Precision >= 0.8 {
			good[c.Norm] = true
		}
	}
	if len(good) < 8 {
		t.Errorf("norms with a candidate of precision >= 0.8: %d (%v), want at least 8; labelled %v", len(good), good, res.Labelled)
	}
	for _, n := range norms.All {
		if res.Labelled[n.Letter] != 6 {
			t.Errorf("(%s): %d passages labelled by its sections, want 6", n.Letter, res.Labelled[n.Letter])
		}
	}

	code, yamlOut, errs := normtag(t, "rules", "suggest", "--data", data)
	if code != 0 {
		t.Fatalf("rules suggest (yaml): exit %d: %s", code, errs)
	}
	var suggested tag.File
	if err := yaml.Unmarshal([]byte(yamlOut), &suggested); err != nil {
		t.Fatalf("the suggested YAML does not load: %v\n%s", err, yamlOut)
	}
	code, _, errs = normtag(t, "rules", "suggest", "--data", data, "--norm", "7", "--from", "judgements")
	if code == 0 || !strings.Contains(errs, "no judgements recorded") {
		t.Errorf("--from judgements: exit %d, %q", code, errs)
	}
	sameSnapshot(t, "rules suggest", before, snapshotDir(t, data))
	testSuggestFromJudgements(t, data)

	// The built-in rules plus each norm's top candidate.
	_, dumped, _ := normtag(t, "rules", "dump")
	var base tag.File
	if err := yaml.Unmarshal([]byte(dumped), &base); err != nil {
		t.Fatal(err)
	}
	added := 0
	for n, rs := range suggested.Norms {
		if len(rs) > 0 {
			base.Norms[n] = append(base.Norms[n], rs[0])
			added++
		}
	}
	merged, err := yaml.Marshal(base)
	if err != nil {
		t.Fatal(err)
	}
	mergedPath := filepath.Join(t.TempDir(), "with-suggestions.yaml")
	write(t, mergedPath, string(merged))
	if code, out, errs := normtag(t, "rules", "test", "--rules", mergedPath); code != 0 {
		t.Fatalf("rules test on the merged rules: exit %d\n%s%s", code, out, errs)
	}

	gold := filepath.Join(t.TempDir(), "gold.jsonl")
	var g strings.Builder
	golden := map[string]string{
		"a": "Regional tabletop diplomacy on cyber matters should become a standing practice.",
		"b": "No accusation over a cyber operation may be made before the evidentiary threshold is met.",
		"c": "Complaints about hosting abuse by cyber criminals go to a single national desk.",
		"d": "Prosecutors asked to widen the digital evidence exchange on cyber fraud to new partners.",
		"e": "Civic watchdog groups must be able to work online without fear.",
		"f": "Destructive wiper campaigns in cyberspace cross a line that must not be crossed.",
		"g": "Grid operators have to test their cyber backup control rooms.",
		"h": "Surge support teams for cyber emergencies can be requested through the embassy.",
		"i": "Buyers of ICT equipment should insist on a software bill of materials.",
		"j": "A safe harbour for researchers encourages honest disclosure of cyber flaws.",
		"k": "Response team neutrality must be respected by all sides in cyberspace.",
	}
	for _, n := range norms.All {
		line, _ := json.Marshal(map[string]string{"norm": n.Letter, "lang": "en", "text": golden[n.Letter]})
		g.Write(line)
		g.WriteByte('\n')
	}
	write(t, gold, g.String())
	code, out, errs = normtag(t, "eval", "--gold", gold, "--against", mergedPath, "--format", "json")
	var cmp eval.Comparison
	if err := json.Unmarshal([]byte(out), &cmp); code != 0 || err != nil {
		t.Fatalf("eval --against: exit %d, %v: %s", code, err, errs)
	}
	better := 0
	for _, ch := range cmp.Changes {
		if ch.Effect == "better" {
			better++
		}
	}
	b, a := cmp.Before.Figures, cmp.After.Figures
	t.Logf("%d candidates added; eval: carried %.2f -> %.2f, top-1 %.2f -> %.2f, %d passages better", added, b.Carried, a.Carried, b.Top1, a.Top1, better)
	// Every gold passage the built-in rules miss is one the candidates
	// should find (they found all 11 when this was written; the built-in
	// rules 4).
	missed := b.Normed - int(math.Round(b.Carried*float64(b.Normed)))
	if better < missed || missed < 3 || a.Carried < 0.9 || a.Micro.F1 <= b.Micro.F1 {
		t.Errorf("adding the top candidates: %d passages better, carried %.2f -> %.2f, micro F1 %.2f -> %.2f", better, b.Carried, a.Carried, b.Micro.F1, a.Micro.F1)
	}
}

// testSuggestFromJudgements: an analyst adds norm (b) to three passages
// on tabletop diplomacy (the same sentence in three documents); suggest
// --from judgements learns (b) candidates from their words, and --from
// both from them and the sections.
func testSuggestFromJudgements(t *testing.T, data string) {
	// The same sentence in each of the three documents: without
	// --no-collapse search shows them as one hit.
	res := searchJSON(t, "--data", data, "--limit", "3", "--no-collapse", `"diplomacy lets officials"`)
	if len(res.Hits) != 3 || res.Hits[0].Text != res.Hits[2].Text {
		t.Fatalf("%d hits for the tabletop diplomacy sentence, want 3 of the same text", len(res.Hits))
	}
	for _, h := range res.Hits {
		if code, _, errs := normtag(t, "review", "add", "--data", data, "--by", "ana", h.DocID, fmt.Sprint(h.Seq), "b"); code != 0 {
			t.Fatalf("review add: exit %d: %s", code, errs)
		}
	}
	for _, from := range []string{"judgements", "both"} {
		code, out, errs := normtag(t, "rules", "suggest", "--data", data, "--from", from, "--norm", "b", "--top", "100", "--format", "json")
		var sr suggest.Result
		if err := json.Unmarshal([]byte(out), &sr); code != 0 || err != nil {
			t.Fatalf("suggest --from %s: exit %d, %v: %s", from, code, err, errs)
		}
		judged := " " + strings.Join(tag.Words(res.Hits[0].Text), " ") + " "
		found := false
		for _, c := range sr.Candidates {
			if c.Norm != "b" {
				t.Errorf("--norm b gave a (%s) candidate", c.Norm)
			}
			if strings.Contains(judged, " "+c.Phrase+" ") && c.Support == 3 && c.Precision == 1 {
				found = true
			}
		}
		if !found || sr.Labelled["b"] < 3 {
			t.Errorf("--from %s: no (b) candidate of support 3 from the judged sentence %q among %d (labelled %v)", from, judged, len(sr.Candidates), sr.Labelled)
		}
		if from == "both" && sr.Labelled["b"] != 9 {
			t.Errorf("--from both: (b) labelled %d, want 6 from sections and 3 from judgements", sr.Labelled["b"])
		}
	}
}
