package cite

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/index"
	"github.com/normtag/normtag/pipeline"
	"github.com/normtag/normtag/pipeline/tag"
)

// citeMetadata gives the sample files dates of every precision and
// titles and submitters full of what BibTeX, RIS and JSON must escape.
const citeMetadata = `file,submitter,submitter_type,country,date,title
examplia-national-report.pdf,Republic of Examplia,state,Examplia,2023-03,"R&D {draft} at 50% of #cyber_norms: x^2 ~ $5 \ back"
acme-supply-chain.docx,"Acme, Secure & Systems",company,,2022,Trustworthy products: supply chain integrity
drw-statement.html,Digital Rights Watchers,NGO,,2024-02-20,"Statement on ""rights"", hospitals <and> response teams"
northern-forum-submission.txt,Northern Regional Forum,regional,,November 2021,Contribution of the Northern Regional Forum
fictivie-declaration.pdf,République de Fictivie,state,Fictivie,2023-07-05,Déclaration sur la protection des infrastructures critiques
`

// citeCorpus ingests the sample corpus with citeMetadata as its
// metadata.csv into a new data directory (real extractors, tagger, store
// and index) and returns it open for reading with its index.
func citeCorpus(t *testing.T) (*datadir.Dir, *index.Index) {
	t.Helper()
	ctx := context.Background()
	src := filepath.Join(t.TempDir(), "corpus")
	if err := os.MkdirAll(src, 0o755); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("../../examples/corpus/*")
	if err != nil || len(files) < 5 {
		t.Fatalf("sample corpus: %v %v", files, err)
	}
	for _, f := range files {
		if filepath.Base(f) == "metadata.csv" {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(src, filepath.Base(f)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(src, "metadata.csv"), []byte(citeMetadata), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "data")
	w, err := datadir.Open(ctx, dir, datadir.Options{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	tg, err := tag.Default()
	if err != nil {
		t.Fatal(err)
	}
	sum, err := pipeline.Ingest(ctx, w, []string{src}, pipeline.IngestOptions{Tagger: tg, Extractor: pipeline.UnsafeInProcess{}})
	w.Close()
	if err != nil || sum.Added != 5 {
		t.Fatalf("ingest: %v %+v", err, sum)
	}
	d, err := datadir.Open(ctx, dir, datadir.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	ix, err := d.OpenIndex(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return d, ix
}

// exportAll writes every passage (or document) of the corpus in format
// and returns the file with the items written, in order.
func exportAll(t *testing.T, d *datadir.Dir, ix *index.Index, format, unit string) ([]byte, []Item) {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, format)
	if err != nil {
		t.Fatal(err)
	}
	var items []Item
	req := index.Request{Kind: index.KindExport, Sort: index.SortDocument}
	err = Items(context.Background(), ix, d.Store, req, 50, unit, Links{Base: "http://normtag.test"}, func(it Item) error {
		items = append(items, it)
		return w.Write(it)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if len(items) == 0 {
		t.Fatal("nothing exported")
	}
	return buf.Bytes(), items
}

// storedPassages counts the corpus's passages and documents.
func storedCounts(t *testing.T, d *datadir.Dir) corpus.Stats {
	t.Helper()
	st, err := d.Store.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st
}
