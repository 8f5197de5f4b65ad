package pipeline_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/pipeline"
	"github.com/normtag/normtag/pipeline/tag"
	"github.com/normtag/normtag/rules"
)

// leavesOut tags batches with a real tagger but one document, which it
// names in a *pipeline.NotTaggedError with why, as retag --nats does for a
// document that kills workers.
type leavesOut struct {
	batchTagger
	doc, why string
}

func (l *leavesOut) TagBatch(ctx context.Context, docs []*corpus.Document) error {
	var rest []*corpus.Document
	left := false
	for _, d := range docs {
		if d.ID == l.doc {
			left = true
		} else {
			rest = append(rest, d)
		}
	}
	if err := l.batchTagger.TagBatch(ctx, rest); err != nil {
		return err
	}
	if !left {
		return nil
	}
	return &pipeline.NotTaggedError{Why: map[string]string{l.doc: l.why}}
}

// docTags is one document's stored rules version and tags.
func docTags(t *testing.T, d *datadir.Dir, id string) string {
	t.Helper()
	doc, err := d.Store.Document(context.Background(), id, corpus.WithPassages)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString(doc.RulesVersion + "\n")
	for _, p := range doc.Passages {
		j, _ := json.Marshal(p.Tags)
		b.Write(j)
		b.WriteByte('\n')
	}
	return b.String()
}

// TestRetagKeepsDocumentsTheBatchTaggerLeavesOut: a document the batch
// tagger could not tag is listed in the summary with the reason, keeps
// its stored tags and rules version, and is not counted as re-tagged; the
// other documents get a local retag's tags, a dry run lists it too, and a
// later run re-tags it. An empty reason still leaves it out.
func TestRetagKeepsDocumentsTheBatchTaggerLeavesOut(t *testing.T) {
	ctx := context.Background()
	builtin, err := tag.Default()
	if err != nil {
		t.Fatal(err)
	}
	other, err := tag.Load([]byte(strings.Replace(string(rules.Default), "\nthreshold: 0.5\n", "\nthreshold: 0.9\n", 1)))
	if err != nil {
		t.Fatal(err)
	}
	local := retagCorpus(t, builtin)
	want, err := pipeline.Retag(ctx, local, other, pipeline.RetagOptions{})
	if err != nil {
		t.Fatal(err)
	}

	for _, why := range []string{"2 worker processes ended while tagging it", ""} {
		batched := retagCorpus(t, builtin)
		// The first document whose tags the new rules change.
		victim := ""
		if len(want.Examples) == 0 {
			t.Fatal("the new rules changed no tag")
		}
		for _, ex := range want.Examples {
			for _, e := range append(ex.Removed, ex.Added...) {
				victim = e.Doc
			}
		}
		kept := docTags(t, batched, victim)
		lo := &leavesOut{batchTagger: batchTagger{tagger: other, limits: pipeline.BatchLimits{Docs: 3, InFlight: 2}}, doc: victim, why: why}

		dry, err := pipeline.Retag(ctx, batched, other, pipeline.RetagOptions{Batches: lo, DryRun: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(dry.NotRetagged) != 1 || dry.NotRetagged[0].Doc != victim {
			t.Errorf("dry run lists as not re-tagged %+v, want %s", dry.NotRetagged, victim)
		}

		got, err := pipeline.Retag(ctx, batched, other, pipeline.RetagOptions{Batches: lo})
		if err != nil {
			t.Fatalf("a document left out stopped the run: %v", err)
		}
		if len(got.NotRetagged) != 1 || got.NotRetagged[0].Doc != victim || got.NotRetagged[0].Passages == 0 ||
			why != "" && got.NotRetagged[0].Reason != why || got.NotRetagged[0].Reason == "" {
			t.Errorf("summary lists as not re-tagged %+v, want %s with reason %q", got.NotRetagged, victim, why)
		}
		if got.Documents != want.Documents-1 || got.Changed >= want.Changed+1 {
			t.Errorf("re-tagged %d documents (%d changed), want %d (at most %d changed)", got.Documents, got.Changed, want.Documents-1, want.Changed)
		}
		if after := docTags(t, batched, victim); after != kept {
			t.Errorf("the document left out changed:\nbefore\n%s\nafter\n%s", kept, after)
		}
		if strings.Contains(kept, other.Version()) {
			t.Fatal("the document was on the new rules before the run")
		}

		// A later run with a tagger that tags everything re-tags the
		// document left out, and only it; the corpus is then a local
		// retag's.
		again, err := pipeline.Retag(ctx, batched, other, pipeline.RetagOptions{Batches: &batchTagger{tagger: other}})
		if err != nil {
			t.Fatal(err)
		}
		if again.Documents != 1 || len(again.NotRetagged) != 0 {
			t.Errorf("the run after re-tagged %d documents (%+v), want the one left out", again.Documents, again.NotRetagged)
		}
		if w, g := storedTags(t, local), storedTags(t, batched); w != g {
			t.Errorf("stored tags differ from a local retag's after the second run")
		}
	}
}
