package index

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/internal/benchtext"
)

// indexingBenchDocs are documents as ingest hands them to the index: 30
// documents of 200 passages of policy-like text (some with the curly
// quotes and dashes PDFs bring, a few in French), each with a title,
// submitter, country, type, date, language and metadata sources.
func indexingBenchDocs() []*corpus.Document {
	texts := benchtext.Passages(30 * 200 * 250)
	var docs []*corpus.Document
	for i := range 30 {
		d := &corpus.Document{
			ID: fmt.Sprintf("%064x", i+1), Title: fmt.Sprintf("National Report %d on ICT Security and the Norms of Responsible State Behaviour", i),
			FileName: fmt.Sprintf("report-%d.pdf", i), Path: fmt.Sprintf("reports/report-%d.pdf", i),
			Meta: map[string]string{"submitter": fmt.Sprintf("Republic of Examplia %d", i%7), "submitter_type": "State",
				"country": fmt.Sprintf("Examplia %d", i%7), "date": fmt.Sprintf("%d-0%d", 2015+i%9, 1+i%9), "language": "en",
				corpus.TitleSource: "pdf-title", corpus.DateSource: "first-page", corpus.SubmitterSource: "sidecar"},
		}
		for s := range 200 {
			text := texts[(i*200+s)%len(texts)]
			switch s % 10 {
			case 3:
				text = strings.Replace(text, "'s", "’s", 1) + " – “as agreed”"
			case 7:
				text = "Les États rappellent l’importance de la cybersécurité des infrastructures critiques. " + text
			}
			p := corpus.Passage{Seq: s, Page: 1 + s/8, Text: text, Tags: []corpus.Tag{{Norm: "g", Score: 0.8}}}
			if s%5 == 0 {
				p.Tags = append(p.Tags, corpus.Tag{Norm: "f", Score: 0.6, Inherited: true})
			}
			d.Passages = append(d.Passages, p)
		}
		docs = append(docs, d)
	}
	return docs
}

// BenchmarkIndexPassages indexes 6,000 passages into a new index in
// batches of three documents, as ingest's writer does: the CPU the index
// costs per passage (compare revisions in the same run, e.g. with
// benchstat).
func BenchmarkIndexPassages(b *testing.B) {
	docs := indexingBenchDocs()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		ix, err := Open(ctx, filepath.Join(b.TempDir(), "index"), OpenOptions{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		for i := 0; i < len(docs); i += 3 {
			if err := ix.IndexDocuments(ctx, docs[i:min(i+3, len(docs))]); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		if n, err := ix.DocCount(); err != nil || n != 6000 {
			b.Fatalf("%d passages indexed (%v), want 6000", n, err)
		}
		ix.Close()
		b.StartTimer()
	}
}
