package pipeline_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/pipeline"
	"github.com/normtag/normtag/pipeline/tag"
)

// batchTagger tags batches with a real tagger, as a worker does, and
// records what it was handed; failAt makes the batch of that number (1
// for the first) fail.
type batchTagger struct {
	tagger *tag.Tagger
	limits pipeline.BatchLimits
	failAt int

	mu      sync.Mutex
	batches [][]string
	tagged  bool // a passage arrived with tags
}

var errBatchLost = errors.New("workers unreachable")

func (b *batchTagger) TagBatch(ctx context.Context, docs []*corpus.Document) error {
	b.mu.Lock()
	ids := make([]string, len(docs))
	for i, d := range docs {
		ids[i] = d.ID
		for _, p := range d.Passages {
			if p.Tags != nil {
				b.tagged = true
			}
		}
	}
	b.batches = append(b.batches, ids)
	n := len(b.batches)
	b.mu.Unlock()
	if n == b.failAt {
		return errBatchLost
	}
	for _, d := range docs {
		b.tagger.Tag(d.Passages)
	}
	return nil
}

func (b *batchTagger) BatchLimits() pipeline.BatchLimits { return b.limits }

// retagCorpus ingests the sample corpus into a new data directory and
// rejects one passage's (a), so that judgements take part.
func retagCorpus(t *testing.T, tagger *tag.Tagger) *datadir.Dir {
	t.Helper()
	ctx := context.Background()
	d, err := datadir.Open(ctx, t.TempDir(), datadir.Options{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := pipeline.Ingest(ctx, d, []string{"../examples/corpus"}, pipeline.IngestOptions{Tagger: tagger, Extractor: pipeline.UnsafeInProcess{}}); err != nil {
		t.Fatal(err)
	}
	judged := false
	err = d.Store.EachDocument(ctx, corpus.WithPassages, func(doc *corpus.Document) error {
		for _, p := range doc.Passages {
			if !judged && slices.Contains(p.Norms(), "a") {
				judged = true
				_, err := d.Judge(ctx, corpus.Judgement{DocID: doc.ID, Seq: p.Seq, Norm: "a", Verdict: corpus.Reject, By: "ana"})
				return err
			}
		}
		return nil
	})
	if err != nil || !judged {
		t.Fatalf("no passage with (a) to reject: %v", err)
	}
	return d
}

// storedTags lists every stored passage with its tags and every
// document's rules version.
func storedTags(t *testing.T, d *datadir.Dir) string {
	t.Helper()
	var b strings.Builder
	err := d.Store.EachDocument(context.Background(), corpus.WithPassages, func(doc *corpus.Document) error {
		b.WriteString(doc.ID + " " + doc.RulesVersion + "\n")
		for _, p := range doc.Passages {
			j, _ := json.Marshal(p.Tags)
			b.Write(j)
			b.WriteByte('\n')
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func summaryJSON(s *pipeline.RetagSummary) string {
	c := *s
	c.Duration = 0
	j, _ := json.Marshal(c)
	return string(j)
}

// TestRetagInBatchesEqualsLocalRetag re-tags two copies of the sample
// corpus with rules that change tags, one with the tagger here and one
// through a BatchTagger in small batches, three out at once: summaries,
// stored tags and stats are the same, and every batch kept the limits.
// A batch that fails stops the run; running again finishes it, with the
// same result.
func TestRetagInBatchesEqualsLocalRetag(t *testing.T) {
	ctx := context.Background()
	builtin, err := tag.Default()
	if err != nil {
		t.Fatal(err)
	}
	other := exerciseRules(t)

	local := retagCorpus(t, builtin)
	want, err := pipeline.Retag(ctx, local, other, pipeline.RetagOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want.Changed == 0 || want.Added["g"] == 0 {
		t.Fatalf("the new rules changed nothing: %+v", want)
	}

	batched := retagCorpus(t, builtin)
	bt := &batchTagger{tagger: other, limits: pipeline.BatchLimits{Docs: 2, Bytes: 4 << 10, InFlight: 3}}
	got, err := pipeline.Retag(ctx, batched, other, pipeline.RetagOptions{Batches: bt})
	if err != nil {
		t.Fatal(err)
	}
	if w, g := summaryJSON(want), summaryJSON(got); w != g {
		t.Errorf("summaries differ:\nlocal   %s\nbatched %s", w, g)
	}
	if w, g := storedTags(t, local), storedTags(t, batched); w != g {
		t.Errorf("stored tags differ:\nlocal\n%s\nbatched\n%s", w, g)
	}
	ws, _ := local.Store.Stats(ctx)
	gs, _ := batched.Store.Stats(ctx)
	if wj, gj := mustJSON(ws), mustJSON(gs); wj != gj {
		t.Errorf("stats differ:\nlocal   %s\nbatched %s", wj, gj)
	}
	if len(bt.batches) < 3 || bt.tagged {
		t.Errorf("%d batches, a passage sent with its tags: %v; want at least 3 batches of untagged passages", len(bt.batches), bt.tagged)
	}
	for _, b := range bt.batches {
		if len(b) > 2 {
			t.Errorf("a batch of %d documents, over the limit of 2", len(b))
		}
	}

	// A failing second batch stops the run with its error; what the
	// first batch tagged is committed, and a run again finishes.
	broken := retagCorpus(t, builtin)
	bt = &batchTagger{tagger: other, limits: pipeline.BatchLimits{Docs: 2, InFlight: 1}, failAt: 2}
	if _, err := pipeline.Retag(ctx, broken, other, pipeline.RetagOptions{Batches: bt}); !errors.Is(err, errBatchLost) {
		t.Fatalf("retag with a failing batch: %v, want %v", err, errBatchLost)
	}
	st, _ := broken.Store.Stats(ctx)
	if st.RulesVersions[other.Version()] != 2 {
		t.Errorf("after a failed second batch, %d documents on the new rules, want the first batch's 2 (%v)", st.RulesVersions[other.Version()], st.RulesVersions)
	}
	bt = &batchTagger{tagger: other, limits: pipeline.BatchLimits{Docs: 2, InFlight: 2}}
	if _, err := pipeline.Retag(ctx, broken, other, pipeline.RetagOptions{Batches: bt}); err != nil {
		t.Fatal(err)
	}
	if w, g := storedTags(t, local), storedTags(t, broken); w != g {
		t.Errorf("stored tags after an interrupted batched run and a second differ from a local run's:\nlocal\n%s\nbatched\n%s", w, g)
	}
}

func mustJSON(v any) string {
	j, _ := json.Marshal(v)
	return string(j)
}
