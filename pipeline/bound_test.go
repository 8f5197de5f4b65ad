package pipeline_test

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/index"
	"github.com/normtag/normtag/internal/hostile"
	"github.com/normtag/normtag/pipeline"
	"github.com/normtag/normtag/pipeline/tag"
)

// TestIngestBoundsTitlesAndMetadata ingests HTML and Markdown files with a
// megabyte title and author: the store and the index keep at most
// corpus.MaxFieldRunes runes of each, ending in an ellipsis, and the
// ordinary documents beside them keep theirs whole.
func TestIngestBoundsTitlesAndMetadata(t *testing.T) {
	ctx := context.Background()
	src := t.TempDir()
	if _, err := hostile.Write(src, 2, 4, 1); err != nil {
		t.Fatal(err)
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
	sum, err := pipeline.Ingest(ctx, d, []string{src}, pipeline.IngestOptions{Tagger: tagger, Extractor: pipeline.UnsafeInProcess{}}) // HTML and Markdown this test wrote
	if err != nil {
		t.Fatal(err)
	}
	if sum.Added != 6 {
		t.Fatalf("added %d documents, want 6 (failed %d)", sum.Added, sum.Failed)
	}
	docs, err := d.Store.Documents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	big := 0
	for _, doc := range docs {
		fields := map[string]string{"title": doc.Title, "file": doc.FileName}
		for k, v := range doc.Meta {
			fields["meta "+k] = v
		}
		for name, v := range fields {
			if n := utf8.RuneCountInString(v); n > corpus.MaxFieldRunes {
				t.Errorf("%s: %s has %d runes", doc.FileName, name, n)
			}
		}
		if !strings.Contains(doc.FileName, "big-") {
			if !strings.HasPrefix(doc.Title, "Submission") && !strings.HasPrefix(doc.Title, "Statement") {
				t.Errorf("%s: ordinary title %q", doc.FileName, doc.Title)
			}
			continue
		}
		big++
		// HTML titles are read whole; Markdown front matter this big is
		// not read as metadata (extract bounds it), its title is the
		// first line, abbreviated.
		if doc.Format == corpus.FormatHTML && (utf8.RuneCountInString(doc.Title) != corpus.MaxFieldRunes || !strings.HasSuffix(doc.Title, "…") || !strings.HasSuffix(doc.Meta["author"], "…")) {
			t.Errorf("%s: a megabyte title should be cut to %d runes with an ellipsis: %d runes, author %d", doc.FileName, corpus.MaxFieldRunes,
				utf8.RuneCountInString(doc.Title), utf8.RuneCountInString(doc.Meta["author"]))
		}
	}
	if big != 4 {
		t.Errorf("found %d documents with a big title, want 4", big)
	}
	ix, err := d.OpenIndex(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	res, err := ix.Search(ctx, index.Request{Query: "title:title", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) == 0 {
		t.Fatal("no passages of the big documents in the index")
	}
	for _, h := range res.Hits {
		if n := utf8.RuneCountInString(h.Title) + utf8.RuneCountInString(h.Submitter); n > 2*corpus.MaxFieldRunes {
			t.Errorf("indexed hit %s: title and submitter %d runes", h.ID, n)
		}
	}
}
