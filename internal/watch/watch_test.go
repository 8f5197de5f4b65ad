package watch_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/corpus/sqlite"
	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/index"
	"github.com/normtag/normtag/internal/watch"
	"github.com/normtag/normtag/pipeline"
	"github.com/normtag/normtag/pipeline/tag"
)

// Texts written for these tests. The second round changes one file
// (keeping two of its paragraphs), adds one, and repeats a paragraph of
// the first round in a new file with other case and spacing.
var (
	first = map[string]string{
		"alpha.txt": "Alpha Forum report\n\n" +
			"1. Use of territory\n\nIn line with paragraph 13 c of the 2015 report, each State ensures that its territory is not used for internationally wrongful acts using ICTs.\n\n" +
			"2. Assistance\n\nFor Norm 8, a directory of points of contact lets a State whose critical infrastructure is attacked ask all others for assistance.\n\n" +
			"3. Outlook\n\nThe members meet twice a year to review progress.\n",
		"beta.txt": "Beta submission\n\n" +
			"Critical infrastructure operators report incidents to the national team within a day.\n\n" +
			"The ministry publishes an annual review of its cyber diplomacy.\n",
	}
	second = map[string]string{
		// alpha changed: the territory and outlook paragraphs stay, the
		// assistance paragraph is rewritten, one paragraph is added.
		"alpha.txt": "Alpha Forum report\n\n" +
			"1. Use of territory\n\nIn line with paragraph 13 c of the 2015 report, each State ensures that its territory is not used for internationally wrongful acts using ICTs.\n\n" +
			"2. Assistance\n\nUnder Norm 8, the directory now also reaches the operators of critical infrastructure in neighbouring States.\n\n" +
			"3. Outlook\n\nThe members meet twice a year to review progress.\n\n" +
			"4. Territory again\n\nUnder paragraph 13 c, hosting providers are told when malicious infrastructure is found on their networks.\n",
		"gamma.txt": "Gamma statement\n\n" +
			"Protecting critical infrastructure from ICT attacks is our first priority, in line with paragraph 13 f.\n\n" +
			"We support capacity building for developing States.\n",
		"delta.txt": "Delta note\n\n" +
			"CRITICAL INFRASTRUCTURE operators   report incidents to the national team, within a day!\n",
	}
)

func writeFiles(t *testing.T, dir string, files map[string]string, mtime time.Time) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
}

func ingest(t *testing.T, data, files string) *pipeline.Summary {
	t.Helper()
	ctx := context.Background()
	d, err := datadir.Open(ctx, data, datadir.Options{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	tg, err := tag.Default()
	if err != nil {
		t.Fatal(err)
	}
	sum, err := pipeline.Ingest(ctx, d, []string{files}, pipeline.IngestOptions{Tagger: tg, Extractor: pipeline.UnsafeInProcess{}, Workers: 2})
	if err != nil || sum.Failed > 0 {
		t.Fatalf("ingest %s: %v %+v", files, err, sum.Failures)
	}
	return sum
}

func withData(t *testing.T, data string, write bool, fn func(*datadir.Dir)) {
	t.Helper()
	d, err := datadir.Open(context.Background(), data, datadir.Options{Write: write})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	fn(d)
}

// The watches of the acceptance test: a query, a norm filter (with a
// query) and everything.
var searches = map[string]watch.Search{
	"infra":     {Query: "infrastructure"},
	"territory": {Norms: []string{"c"}},
	"all":       {},
}

// expected is, per watch, the passages a plain search of the index
// finds in the documents the second ingest added, less those whose text
// (copy key) some document had before it.
func expected(t *testing.T, d *datadir.Dir, added []string, before map[string]bool) map[string][]string {
	t.Helper()
	ctx := context.Background()
	ix, err := d.OpenIndex(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	out := map[string][]string{}
	for name, s := range searches {
		var docs []string
		for _, id := range added {
			docs = append(docs, "doc:"+id)
		}
		p := s.Params()
		q := "(" + strings.Join(docs, " OR ") + ")"
		if strings.TrimSpace(p.Query) != "" {
			q = "(" + p.Query + ") AND " + q
		}
		p.Query, p.Collapse, p.Limit = q, "false", "1000"
		req, err := p.Request()
		if err != nil {
			t.Fatal(err)
		}
		res, err := ix.Search(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = []string{}
		for _, h := range res.Hits {
			if !before[index.CopyKey(h.Text)] {
				out[name] = append(out[name], h.ID)
			}
		}
		slices.Sort(out[name])
	}
	return out
}

func ids(ms []watch.Match) []string {
	out := []string{}
	for _, m := range ms {
		out = append(out, m.ID)
	}
	slices.Sort(out)
	return out
}

// A watch made before an ingest reports exactly the passages new to the
// corpus that match it — what a search restricted to the new documents
// finds, less the texts the corpus had — and a re-ingest of the same
// files reports none.
func TestWatchReportsExactlyNewMatches(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	data, files := filepath.Join(root, "data"), filepath.Join(root, "in")
	if err := os.Mkdir(files, 0o755); err != nil {
		t.Fatal(err)
	}
	t0 := time.Now().Add(-time.Hour)
	writeFiles(t, files, first, t0)
	if sum := ingest(t, data, files); sum.Added != 2 || sum.Watches != nil {
		t.Fatalf("first ingest: added %d, watches %+v", sum.Added, sum.Watches)
	}

	before := map[string]bool{}
	var oldDocs []string
	withData(t, data, true, func(d *datadir.Dir) {
		for name, s := range searches {
			if _, err := watch.Add(ctx, d.Store, name, s, time.Now()); err != nil {
				t.Fatal(err)
			}
		}
		docs, err := d.Store.Documents(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, doc := range docs {
			oldDocs = append(oldDocs, doc.ID)
			ps, err := d.Store.Passages(ctx, doc.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range ps {
				before[index.CopyKey(p.Text)] = true
			}
		}
	})

	writeFiles(t, files, second, t0.Add(time.Minute))
	var added []string
	ctxStart := time.Now()
	sum := ingest(t, data, files)
	if sum.Added != 3 {
		t.Fatalf("second ingest added %d documents, want 3 (alpha changed, gamma, delta)", sum.Added)
	}
	withData(t, data, false, func(d *datadir.Dir) {
		docs, err := d.Store.Documents(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, doc := range docs {
			if !slices.Contains(oldDocs, doc.ID) {
				added = append(added, doc.ID)
			}
		}
		want := expected(t, d, added, before)
		if len(want["infra"]) == 0 || len(want["territory"]) == 0 {
			t.Fatalf("the test texts should give each watch new matches: %v", want)
		}
		reported := map[string]int{}
		for _, r := range sum.Watches {
			reported[r.Watch] = r.New
		}
		ix, err := d.OpenIndex(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer ix.Close()
		allNew := 0
		for name := range searches {
			got, err := watch.Matches(ctx, d.Store, ix, name, ctxStart, 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids(got), want[name]) {
				t.Errorf("watch %s: new matches %v, want %v", name, ids(got), want[name])
			}
			if reported[name] != len(want[name]) {
				t.Errorf("watch %s: ingest reported %d new, want %d", name, reported[name], len(want[name]))
			}
			for _, m := range got {
				if m.Title == "" || m.File == "" || m.DocID == "" || m.FoundAt.Before(ctxStart) {
					t.Errorf("watch %s: match %s lacks citation fields or time: %+v", name, m.ID, m)
				}
			}
			if name == "all" {
				allNew = len(got)
			}
		}
		// The unchanged paragraphs of alpha and delta's copy of beta's
		// are in the new documents but not new.
		var inNew int
		for _, id := range added {
			ps, _ := d.Store.Passages(ctx, id)
			inNew += len(ps)
		}
		if allNew >= inNew || allNew == 0 {
			t.Errorf("watch all: %d new of %d passages in the new documents; the repeated ones must not count", allNew, inNew)
		}
		later, err := watch.Matches(ctx, d.Store, ix, "all", time.Now(), 0, 0)
		if err != nil || len(later) != 0 {
			t.Errorf("matches since now: %d, %v; want none", len(later), err)
		}
	})

	sum = ingest(t, data, files)
	if sum.Added != 0 || sum.Unchanged != 4 || len(sum.Watches) != 3 {
		t.Fatalf("re-ingest: %+v", sum)
	}
	for _, r := range sum.Watches {
		if r.New != 0 {
			t.Errorf("re-ingest of unchanged files: watch %s reports %d new", r.Watch, r.New)
		}
	}
}

// A run interrupted after storing documents but before checking them
// against the watches leaves them pending; the next run reports them,
// once, and checking again records nothing twice.
func TestInterruptedRunIsCheckedByTheNext(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	data, files := filepath.Join(root, "data"), filepath.Join(root, "in")
	os.Mkdir(files, 0o755)
	writeFiles(t, files, first, time.Now())
	withData(t, data, true, func(d *datadir.Dir) {
		if _, err := watch.Add(ctx, d.Store, "infra", searches["infra"], time.Now()); err != nil {
			t.Fatal(err)
		}
		// What ingest does up to its commit, then "dies": the document
		// is stored, unindexed, with its pending row.
		tg, _ := tag.Default()
		doc, err := pipeline.UnsafeInProcess{}.Extract(ctx, filepath.Join(files, "beta.txt"))
		if err != nil {
			t.Fatal(err)
		}
		if err := pipeline.AnalyseExtracted(doc, tg, filepath.Join(files, "beta.txt"), 0); err != nil {
			t.Fatal(err)
		}
		tr, err := watch.NewTracker(ctx, d)
		if err != nil || !tr.Active() {
			t.Fatalf("tracker: %v", err)
		}
		if err := tr.BeforeStore(ctx, []*corpus.Document{doc}); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Store.PutDocument(ctx, doc); err != nil {
			t.Fatal(err)
		}
	})
	// The next run finds beta stored (its path recorded) and alpha new.
	sum := ingest(t, data, files)
	if len(sum.Watches) != 1 || sum.Watches[0].New != 2 {
		t.Fatalf("next run: %+v, want 2 new infrastructure passages (one in the stored beta, one in alpha)", sum.Watches)
	}
	withData(t, data, true, func(d *datadir.Dir) {
		again, err := watch.Percolate(ctx, d, time.Now())
		if err != nil || len(again) != 1 || again[0].New != 0 {
			t.Fatalf("percolating again: %+v, %v; want nothing new", again, err)
		}
		n, err := d.Store.WatchMatchCounts(ctx, time.Time{})
		if err != nil || n["infra"] != 2 {
			t.Fatalf("recorded matches %v, %v; want 2", n, err)
		}
	})
}

func TestAddValidatesLikeSearch(t *testing.T) {
	ctx := context.Background()
	withData(t, filepath.Join(t.TempDir(), "data"), true, func(d *datadir.Dir) {
		var re *index.RequestError
		if _, err := watch.Add(ctx, d.Store, "bad", watch.Search{Norms: []string{"z"}}, time.Now()); !errors.As(err, &re) || re.Field != "norm" {
			t.Errorf("unknown norm: %v, want a norm request error", err)
		}
		if _, err := watch.Add(ctx, d.Store, "bad", watch.Search{Query: "(unclosed"}, time.Now()); !errors.As(err, &re) || re.Field != "query" {
			t.Errorf("bad query: %v, want a query request error", err)
		}
		if _, err := watch.Add(ctx, d.Store, "no/slash", watch.Search{}, time.Now()); !errors.Is(err, watch.ErrBadName) {
			t.Errorf("bad name: %v", err)
		}
		if _, err := watch.Add(ctx, d.Store, "ok", watch.Search{Query: "cyber", Norms: []string{"g"}}, time.Now()); err != nil {
			t.Fatal(err)
		}
		if _, err := watch.Add(ctx, d.Store, "ok", watch.Search{}, time.Now()); !errors.Is(err, sqlite.ErrWatchExists) {
			t.Errorf("second add: %v, want ErrWatchExists", err)
		}
		ws, err := watch.List(ctx, d.Store)
		if err != nil || len(ws) != 1 || ws[0].Search.Query != "cyber" || !slices.Equal(ws[0].Search.Norms, []string{"g"}) {
			t.Errorf("list: %+v, %v", ws, err)
		}
		if err := watch.Remove(ctx, d.Store, "ok"); err != nil {
			t.Fatal(err)
		}
		if err := watch.Remove(ctx, d.Store, "ok"); !errors.Is(err, sqlite.ErrNoWatch) {
			t.Errorf("second remove: %v, want ErrNoWatch", err)
		}
	})
}
