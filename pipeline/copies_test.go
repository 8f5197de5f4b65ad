package pipeline_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/index"
	"github.com/normtag/normtag/pipeline"
	"github.com/normtag/normtag/pipeline/tag"
)

// lateFor extracts in process, but makes the file named late finish
// after the others: the order extractions finish in must not decide what
// is stored.
type lateFor struct {
	late  string
	delay time.Duration
}

func (e lateFor) Extract(ctx context.Context, path string) (*corpus.Document, error) {
	if filepath.Base(path) == e.late {
		select {
		case <-time.After(e.delay):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return pipeline.UnsafeInProcess{}.Extract(ctx, path)
}

// named is what the store and the index say names the one document.
type named struct {
	StorePath, StoreFile, StoreTitle string
	IndexPath, IndexFile, IndexTitle string
	Added                            string // the file reported as added
	Paths                            int
}

// TestIdenticalFilesStoredUnderTheirFirstPath ingests four byte-identical
// files, each described by its own metadata.csv row, with two workers and
// the first of them (by path) the slowest to extract: the document must
// be stored, indexed and reported under that first path, with its row's
// title, every run alike, and the other paths recorded. A later copy that
// sorts last changes nothing; one that sorts first renames the document
// in the store and the index alike, and removing it gives the name back.
func TestIdenticalFilesStoredUnderTheirFirstPath(t *testing.T) {
	ctx := context.Background()
	tagger, err := tag.Default()
	if err != nil {
		t.Fatal(err)
	}
	src := t.TempDir()
	const text = "States should not conduct or knowingly support ICT activity that damages critical infrastructure.\n"
	names := []string{"c-copy.txt", "a-first.txt", "d-copy.txt", "b-copy.txt"}
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(src, n), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sidecar := "file,title\n"
	for _, n := range names {
		sidecar += n + ",Title from " + n + "\n"
	}
	if err := os.WriteFile(filepath.Join(src, pipeline.SidecarFile), []byte(sidecar), 0o644); err != nil {
		t.Fatal(err)
	}
	ex := lateFor{late: "a-first.txt", delay: 400 * time.Millisecond}

	ingest := func(d *datadir.Dir) named {
		t.Helper()
		var n named
		sum, err := pipeline.Ingest(ctx, d, []string{src}, pipeline.IngestOptions{Tagger: tagger, Extractor: ex, Workers: 2,
			OnResult: func(r pipeline.Result) {
				if r.Status == pipeline.StatusAdded {
					n.Added = filepath.Base(r.Path)
				}
			}})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Failed != 0 {
			t.Fatalf("failures: %+v", sum.Failures)
		}
		docs, err := d.Store.Documents(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(docs) != 1 {
			t.Fatalf("%d documents stored, want 1", len(docs))
		}
		n.StorePath, n.StoreFile, n.StoreTitle = filepath.Base(docs[0].Path), docs[0].FileName, docs[0].Title
		paths, err := d.Store.Paths(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n.Paths = len(paths)
		ix, err := d.OpenIndex(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer ix.Close()
		res, err := ix.Search(ctx, index.Request{Query: "critical infrastructure", Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) != 1 {
			t.Fatalf("%d hits, want the one passage", len(res.Hits))
		}
		h := res.Hits[0]
		n.IndexPath, n.IndexFile, n.IndexTitle = filepath.Base(h.Path), h.File, h.Title
		return n
	}

	want := named{StorePath: "a-first.txt", StoreFile: "a-first.txt", StoreTitle: "Title from a-first.txt",
		IndexPath: "a-first.txt", IndexFile: "a-first.txt", IndexTitle: "Title from a-first.txt", Added: "a-first.txt", Paths: 4}
	var d *datadir.Dir
	for run := range 3 {
		if d, err = datadir.Open(ctx, t.TempDir(), datadir.Options{Write: true}); err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		if got := ingest(d); got != want {
			t.Fatalf("fresh run %d:\ngot  %+v\nwant %+v", run, got, want)
		}
	}

	// A later copy that sorts last only adds its path.
	if err := os.WriteFile(filepath.Join(src, "z-later.txt"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	want.Added, want.Paths = "", 5
	if got := ingest(d); got != want {
		t.Fatalf("with a later copy that sorts last:\ngot  %+v\nwant %+v", got, want)
	}

	// One that sorts first names the document, in the store and the
	// index; its metadata.csv has no row for it, so the title stays.
	first := filepath.Join(src, "0-later.txt")
	if err := os.WriteFile(first, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	renamed := want
	renamed.StorePath, renamed.StoreFile, renamed.IndexPath, renamed.IndexFile, renamed.Paths = "0-later.txt", "0-later.txt", "0-later.txt", "0-later.txt", 6
	if got := ingest(d); got != renamed {
		t.Fatalf("with a later copy that sorts first:\ngot  %+v\nwant %+v", got, renamed)
	}
	if err := os.Remove(first); err != nil {
		t.Fatal(err)
	}
	if _, err := pipeline.Ingest(ctx, d, []string{src}, pipeline.IngestOptions{Tagger: tagger, Extractor: ex, Prune: true}); err != nil {
		t.Fatal(err)
	}
	if got := ingest(d); got != want {
		t.Fatalf("once the copy that sorts first is gone:\ngot  %+v\nwant %+v", got, want)
	}
	if left, err := d.Store.Unindexed(ctx); err != nil || len(left) != 0 {
		t.Fatalf("documents left unindexed: %v %v", left, err)
	}
}
