package sqlite

import (
	"context"
	"fmt"
	"math/rand"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/normtag/normtag/corpus"
)

// benchDocs makes n documents shaped like the benchmark's real ones:
// some hundred passages of a few hundred characters under headings, a
// third of them tagged with evidence, on pages of a few thousand
// characters.
func benchDocs(n int) []*corpus.Document {
	rng := rand.New(rand.NewSource(1))
	words := strings.Fields("states should cooperate to increase stability and security in the use of ICTs and protect critical infrastructure from threats while respecting human rights and privacy online")
	text := func(k int) string {
		var b strings.Builder
		for range k {
			b.WriteString(words[rng.Intn(len(words))])
			b.WriteByte(' ')
		}
		return b.String()
	}
	var docs []*corpus.Document
	for d := range n {
		doc := &corpus.Document{ID: fmt.Sprintf("%064d", d), Path: fmt.Sprintf("/in/doc%d.pdf", d), FileName: fmt.Sprintf("doc%d.pdf", d),
			Title: "Report " + text(4), Format: corpus.FormatPDF, Size: 100000, ModTime: time.Unix(1700000000, 0), PageCount: 18, RulesVersion: "v1",
			Meta: map[string]string{"author": "Examplia"}}
		for p := range 18 {
			doc.Pages = append(doc.Pages, corpus.Page{Number: p + 1, Text: text(350)})
		}
		for seq := range 200 {
			p := corpus.Passage{Seq: seq, Page: 1 + seq/12, Start: seq * 10, End: seq*10 + 200, Text: text(30), Kind: corpus.KindBody}
			p.PageEnd = p.Page
			if seq%15 == 0 {
				p.Kind, p.Heading, p.Level = corpus.KindHeading, true, 2
			}
			p.HeadingPath = []string{"Norms", fmt.Sprintf("Section %d", seq/15)}
			if seq%3 == 0 {
				p.Tags = []corpus.Tag{{Norm: string(rune('a' + seq%11)), Score: 0.8, Evidence: []corpus.Evidence{{Rule: "a.cooperation", Match: "cooperate", Start: 7, End: 16}}}}
			}
			doc.Passages = append(doc.Passages, p)
		}
		docs = append(docs, doc)
	}
	return docs
}

// BenchmarkPutDocuments stores 30 documents of 200 passages each into a
// fresh store, four to a transaction as ingest's writer groups them.
func BenchmarkPutDocuments(b *testing.B) {
	ctx := context.Background()
	docs := benchDocs(30)
	for b.Loop() {
		b.StopTimer()
		s, err := Open(ctx, filepath.Join(b.TempDir(), "corpus.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		for i := 0; i < len(docs); i += 4 {
			if _, err := s.PutDocuments(ctx, docs[i:min(i+4, len(docs))]); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
}
