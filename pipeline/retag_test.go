package pipeline_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/internal/sampledata"
	"github.com/normtag/normtag/pipeline"
	"github.com/normtag/normtag/pipeline/tag"
)

// indexFingerprint names every file of the live index with its size and
// modification time: any write to the index changes it.
func indexFingerprint(t *testing.T, d *datadir.Dir) string {
	t.Helper()
	h := sha256.New()
	live, err := d.LiveIndexDir()
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(h, live)
	err = filepath.WalkDir(live, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		fmt.Fprintln(h, p, info.Size(), info.ModTime().UnixNano())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// TestRetagWritesOnlyChangedDocuments re-tags the sample corpus with the
// rules that tagged it (nothing may be written, to the index or the
// store), then with one rule added (only the documents whose tags change
// are rewritten, and the index has them all).
func TestRetagWritesOnlyChangedDocuments(t *testing.T) {
	ctx := context.Background()
	tagger, err := tag.Default()
	if err != nil {
		t.Fatal(err)
	}
	d, err := datadir.Open(ctx, t.TempDir(), datadir.Options{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	sum, err := pipeline.Ingest(ctx, d, []string{"../examples/corpus"}, pipeline.IngestOptions{Tagger: tagger, Extractor: pipeline.UnsafeInProcess{}})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Added != 5 {
		t.Fatalf("ingested %d documents, want the 5 samples (failures %+v)", sum.Added, sum.Failures)
	}
	statsBefore, err := d.Store.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	before := indexFingerprint(t, d)
	rs, err := pipeline.Retag(ctx, d, tagger, pipeline.RetagOptions{All: true})
	if err != nil {
		t.Fatal(err)
	}
	if rs.Documents != 5 || rs.Changed != 0 {
		t.Fatalf("retag with the same rules: %d documents re-tagged, %d changed; want 5, 0", rs.Documents, rs.Changed)
	}
	if after := indexFingerprint(t, d); after != before {
		t.Fatal("retag with the same rules wrote to the index")
	}
	if ids, err := d.Store.Unindexed(ctx); err != nil || len(ids) != 0 {
		t.Fatalf("unindexed after an unchanged retag: %v %v", ids, err)
	}

	// One more rule for (g): documents that mention tabletop or joint
	// exercises gain tags, the rest stay as they were.
	other := exerciseRules(t)
	rs, err = pipeline.Retag(ctx, d, other, pipeline.RetagOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rs.Documents != 5 || rs.Changed == 0 || rs.Changed == 5 || rs.Added["g"] == 0 {
		t.Fatalf("retag with an added rule: %d re-tagged, %d changed, added %v; want 5 re-tagged, some but not all changed, (g) added", rs.Documents, rs.Changed, rs.Added)
	}
	st, err := d.Store.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.RulesVersions[other.Version()] != 5 {
		t.Fatalf("rules versions after retag: %v, want all 5 on %s", st.RulesVersions, other.Version())
	}
	if st.Norms["g"] != statsBefore.Norms["g"]+rs.Added["g"] {
		t.Fatalf("(g) passages %d, want %d + %d", st.Norms["g"], statsBefore.Norms["g"], rs.Added["g"])
	}
	if ids, err := d.Store.Unindexed(ctx); err != nil || len(ids) != 0 {
		t.Fatalf("unindexed after retag: %v %v", ids, err)
	}
}

// TestRetagKeepsJudgements rejects (g) on the passage that a new rule
// for (g) will tag, then re-tags: with the same rules nothing is written,
// and with the new rule the passage still lacks (g) while the judgement
// now names the rule it overrides.
func TestRetagKeepsJudgements(t *testing.T) {
	ctx := context.Background()
	tagger, err := tag.Default()
	if err != nil {
		t.Fatal(err)
	}
	d, err := datadir.Open(ctx, t.TempDir(), datadir.Options{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := pipeline.Ingest(ctx, d, []string{"../examples/corpus"}, pipeline.IngestOptions{Tagger: tagger, Extractor: pipeline.UnsafeInProcess{}}); err != nil {
		t.Fatal(err)
	}
	var docID string
	seq := -1
	err = d.Store.EachDocument(ctx, corpus.WithPassages, func(doc *corpus.Document) error {
		for _, p := range doc.Passages {
			if strings.Contains(p.Text, "tabletop exercise") && !slices.Contains(p.Norms(), "g") {
				docID, seq = doc.ID, p.Seq
			}
		}
		return nil
	})
	if err != nil || seq < 0 {
		t.Fatalf("no sample passage about a tabletop exercise without (g): %v", err)
	}
	if _, err := d.Judge(ctx, corpus.Judgement{DocID: docID, Seq: seq, Norm: "g", Verdict: corpus.Reject, By: "ana"}); err != nil {
		t.Fatal(err)
	}
	before := indexFingerprint(t, d)
	rs, err := pipeline.Retag(ctx, d, tagger, pipeline.RetagOptions{All: true})
	if err != nil {
		t.Fatal(err)
	}
	if rs.Changed != 0 || indexFingerprint(t, d) != before {
		t.Fatalf("retag with the same rules rewrote %d documents: a judgement must not look like a change", rs.Changed)
	}

	other := exerciseRules(t)
	if _, err := pipeline.Retag(ctx, d, other, pipeline.RetagOptions{}); err != nil {
		t.Fatal(err)
	}
	ps, err := d.Store.Passages(ctx, docID)
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(ps[seq].Norms(), "g") {
		t.Errorf("after retag with a rule for it, the rejected (g) is back: %+v", ps[seq].Tags)
	}
	js, err := d.Store.Judgements(ctx, docID)
	if err != nil || len(js) != 1 {
		t.Fatalf("judgements: %v %v", js, err)
	}
	if o := js[0].Overrides(); !js[0].Disagrees() || !slices.ContainsFunc(o, func(r string) bool { return strings.Contains(r, "exercises") }) {
		t.Errorf("the rejection must name the new rule it overrides: %v (rule tag %+v)", o, js[0].RuleTag)
	}
	if ids, err := d.Store.Unindexed(ctx); err != nil || len(ids) != 0 {
		t.Fatalf("unindexed after retag: %v %v", ids, err)
	}
}

// exerciseRules is the tagger of sampledata.ExerciseRules.
func exerciseRules(t testing.TB) *tag.Tagger {
	t.Helper()
	tagger, err := tag.Load(sampledata.ExerciseRules())
	if err != nil {
		t.Fatal(err)
	}
	return tagger
}
