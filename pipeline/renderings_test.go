package pipeline_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/index"
	"github.com/normtag/normtag/pipeline"
	"github.com/normtag/normtag/pipeline/tag"
)

// The Estavia paper (testdata/renderings, written for these tests and
// rendered by regenerate.sh there): the same report as PDF from three
// producers, as DOCX and as text. None of the files declares the
// paper's title or date (Chromium's title is the HTML file's name, the
// others have none; every creation date is the day it was rendered, years
// after the paper), and the only author declared is a login name: what is
// right has to come from what the pages print.
var renderings = []string{
	"estavia-chromium.pdf",
	"estavia-groff.pdf",
	"estavia-libreoffice.pdf",
	"estavia-libreoffice.docx",
	"estavia.txt",
}

const renderingsDir = "../testdata/renderings"

// cited is a document's title, date and submitter, each with its source.
type cited struct {
	title, titleSource         string
	date, dateSource           string
	submitter, submitterSource string
}

func citedOf(doc *corpus.Document) cited {
	return cited{
		doc.Title, doc.Meta[corpus.TitleSource],
		doc.Meta["date"], doc.Meta[corpus.DateSource],
		doc.Submitter(), doc.Meta[corpus.SubmitterSource],
	}
}

// estavia is what the cover of every rendering prints.
var estavia = cited{
	"National Report of the Republic of Estavia on the Implementation of the GGE Norms of Responsible State Behaviour in Cyberspace", corpus.SourceText,
	"2022-03-14", corpus.SourceText,
	"Republic of Estavia", corpus.SourceText,
}

// ingestFiles ingests files through the real pipeline (in-process
// extraction: these are trusted files) into a new data directory with
// its SQLite store and bleve index, and returns that directory opened
// for reading and the stored documents by file name, with passages.
func ingestFiles(t *testing.T, files []string) (*datadir.Dir, map[string]*corpus.Document) {
	t.Helper()
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data")
	w, err := datadir.Open(ctx, dir, datadir.Options{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	tg, err := tag.Default()
	if err != nil {
		w.Close()
		t.Fatal(err)
	}
	sum, err := pipeline.Ingest(ctx, w, files, pipeline.IngestOptions{Tagger: tg, Extractor: pipeline.UnsafeInProcess{}})
	w.Close()
	if err != nil {
		t.Fatalf("ingest: %v", err)
	}
	if sum.Added != len(files) {
		t.Fatalf("ingest: %d of %d files added; failures: %+v", sum.Added, len(files), sum.Failures)
	}
	d, err := datadir.Open(ctx, dir, datadir.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	docs := map[string]*corpus.Document{}
	err = d.Store.EachDocument(ctx, corpus.WithPassages, func(doc *corpus.Document) error {
		docs[doc.FileName] = doc
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return d, docs
}

func renderingPaths(t *testing.T) []string {
	t.Helper()
	var paths []string
	for _, f := range renderings {
		p := filepath.Join(renderingsDir, f)
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("rendering missing (see %s/regenerate.sh): %v", renderingsDir, err)
		}
		paths = append(paths, p)
	}
	return paths
}

// checkCited compares what the store holds and what every indexed
// passage of the document carries (the citation a search hit prints)
// with want.
func checkCited(t *testing.T, ix *index.Index, docs map[string]*corpus.Document, want map[string]cited) {
	t.Helper()
	ctx := context.Background()
	for file, w := range want {
		doc := docs[file]
		if doc == nil {
			t.Errorf("%s: not stored", file)
			continue
		}
		if got := citedOf(doc); got != w {
			t.Errorf("%s: stored\n got title %q (%s), date %q (%s), submitter %q (%s)\nwant title %q (%s), date %q (%s), submitter %q (%s)", file,
				got.title, got.titleSource, got.date, got.dateSource, got.submitter, got.submitterSource,
				w.title, w.titleSource, w.date, w.dateSource, w.submitter, w.submitterSource)
		}
	}
	hits := map[string]int{}
	err := ix.Each(ctx, index.Request{Kind: index.KindExport}, 500, func(h index.Hit) error {
		w, ok := want[h.File]
		if !ok {
			return nil
		}
		hits[h.File]++
		got := cited{h.Title, h.TitleSource, h.Date, h.DateSource, h.Submitter, h.SubmitterSource}
		// The index keeps a date as a day (its range queries compare
		// days), so a document dated "2021-11" is cited as 2021-11-01:
		// the day must at least fall in the month or year stored.
		if len(w.date) < len(got.date) && strings.HasPrefix(got.date, w.date) {
			got.date = w.date
		}
		if got != w && hits[h.File] == 1 {
			t.Errorf("%s: indexed passage %d cites title %q (%s), date %q (%s), submitter %q (%s)", h.File, h.Seq,
				got.title, got.titleSource, got.date, got.dateSource, got.submitter, got.submitterSource)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for file := range want {
		if docs[file] != nil && hits[file] != len(docs[file].Passages) {
			t.Errorf("%s: %d passages indexed, %d stored", file, hits[file], len(docs[file].Passages))
		}
	}
}

// TestRenderingsCited: on every rendering the title, date and submitter
// are those the cover prints, marked as read from the text, in the store
// and in every indexed passage; a date filter on the year the paper
// prints finds every rendering, one on the year the files were made
// none.
func TestRenderingsCited(t *testing.T) {
	d, docs := ingestFiles(t, renderingPaths(t))
	ix, err := d.OpenIndex(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	want := map[string]cited{}
	for _, f := range renderings {
		want[f] = estavia
	}
	checkCited(t, ix, docs, want)

	for _, c := range []struct {
		since, until string
		want         int
	}{
		{"2022-03-01", "2022-03-31", len(renderings)},
		{"2022-03-15", "2030-12-31", 0},
	} {
		since, _ := time.Parse("2006-01-02", c.since)
		until, _ := time.Parse("2006-01-02", c.until)
		files := map[string]bool{}
		err := ix.Each(context.Background(), index.Request{Kind: index.KindExport, Query: `"critical infrastructure"`, Since: since, Until: until}, 500,
			func(h index.Hit) error { files[h.File] = true; return nil })
		if err != nil {
			t.Fatal(err)
		}
		if len(files) != c.want {
			t.Errorf("since %s until %s: passages of %d renderings found (%v), want %d", c.since, c.until, len(files), files, c.want)
		}
	}
}

// TestParisCallCited ingests the six Paris Call PDFs (../shared) and
// checks what the store and the index cite for each: what the first
// pages print where they print it (the largest type of the cover, a
// "Paris, 12th of November, 2018" dateline, an "A study by" line), else
// what the file declares, with the source saying which. The two
// declarations print neither title nor signatory as text (the banner and
// the letterhead are images), so those come from the file name and the
// file's author, marked so.
func TestParisCallCited(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "corpora", "policy", "pariscall")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("skipping: %s absent (%v)", dir, err)
	}
	want := map[string]cited{
		"10-11-WG3-Multistakeholder-participation-at-the-UN-The-need-for-greater-inclusivity-in-the-UN-dialogues-on-cybersecurity.pdf": {
			"A study by Paris Call Working Group 3 on Advancing the UN negotiations with a strong multistakeholder approach", corpus.SourceText,
			"2021-11", corpus.SourceText,
			"Paris Call Working Group 3", corpus.SourceText,
		},
		"2021-11-12-Paris-Call-Working-Group6-Report-SecuringICTSupplyChain.pdf": {
			"Paris Call Working group 6 - ICT supply chain security", corpus.SourceFile,
			"2021-11-19", corpus.SourceFile,
			"Anastasiya Kazakova;Clara Morlière;Aude Gery", corpus.SourceFile,
		},
		"PWGR5-8-11-21.pdf": {
			"Paris Call for Trust and Security in Cyberspace", corpus.SourceText,
			"2021-11-08", corpus.SourceFile,
			"", "",
		},
		"WG4-Final-Report-101121.pdf": {
			"Advancing International Cyber Norms: Multistakeholder Recommendations", corpus.SourceText,
			"2021-11-09", corpus.SourceFile,
			"", "",
		},
		"appel-de-paris.pdf": {
			"appel de paris", corpus.SourceFileName,
			"2018-11-12", corpus.SourceText,
			"TREHIOU Marie-Lise", corpus.SourceFile,
		},
		"paris-call.pdf": {
			"paris call", corpus.SourceFileName,
			"2018-11-12", corpus.SourceText,
			"TREHIOU Marie-Lise", corpus.SourceFile,
		},
	}
	var paths []string
	for f := range want {
		paths = append(paths, filepath.Join(dir, f))
	}
	d, docs := ingestFiles(t, paths)
	ix, err := d.OpenIndex(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	checkCited(t, ix, docs, want)
}
