package index

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/internal/benchtext"
)

// benchIndex builds an index of n generated passages, 50 per document.
func benchIndex(b *testing.B, n int) *Index {
	b.Helper()
	ix, err := Open(context.Background(), filepath.Join(b.TempDir(), "index"), OpenOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ix.Close() })
	texts := benchtext.Passages(n * 400)
	var docs []*corpus.Document
	for i := 0; i < n; i++ {
		if i%50 == 0 {
			docs = append(docs, &corpus.Document{ID: fmt.Sprintf("doc%06d", i/50), Title: fmt.Sprintf("Report %d", i/50), FileName: "r.pdf",
				Meta: map[string]string{"date": fmt.Sprintf("%d-01-01", 2015+i/50%10)}})
		}
		d := docs[len(docs)-1]
		d.Passages = append(d.Passages, corpus.Passage{Seq: len(d.Passages), Page: 1, Text: texts[i%len(texts)], Tags: []corpus.Tag{{Norm: "g", Score: 1}}})
	}
	if err := ix.IndexDocuments(context.Background(), docs); err != nil {
		b.Fatal(err)
	}
	return ix
}

// BenchmarkExportPaging reads every passage of an index in pages of 500,
// in document order: with a growing offset (bleve From, as the export
// did: the reference), with the cursor (SearchAfter), and with Each (what
// the export does now). The time on the 4x larger index over the smaller
// one tells how each grows: about 4 for O(N), 16 for O(N²).
func BenchmarkExportPaging(b *testing.B) {
	ctx := context.Background()
	const page = 500
	for _, n := range []int{5000, 20000} {
		ix := benchIndex(b, n)
		b.Run(fmt.Sprintf("offset/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				got := 0
				for from := 0; ; from += page {
					req, err := NewSearchRequest(Request{Sort: SortDocument, Limit: page})
					if err != nil {
						b.Fatal(err)
					}
					req.From = from
					res, err := ix.SearchBleve(ctx, req)
					if err != nil {
						b.Fatal(err)
					}
					got += len(res.Hits)
					if len(res.Hits) < page {
						break
					}
				}
				if got != n {
					b.Fatalf("offset paging read %d of %d", got, n)
				}
			}
		})
		b.Run(fmt.Sprintf("cursor/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				got := 0
				r := Request{Sort: SortDocument, Limit: page}
				for {
					res, err := ix.Search(ctx, r)
					if err != nil {
						b.Fatal(err)
					}
					got += len(res.Hits)
					if res.Next == "" {
						break
					}
					r.After = res.Next
				}
				if got != n {
					b.Fatalf("cursor paging read %d of %d", got, n)
				}
			}
		})
		b.Run(fmt.Sprintf("each/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				got := 0
				if err := ix.Each(ctx, Request{Kind: KindExport, Sort: SortDocument}, page, func(Hit) error { got++; return nil }); err != nil {
					b.Fatal(err)
				}
				if got != n {
					b.Fatalf("Each read %d of %d", got, n)
				}
			}
		})
	}
}
