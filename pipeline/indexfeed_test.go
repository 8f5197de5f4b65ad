package pipeline_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/pipeline"
	"github.com/normtag/normtag/pipeline/tag"
)

// An ingest whose documents have more passages than its index goroutine
// queues at once (so the store's writer waits for it), then one that
// changes some files and prunes others (deletions queued between adds):
// each ends with the index holding exactly the store's documents, with
// all their passages, and nothing left unindexed. A lost wake-up in the
// queue hangs the test; an index goroutine still writing when the run
// heals the index fails it.
func TestIngestIndexesWhatItStoresInOrder(t *testing.T) {
	ctx := context.Background()
	src := t.TempDir()
	write := func(i int, version string) {
		t.Helper()
		var b strings.Builder
		fmt.Fprintf(&b, "Submission %d (%s)\n\n", i, version)
		for p := range 400 {
			fmt.Fprintf(&b, "Paragraph %d of submission %d, %s: States should cooperate to prevent harmful ICT practices and report vulnerabilities.\n\n", p, i, version)
		}
		if err := os.WriteFile(filepath.Join(src, fmt.Sprintf("sub-%02d.txt", i)), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 16 { // some 6,400 passages: more than the feed queues at once
		write(i, "first")
	}
	tagger, err := tag.Default()
	if err != nil {
		t.Fatal(err)
	}
	d, err := datadir.Open(ctx, t.TempDir(), datadir.Options{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ingest := func(wantAdded, wantPruned int) {
		t.Helper()
		sum, err := pipeline.Ingest(ctx, d, []string{src}, pipeline.IngestOptions{Tagger: tagger, Extractor: pipeline.UnsafeInProcess{}, Prune: true}) // text files this test wrote
		if err != nil {
			t.Fatal(err)
		}
		if sum.Added != wantAdded || sum.Pruned != wantPruned || sum.Failed != 0 {
			t.Fatalf("added %d, pruned %d, failed %d; want %d added, %d pruned", sum.Added, sum.Pruned, sum.Failed, wantAdded, wantPruned)
		}
		docs, err := d.Store.Documents(ctx)
		if err != nil {
			t.Fatal(err)
		}
		left, err := d.Store.Unindexed(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(left) != 0 {
			t.Fatalf("%d stored documents left unindexed", len(left))
		}
		ix, err := d.OpenIndex(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer ix.Close()
		indexed, err := ix.DocumentIDs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(indexed) != len(docs) {
			t.Fatalf("the index holds %d documents, the store %d", len(indexed), len(docs))
		}
		for _, doc := range docs {
			full, err := d.Store.Document(ctx, doc.ID, corpus.WithPassages)
			if err != nil {
				t.Fatal(err)
			}
			if indexed[doc.ID] != len(full.Passages) || len(full.Passages) < 400 {
				t.Errorf("%s: %d passages indexed, %d stored", doc.Path, indexed[doc.ID], len(full.Passages))
			}
		}
	}
	ingest(16, 0)
	// Changed files replace their documents (a deletion, then an add);
	// removed files are pruned (a deletion).
	for i := range 4 {
		write(i, "second")
	}
	for i := 12; i < 16; i++ {
		if err := os.Remove(filepath.Join(src, fmt.Sprintf("sub-%02d.txt", i))); err != nil {
			t.Fatal(err)
		}
	}
	ingest(4, 4)
}
