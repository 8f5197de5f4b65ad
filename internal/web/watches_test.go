package web

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/index"
	"github.com/normtag/normtag/internal/watch"
	"github.com/normtag/normtag/pipeline"
	"github.com/normtag/normtag/pipeline/tag"
)

// ingestSamples ingests the named files of the sample corpus, copied
// into in, into data.
func ingestSamples(t *testing.T, data, in string, names ...string) *pipeline.Summary {
	t.Helper()
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join("../../examples/corpus", n))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(in, n), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
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
	sum, err := pipeline.Ingest(ctx, d, []string{in}, pipeline.IngestOptions{Tagger: tg, Extractor: pipeline.UnsafeInProcess{}, Workers: 2})
	if err != nil || sum.Failed > 0 {
		t.Fatalf("ingest: %v %+v", err, sum.Failures)
	}
	return sum
}

// The API lists watches with the counts ingest reported, and a watch's
// new matches since the ingest are exactly the passages new to the
// corpus that /api/search finds for it in the new documents; the page
// lists the watches and every page links to it.
func TestAPIWatchesMatchIngest(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	data, in := filepath.Join(root, "data"), filepath.Join(root, "in")
	os.Mkdir(in, 0o755)
	ingestSamples(t, data, in, "northern-forum-submission.txt", "drw-statement.html")
	var oldDocs []string
	func() {
		d, err := datadir.Open(ctx, data, datadir.Options{Write: true})
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		if _, err := watch.Add(ctx, d.Store, "infra", watch.Search{Query: "infrastructure"}, time.Now()); err != nil {
			t.Fatal(err)
		}
		if _, err := watch.Add(ctx, d.Store, "supply", watch.Search{Norms: []string{"i"}}, time.Now()); err != nil {
			t.Fatal(err)
		}
		if oldDocs, err = d.Store.DocumentIDs(ctx); err != nil {
			t.Fatal(err)
		}
	}()
	sum := ingestSamples(t, data, in, "examplia-national-report.pdf", "acme-supply-chain.docx")
	reported := map[string]int{}
	for _, r := range sum.Watches {
		reported[r.Watch] = r.New
	}

	d, err := datadir.Open(ctx, data, datadir.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	s, err := New(d, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	defer func() { ts.Close(); s.cache.Close() }()

	ids, err := d.Store.DocumentIDs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	before := map[string]bool{}
	var newDocs []string
	for _, id := range ids {
		if !slices.Contains(oldDocs, id) {
			newDocs = append(newDocs, "doc:"+id)
			continue
		}
		ps, _ := d.Store.Passages(ctx, id)
		for _, p := range ps {
			before[index.CopyKey(p.Text)] = true
		}
	}
	restrict := "(" + strings.Join(newDocs, " OR ") + ")"
	since := url.QueryEscape(sum.Watches[0].FoundAt.Format(time.RFC3339Nano))

	var list struct{ Watches []watch.Status }
	if code := getJSON(t, ts.URL+"/api/watches?since="+since, &list); code != 200 || len(list.Watches) != 2 {
		t.Fatalf("/api/watches: %d %+v", code, list)
	}
	for _, w := range list.Watches {
		if w.New != reported[w.Name] || w.Matches != reported[w.Name] {
			t.Errorf("/api/watches: %s has %d new, %d in all; ingest reported %d", w.Name, w.New, w.Matches, reported[w.Name])
		}
	}
	for name, search := range map[string]string{"infra": "q=" + url.QueryEscape("infrastructure AND "+restrict), "supply": "norm=i&q=" + url.QueryEscape(restrict)} {
		var sr searchResponse
		getJSON(t, ts.URL+"/api/search?collapse=false&limit=100&"+search, &sr)
		want := []string{}
		for _, h := range sr.Hits {
			if !before[index.CopyKey(h.Text)] {
				want = append(want, h.ID)
			}
		}
		var got struct {
			Total   int
			Matches []watchMatch
		}
		if code := getJSON(t, ts.URL+"/api/watches/"+name+"/new?since="+since, &got); code != 200 {
			t.Fatalf("%s: status %d", name, code)
		}
		gotIDs := []string{}
		for _, m := range got.Matches {
			gotIDs = append(gotIDs, m.ID)
			if m.Title == "" || m.FileURL == "" || m.FoundAt.IsZero() || m.Submitter == "" {
				t.Errorf("%s: match without citation fields: %+v", name, m)
			}
		}
		slices.Sort(want)
		slices.Sort(gotIDs)
		if len(want) == 0 || !slices.Equal(gotIDs, want) || got.Total != len(want) || reported[name] != len(want) {
			t.Errorf("%s: new matches %v (total %d, reported %d), want %v", name, gotIDs, got.Total, reported[name], want)
		}
		var later struct{ Matches []watchMatch }
		getJSON(t, ts.URL+"/api/watches/"+name+"/new?since="+url.QueryEscape(time.Now().Format(time.RFC3339Nano)), &later)
		if len(later.Matches) != 0 {
			t.Errorf("%s: %d matches since now", name, len(later.Matches))
		}
		var page struct{ Matches []watchMatch }
		getJSON(t, ts.URL+"/api/watches/"+name+"/new?limit=1&offset=1", &page)
		if len(want) > 1 && (len(page.Matches) != 1 || page.Matches[0].ID == got.Matches[0].ID) {
			t.Errorf("%s: second page of one: %+v", name, page.Matches)
		}
	}
	for path, status := range map[string]int{
		"/api/watches/nope/new":             404,
		"/api/watches/infra/new?since=soon": 400,
		"/api/watches/infra/new?limit=0":    400,
		"/api/watches?since=yesterday":      400,
	} {
		var e struct{ Error string }
		if code := getJSON(t, ts.URL+path, &e); code != status || e.Error == "" {
			t.Errorf("%s: %d %q, want %d with a message", path, code, e.Error, status)
		}
	}
	for path, want := range map[string][]string{
		"/watches": {"infra", "supply", ">" + strconv.Itoa(reported["infra"]) + "<", "/api/watches/infra/new"},
		"/":        {`href="/watches"`},
	} {
		resp, err := http.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, w := range want {
			if !strings.Contains(string(body), w) {
				t.Errorf("%s lacks %q", path, w)
			}
		}
	}
}
