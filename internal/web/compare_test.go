package web

import (
	"context"
	"encoding/csv"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/pipeline"
	"github.com/normtag/normtag/pipeline/tag"
)

// matrixJSON is a matrix as /api/compare, /api/timeline and
// /api/coverage?format=json answer it.
type matrixJSON struct {
	Kind  string
	Norms []string
	Rows  []struct {
		Labels    map[string]string
		Passages  int
		Counts    map[string]int
		Shares    map[string]float64
		Search    map[string]string
		SearchAll string `json:"search_all"`
	}
	Error string
}

// checkCellSearches asks /api/search, over HTTP as the page's links do,
// for every cell's passages and compares the total with the cell.
func checkCellSearches(t *testing.T, base string, m matrixJSON) (cells int) {
	t.Helper()
	for _, r := range m.Rows {
		for _, n := range m.Norms {
			s, ok := r.Search[n]
			if !ok {
				t.Errorf("%v (%s): no search", r.Labels, n)
				continue
			}
			var res searchResponse
			if code := getJSON(t, base+"/api/search?limit=1&"+s, &res); code != 200 {
				t.Fatalf("%s: status %d", s, code)
			}
			if res.Total != r.Counts[n] {
				t.Errorf("%v (%s): cell counts %d, its search finds %d (%s)", r.Labels, n, r.Counts[n], res.Total, s)
			}
			if r.Counts[n] > 0 {
				cells++
			}
		}
		var res searchResponse
		getJSON(t, base+"/api/search?limit=1&"+r.SearchAll, &res)
		if res.Total != r.Passages {
			t.Errorf("%v: %d passages, its search finds %d", r.Labels, r.Passages, res.Total)
		}
	}
	return cells
}

func TestAPICompareCellsFindTheirPassages(t *testing.T) {
	ts, _ := sampleServer(t)
	var m matrixJSON
	if code := getJSON(t, ts.URL+"/api/compare?sort=g&group=none", &m); code != 200 || m.Kind != "compare" || len(m.Rows) != 5 {
		t.Fatalf("status %d: %+v", code, m)
	}
	for i := 1; i < len(m.Rows); i++ {
		if m.Rows[i-1].Shares["g"] < m.Rows[i].Shares["g"] {
			t.Errorf("sort=g: share %v before %v", m.Rows[i-1].Shares["g"], m.Rows[i].Shares["g"])
		}
	}
	if n := checkCellSearches(t, ts.URL, m); n < 10 {
		t.Errorf("only %d non-zero cells", n)
	}

	var y matrixJSON
	getJSON(t, ts.URL+"/api/compare?since=2022&until=2022", &y)
	if len(y.Rows) != 1 || y.Rows[0].Labels["submitter"] != "Acme Secure Systems" {
		t.Errorf("2022: %+v", y.Rows)
	}
	checkCellSearches(t, ts.URL, y)

	var tl matrixJSON
	getJSON(t, ts.URL+"/api/timeline?"+url.Values{"submitter": {"Republic of Examplia", "Acme Secure Systems"}}.Encode(), &tl)
	if len(tl.Rows) != 2 || tl.Rows[0].Labels["year"] != "2022" || tl.Rows[1].Labels["year"] != "2023" {
		t.Errorf("timeline of two submitters: %+v", tl.Rows)
	}
	checkCellSearches(t, ts.URL, tl)

	var cov matrixJSON
	getJSON(t, ts.URL+"/api/coverage?format=json&sort=title", &cov)
	if len(cov.Rows) != 5 || cov.Rows[0].Labels["submitter"] == "" || cov.Rows[0].Labels["date"] == "" {
		t.Fatalf("coverage: %+v", cov)
	}
	for i := 1; i < len(cov.Rows); i++ {
		if strings.ToLower(cov.Rows[i-1].Labels["title"]) > strings.ToLower(cov.Rows[i].Labels["title"]) {
			t.Errorf("coverage by title: %q before %q", cov.Rows[i-1].Labels["title"], cov.Rows[i].Labels["title"])
		}
	}
	checkCellSearches(t, ts.URL, cov)

	for _, bad := range []string{"/api/compare?sort=zz", "/api/compare?order=up", "/api/timeline?kinds=gossip", "/api/compare?since=tomorrow",
		"/api/compare?format=xml", "/compare?view=pie", "/timeline?" + manySubmitters(11)} {
		resp, err := http.Get(ts.URL + bad)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 400 {
			t.Errorf("%s: status %d, want 400", bad, resp.StatusCode)
		}
	}
}

func TestAPIMatrixCSV(t *testing.T) {
	ts, _ := sampleServer(t)
	for _, path := range []string{"/api/compare", "/api/timeline", "/api/coverage"} {
		resp, err := http.Get(ts.URL + path + "?format=csv")
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(resp.Body).ReadAll()
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("%s: status %d, %v", path, resp.StatusCode, err)
		}
		if len(recs) < 2 || !contains(recs[0], "passages") || !contains(recs[0], "k") || !contains(recs[0], "k_share") {
			t.Errorf("%s: %q", path, recs)
		}
	}
}

func TestMatrixPagesLinkEveryCell(t *testing.T) {
	ts, _ := sampleServer(t)
	for _, path := range []string{"/compare", "/compare?view=counts&group=none&sort=passages", "/coverage", "/coverage?view=counts&sort=date", "/timeline"} {
		resp, err := http.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		page := string(body)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: status %d", path, resp.StatusCode)
		}
		cells := regexp.MustCompile(`<td class="cell [^"]*" title="[^"]*" data-count="(\d+)"[^>]*><a href="/\?[^"]*norm=[a-k][^"]*">`).FindAllStringSubmatch(page, -1)
		if len(cells) == 0 || len(cells)%11 != 0 {
			t.Errorf("%s: %d linked cells", path, len(cells))
		}
		if strings.Contains(path, "view=counts") {
			// counts shown, shares on hover
			for _, c := range regexp.MustCompile(`data-count="(\d+)" data-share="[^"]*"><a href="[^"]*">([^<]*)</a>`).FindAllStringSubmatch(page, -1) {
				if c[1] != c[2] {
					t.Errorf("%s: cell of %s shows %q", path, c[1], c[2])
				}
			}
		} else if !strings.Contains(page, "%</a>") {
			t.Errorf("%s: no shares shown", path)
		}
		if path == "/timeline" && (!strings.Contains(page, "<svg") || !strings.Contains(page, `<a href="/?`)) {
			t.Errorf("timeline without a chart of linked points")
		}
		if path == "/coverage" && !strings.Contains(page, "Republic of Examplia") {
			t.Errorf("coverage without submitters")
		}
	}
	// Grouped by type: a group row before each type's submitters.
	resp, err := http.Get(ts.URL + "/compare")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	groups := regexp.MustCompile(`<tr class="group"><th colspan="\d+">([^<]*)</th>`).FindAllStringSubmatch(string(body), -1)
	if len(groups) != 4 { // company, ngo, regional, state
		t.Errorf("groups: %q", groups)
	}
}

// manySubmitters is a query naming n different submitters.
func manySubmitters(n int) string {
	v := url.Values{}
	for i := range n {
		v.Add("submitter", "submitter "+strconv.Itoa(i))
	}
	return v.Encode()
}

// TestCompareSeesAnIngestWhileServing asks for the matrix, ingests one
// more document with a writer while the server runs, and asks again: the
// kept matrix belonged to the index handle the writer had closed, so the
// new submitter is there.
func TestCompareSeesAnIngestWhileServing(t *testing.T) {
	ts, d := sampleServer(t)
	var before matrixJSON
	if code := getJSON(t, ts.URL+"/api/compare", &before); code != 200 || len(before.Rows) != 5 {
		t.Fatalf("status %d, %d rows", code, len(before.Rows))
	}
	src := t.TempDir()
	text := "Statement of the Eastern Cyber Council\n\nStates should not conduct or knowingly support ICT activity that damages critical infrastructure.\n"
	if err := os.WriteFile(filepath.Join(src, "eastern.txt"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	meta := "file,submitter,submitter_type,date\neastern.txt,Eastern Cyber Council,regional,2025-01-10\n"
	if err := os.WriteFile(filepath.Join(src, "metadata.csv"), []byte(meta), 0o644); err != nil {
		t.Fatal(err)
	}
	w, err := datadir.Open(context.Background(), d.Path, datadir.Options{Write: true, LockWait: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	tagger, err := tag.Default()
	if err != nil {
		t.Fatal(err)
	}
	sum, err := pipeline.Ingest(context.Background(), w, []string{src}, pipeline.IngestOptions{Tagger: tagger, Extractor: pipeline.UnsafeInProcess{}})
	w.Close()
	if err != nil || sum.Added != 1 {
		t.Fatalf("ingest: %v %+v", err, sum)
	}
	var after matrixJSON
	if code := getJSON(t, ts.URL+"/api/compare", &after); code != 200 {
		t.Fatalf("status %d", code)
	}
	var found bool
	for _, r := range after.Rows {
		found = found || r.Labels["submitter"] == "Eastern Cyber Council" && r.Passages == 2 && r.Counts["f"] == 1
	}
	if len(after.Rows) != 6 || !found {
		for _, r := range after.Rows {
			t.Logf("%v: %d passages, %v", r.Labels, r.Passages, r.Counts)
		}
		t.Error("the new submitter's row is missing after the ingest")
	}
	checkCellSearches(t, ts.URL, after)
}
