package index

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/normtag/normtag/corpus"
)

func sampleDocs() []*corpus.Document {
	return []*corpus.Document{
		{ID: "d1", Title: "Examplia national report", FileName: "examplia.pdf", Meta: map[string]string{"submitter": "Republic of Examplia", "submitter_type": "state", "date": "2021-03-04"},
			Passages: []corpus.Passage{
				{Seq: 0, Page: 1, Heading: true, Text: "Norm 7: protecting critical infrastructure", Tags: []corpus.Tag{{Norm: "g", Score: 1}}},
				{Seq: 1, Page: 2, Text: "Hospitals and the health sector are critical infrastructure we protect.", Tags: []corpus.Tag{{Norm: "g", Score: 0.6, Inherited: true}, {Norm: "f", Score: 0.5}}},
				{Seq: 2, Page: 3, Text: "We report software vulnerabilities responsibly.", Tags: []corpus.Tag{{Norm: "j", Score: 0.9}}},
			}},
		{ID: "d2", Title: "Vendor paper", FileName: "vendor.docx", Meta: map[string]string{"submitter": "Acme Security", "submitter_type": "company", "date": "2023"},
			Passages: []corpus.Passage{
				{Seq: 0, Page: 1, Text: "Supply chain integrity of ICT products matters for critical infrastructure.", Tags: []corpus.Tag{{Norm: "i", Score: 0.9}}},
			}},
	}
}

func openTest(t *testing.T) *Index {
	t.Helper()
	ix, err := Open(context.Background(), filepath.Join(t.TempDir(), "index"), OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if err := ix.IndexDocuments(context.Background(), sampleDocs()); err != nil {
		t.Fatal(err)
	}
	return ix
}

func TestSearchByNormAndWords(t *testing.T) {
	ctx := context.Background()
	ix := openTest(t)
	res, err := ix.Search(ctx, Request{Query: "critical infrastructure", Norms: []string{"g"}, Highlight: true, Facets: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 2 {
		t.Fatalf("want 2 hits with norm g, got %d: %+v", res.Total, res.Hits)
	}
	for _, h := range res.Hits {
		if h.DocID != "d1" || h.Title == "" || h.Page == 0 || len(h.Highlights) == 0 || strings.ContainsAny(h.Snippet, markStart+markEnd) {
			t.Errorf("bad hit %+v", h)
		}
	}
	if f := res.Facets[FieldNorm]; len(f) == 0 || f[0].Value != "g" || f[0].Count != 2 {
		t.Fatalf("norm facet %+v", res.Facets)
	}
	direct, _ := ix.Search(ctx, Request{Query: "critical infrastructure", Norms: []string{"g"}, DirectOnly: true})
	if direct.Total != 1 || direct.Hits[0].Seq != 0 {
		t.Fatalf("direct-only: %+v", direct.Hits)
	}
}

func TestSearchEmptyQueryListsNormInDocumentOrder(t *testing.T) {
	ix := openTest(t)
	res, err := ix.Search(context.Background(), Request{Norms: []string{"g", "j"}, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var seqs []int
	for _, h := range res.Hits {
		seqs = append(seqs, h.Seq)
	}
	if len(seqs) != 3 || seqs[0] != 0 || seqs[2] != 2 {
		t.Fatalf("got %v", seqs)
	}
}

func TestSearchFieldsAndDates(t *testing.T) {
	ctx := context.Background()
	ix := openTest(t)
	for q, want := range map[string]uint64{
		"submitter:\"acme security\"": 1,
		"year:2021":                   3,
		"norm:i supply":               1,
		"+health -vulnerabilities":    1,
		"title:vendor":                1,
	} {
		res, err := ix.Search(ctx, Request{Query: q})
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if res.Total != want {
			t.Errorf("%s: %d hits, want %d", q, res.Total, want)
		}
	}
	_, err := ix.Search(ctx, Request{Query: "title:\"unclosed"})
	var qe *QueryError
	if !errors.As(err, &qe) {
		t.Fatalf("want QueryError, got %v", err)
	}
}

func TestReindexReplacesAndDeletes(t *testing.T) {
	ctx := context.Background()
	ix := openTest(t)
	d := sampleDocs()[0]
	d.Passages = d.Passages[:1]
	if err := ix.IndexDocuments(ctx, []*corpus.Document{d}); err != nil {
		t.Fatal(err)
	}
	ids, _ := ix.DocumentIDs(ctx)
	if ids["d1"] != 1 || ids["d2"] != 1 {
		t.Fatalf("after replace: %v", ids)
	}
	if err := ix.DeleteDocuments(ctx, []string{"d2"}); err != nil {
		t.Fatal(err)
	}
	if n, _ := ix.DocCount(); n != 1 {
		t.Fatalf("doc count %d", n)
	}
}

func TestBuildAndReadOnlyOpen(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "index")
	if _, err := Open(ctx, dir, OpenOptions{ReadOnly: true}); !errors.Is(err, ErrMissing) {
		t.Fatalf("want ErrMissing, got %v", err)
	}
	err := Build(ctx, dir, func(yield func(*corpus.Document) error) error {
		for _, d := range sampleDocs() {
			if err := yield(d); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ix, err := Open(ctx, dir, OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if n, _ := ix.DocCount(); n != 4 {
		t.Fatalf("doc count %d", n)
	}
}

// Without a submitter from metadata.csv, the author the file declares is
// the submitter: searchable, faceted and shown.
func TestSubmitterFallsBackToAuthor(t *testing.T) {
	ctx := context.Background()
	ix := openTest(t)
	d := &corpus.Document{ID: "d3", Title: "Forum paper", FileName: "forum.pdf", Meta: map[string]string{"author": "Northern Cyber Forum"},
		Passages: []corpus.Passage{{Seq: 0, Page: 1, Text: "Our members run computer emergency response teams.", Tags: []corpus.Tag{{Norm: "k", Score: 0.9}}}}}
	if err := ix.IndexDocuments(ctx, []*corpus.Document{d}); err != nil {
		t.Fatal(err)
	}
	res, err := ix.Search(ctx, Request{Query: `submitter:"northern cyber forum"`})
	if err != nil || res.Total != 1 || res.Hits[0].Submitter != "Northern Cyber Forum" {
		t.Fatalf("%v %+v", err, res)
	}
}

func TestSnippetsCutAtWords(t *testing.T) {
	text := "States should not conduct or knowingly support ICT activity that damages critical infrastructure providing services to the public."
	for _, c := range []struct{ in, want string }{
		{"…uct or knowingly support \x02ICT\x03 activity that damages crit…", "…or knowingly support \x02ICT\x03 activity that damages…"},
		{"…conduct or knowingly support \x02ICT\x03 activity…", "…conduct or knowingly support \x02ICT\x03 activity…"},
		{"States should not conduct…", "States should not conduct…"},
		{"…es \x02critical\x03 infrastructure providing services to the public.", "…\x02critical\x03 infrastructure providing services to the public."},
		{"…\x02onduct\x03 or", "…\x02onduct\x03 or"}, // a mark in the partial word: kept
	} {
		if got := wholeWords(c.in, text); got != c.want {
			t.Errorf("wholeWords(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestSplitMarksGivesByteOffsets: the markers become [start, end) byte
// offsets into the plain snippet (multi-byte letters before a match
// count in bytes); an unclosed mark ends at the end, an empty one is
// dropped, and no marker byte is left.
func TestSplitMarksGivesByteOffsets(t *testing.T) {
	for _, c := range []struct {
		in, plain string
		spans     [][2]int
	}{
		{"…é \x02ICT\x03 and \x02cyber\x03", "…é ICT and cyber", [][2]int{{6, 9}, {14, 19}}},
		{"no marks", "no marks", [][2]int{}},
		{"\x02\x03empty then \x02open", "empty then open", [][2]int{{11, 15}}},
	} {
		plain, spans := splitMarks(c.in)
		if plain != c.plain || !reflect.DeepEqual(spans, c.spans) {
			t.Errorf("splitMarks(%q) = %q %v, want %q %v", c.in, plain, spans, c.plain, c.spans)
		}
	}
}

// TestBuildInConcurrentBatches builds an index from more passages than
// one batch holds, so that several batches are committed at once, and
// finds every passage of every document; an error from the source stops
// the build and is returned.
func TestBuildInConcurrentBatches(t *testing.T) {
	ctx := context.Background()
	const docs, per = 24, 300 // 7,200 passages: several batches
	source := func(fail error) func(yield func(*corpus.Document) error) error {
		return func(yield func(*corpus.Document) error) error {
			for i := range docs {
				d := &corpus.Document{ID: fmt.Sprintf("doc%02d", i), Title: "Report", FileName: "r.pdf"}
				for s := range per {
					d.Passages = append(d.Passages, corpus.Passage{Seq: s, Page: 1 + s/10,
						Text: fmt.Sprintf("Passage %d of report %d on critical infrastructure.", s, i), Tags: []corpus.Tag{{Norm: "g", Score: 1}}})
				}
				if fail != nil && i == docs/2 {
					return fail
				}
				if err := yield(d); err != nil {
					return err
				}
			}
			return nil
		}
	}
	dir := filepath.Join(t.TempDir(), "index")
	if err := Build(ctx, dir, source(nil)); err != nil {
		t.Fatal(err)
	}
	ix, err := Open(ctx, dir, OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if n, _ := ix.DocCount(); n != docs*per {
		t.Fatalf("doc count %d, want %d", n, docs*per)
	}
	ids, err := ix.DocumentIDs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != docs {
		t.Fatalf("%d documents in the index, want %d", len(ids), docs)
	}
	for id, n := range ids {
		if n != per {
			t.Errorf("%s has %d passages in the index, want %d", id, n, per)
		}
	}

	stop := errors.New("store went away")
	if err := Build(ctx, filepath.Join(t.TempDir(), "index"), source(stop)); !errors.Is(err, stop) {
		t.Fatalf("build with a failing source: %v, want %v", err, stop)
	}
}

// TestDateBoundsAndOrder checks the date filter at the edges of a day
// (dates are indexed as days) and the newest-first order.
func TestDateBoundsAndOrder(t *testing.T) {
	ctx := context.Background()
	ix := openTest(t) // d1 dated 2021-03-04 (3 passages), d2 dated 2023 (1)
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	parse := func(s string, end bool) time.Time {
		v, err := ParseDate(s, end)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, c := range []struct {
		name         string
		since, until time.Time
		want         uint64
	}{
		{"since the day itself", at("2021-03-04T00:00:00Z"), time.Time{}, 4},
		{"since within the day", at("2021-03-04T12:00:00Z"), time.Time{}, 1},
		{"until within the day", time.Time{}, at("2021-03-04T12:00:00Z"), 3},
		{"until the day before", time.Time{}, at("2021-03-03T23:59:59Z"), 0},
		{"one month", parse("2021-03", false), parse("2021-03", true), 3},
		{"one year", parse("2023", false), parse("2023", true), 1},
		{"a year with none", parse("2022", false), parse("2022", true), 0},
		{"in another zone", at("2021-03-04T01:00:00+02:00"), time.Time{}, 4},
	} {
		res, err := ix.Search(ctx, Request{Since: c.since, Until: c.until})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if res.Total != c.want {
			t.Errorf("%s: %d hits, want %d", c.name, res.Total, c.want)
		}
	}
	res, err := ix.Search(ctx, Request{Sort: SortDate, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	// A date known to the year (or month) is shown as the year (month),
	// not as its first day, and sorts and filters as that day.
	if len(res.Hits) != 4 || res.Hits[0].DocID != "d2" || res.Hits[0].Date != "2023" || res.Hits[1].Date != "2021-03-04" {
		t.Fatalf("newest first: %+v", res.Hits)
	}
	month := sampleDocs()[1]
	month.Meta["date"] = "2021-11"
	if err := ix.IndexDocuments(ctx, []*corpus.Document{month}); err != nil {
		t.Fatal(err)
	}
	res, err = ix.Search(ctx, Request{Query: "supply", Since: parse("2021-11", false), Until: parse("2021-11", true)})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 || res.Hits[0].Date != "2021-11" {
		t.Fatalf("a month: %+v", res.Hits)
	}
}

// TestBatchSizeGivesEveryWorkerTheLastRound checks Build's batch sizes:
// never above buildBatchPassages, and in a number of batches that is a
// multiple of the workers, so that the last round keeps every worker busy.
func TestBatchSizeGivesEveryWorkerTheLastRound(t *testing.T) {
	if got := batchSize(0, 2); got != buildBatchPassages {
		t.Errorf("unknown total: %d, want %d", got, buildBatchPassages)
	}
	if got := batchSize(5000, 1); got != buildBatchPassages {
		t.Errorf("one worker: %d, want %d", got, buildBatchPassages)
	}
	for _, total := range []int{1200, 2001, 4100, 5929, 8001, 25000, 100000, 123457} {
		for _, workers := range []int{2, 3, 4} {
			size := batchSize(total, workers)
			batches := (total + size - 1) / size
			if size > buildBatchPassages || size < minBuildBatchPassages || batches%workers != 0 {
				t.Errorf("%d passages, %d workers: batches of %d, %d of them", total, workers, size, batches)
			}
		}
	}
	if got := batchSize(300, 2); got != minBuildBatchPassages {
		t.Errorf("small corpus: %d, want %d", got, minBuildBatchPassages)
	}
}
