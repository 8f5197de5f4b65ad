package web

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/internal/sampledata"
)

// sampleServer ingests the repository's sample corpus into a temporary
// data directory and serves it on a real loopback listener.
func sampleServer(t *testing.T) (*httptest.Server, *datadir.Dir) {
	t.Helper()
	d := sampledata.Open(t, "../../examples/corpus")
	s, err := New(d, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(func() { ts.Close(); s.cache.Close() })
	return ts, d
}

func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("%s: not JSON: %v", url, err)
	}
	return resp.StatusCode
}

type searchResponse struct {
	Total  int    `json:"total"`
	Next   string `json:"next"`
	Hits   []apiHit
	Facets map[string][]struct {
		Value string
		Count int
	}
}

func TestAPISearchWithCitationsAndFacets(t *testing.T) {
	ts, _ := sampleServer(t)
	var res searchResponse
	if code := getJSON(t, ts.URL+"/api/search?q=critical+infrastructure&norm=g&limit=5", &res); code != 200 {
		t.Fatalf("status %d", code)
	}
	if res.Total == 0 || len(res.Hits) == 0 {
		t.Fatalf("no hits: %+v", res)
	}
	for _, h := range res.Hits {
		// A PDF's hit cites and opens its page; a text file has none.
		paged := h.Page >= 1 && h.Pages == corpus.PageCite(h.Page, h.PageEnd) && strings.Contains(h.FileURL, "#page=")
		pageless := h.Page == 0 && h.Pages == "" && !strings.Contains(h.FileURL, "#page=")
		if h.Title == "" || h.File == "" || !paged && !pageless || !strings.Contains(h.SnippetHTML, "<mark>") {
			t.Errorf("hit lacks citation parts: %+v", h)
		}
		if !contains(h.Norms, "g") {
			t.Errorf("hit without norm g: %+v", h.Norms)
		}
		// the snippet is plain text; the highlights are byte offsets of
		// the searched words in it
		if strings.ContainsAny(h.Snippet, "\x02\x03") || len(h.Highlights) == 0 {
			t.Errorf("snippet %q with highlights %v", h.Snippet, h.Highlights)
		}
		for _, span := range h.Highlights {
			if span[0] < 0 || span[1] > len(h.Snippet) || span[0] >= span[1] {
				t.Fatalf("highlight %v outside snippet %q", span, h.Snippet)
			}
			if w := strings.ToLower(h.Snippet[span[0]:span[1]]); !strings.HasPrefix(w, "critical") && !strings.HasPrefix(w, "infrastructure") {
				t.Errorf("highlight %v is %q in %q", span, w, h.Snippet)
			}
		}
	}
	if len(res.Facets["norm"]) == 0 || len(res.Facets["submitter"]) == 0 || len(res.Facets["year"]) == 0 {
		t.Errorf("facets missing: %+v", res.Facets)
	}
	// Fields and filters.
	var bySub searchResponse
	getJSON(t, ts.URL+"/api/search?"+url.Values{"q": {`submitter:"acme secure systems"`}}.Encode(), &bySub)
	for _, h := range bySub.Hits {
		if h.File != "acme-supply-chain.docx" {
			t.Errorf("submitter filter leaked %s", h.File)
		}
	}
	if bySub.Total == 0 {
		t.Error("submitter: query found nothing")
	}
	var since searchResponse
	getJSON(t, ts.URL+"/api/search?since=2024", &since)
	for _, h := range since.Hits {
		if h.Date < "2024" {
			t.Errorf("since=2024 returned %s", h.Date)
		}
	}
}

// TestAPISearchCursor follows next from page to page: every hit once, in
// the order of one big page, and the page at / links to the next page.
func TestAPISearchCursor(t *testing.T) {
	ts, _ := sampleServer(t)
	var all searchResponse
	getJSON(t, ts.URL+"/api/search?norm=g&limit=100", &all)
	if len(all.Hits) < 5 || all.Next != "" {
		t.Fatalf("one page: %d hits, next %q", len(all.Hits), all.Next)
	}
	var ids []string
	u := ts.URL + "/api/search?norm=g&limit=2"
	for pages := 0; ; pages++ {
		var res searchResponse
		if code := getJSON(t, u, &res); code != 200 {
			t.Fatalf("%s: status %d", u, code)
		}
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		if res.Next == "" {
			break
		}
		if pages > len(all.Hits) {
			t.Fatal("cursor does not end")
		}
		u = ts.URL + "/api/search?" + url.Values{"norm": {"g"}, "limit": {"2"}, "after": {res.Next}}.Encode()
	}
	if len(ids) != len(all.Hits) {
		t.Fatalf("paged %d hits, one page %d", len(ids), len(all.Hits))
	}
	for i, h := range all.Hits {
		if ids[i] != h.ID {
			t.Fatalf("hit %d: paged %s, one page %s", i, ids[i], h.ID)
		}
	}
	resp, err := http.Get(ts.URL + "/?norm=g&limit=2")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(page), `id="next"`) || !strings.Contains(string(page), "page=2") {
		t.Fatal("search page lacks the link to the next page")
	}
}

func TestAPIErrorsAreClear(t *testing.T) {
	ts, _ := sampleServer(t)
	for _, u := range []string{"/api/search?q=title:%22unclosed", "/api/search?norm=z", "/api/search?limit=100000", "/api/documents/..%2f..%2fetc%2fpasswd", "/api/documents/abc"} {
		var e map[string]string
		code := getJSON(t, ts.URL+u, &e)
		if code != 400 || e["error"] == "" {
			t.Errorf("%s: status %d, body %v", u, code, e)
		}
	}
	var e map[string]string
	if code := getJSON(t, ts.URL+"/api/documents/"+strings.Repeat("0", 64), &e); code != 404 {
		t.Errorf("unknown document: %d", code)
	}
}

func TestAPIDocumentsFileNormsStatsOpenAPI(t *testing.T) {
	ts, _ := sampleServer(t)
	var docs struct{ Documents []docSummary }
	getJSON(t, ts.URL+"/api/documents", &docs)
	if len(docs.Documents) != 5 {
		t.Fatalf("%d documents", len(docs.Documents))
	}
	var pdfID string
	for _, d := range docs.Documents {
		if d.File == "examplia-national-report.pdf" {
			pdfID = d.ID
			if d.Norms["g"] == 0 || d.Meta["submitter"] != "Republic of Examplia" {
				t.Errorf("summary %+v", d)
			}
		}
	}
	var doc struct {
		ID       string
		Path     string
		Passages []struct {
			Seq  int `json:"passage"`
			Text string
		}
	}
	getJSON(t, ts.URL+"/api/documents/"+pdfID, &doc)
	if doc.ID != pdfID || len(doc.Passages) < 10 || doc.Path != "" {
		t.Fatalf("document: id %s, %d passages, path %q", doc.ID, len(doc.Passages), doc.Path)
	}
	resp, err := http.Get(ts.URL + "/api/documents/" + pdfID + "/file")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(string(body), "%PDF-") {
		t.Fatalf("file: %s %q", resp.Header.Get("Content-Type"), body[:10])
	}
	var nm struct {
		Norms []struct{ Letter, Short, Text string }
	}
	getJSON(t, ts.URL+"/api/norms", &nm)
	if len(nm.Norms) != 11 || nm.Norms[6].Letter != "g" || nm.Norms[6].Text == "" {
		t.Fatalf("norms %+v", nm)
	}
	var st map[string]any
	getJSON(t, ts.URL+"/api/stats", &st)
	if st["documents"].(float64) != 5 {
		t.Fatalf("stats %v", st)
	}
	var spec map[string]any
	getJSON(t, ts.URL+"/api/openapi.json", &spec)
	paths, _ := spec["paths"].(map[string]any)
	for _, p := range []string{"/api/search", "/api/documents", "/api/documents/{id}", "/api/norms", "/api/stats", "/api/export", "/api/compare", "/api/timeline"} {
		if paths[p] == nil {
			t.Errorf("openapi lacks %s", p)
		}
	}
}

func TestAPIExportCSV(t *testing.T) {
	ts, _ := sampleServer(t)
	resp, err := http.Get(ts.URL + "/api/export?norm=j&format=csv")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if !strings.HasPrefix(string(raw), "\ufeff") {
		t.Error("CSV lacks the byte order mark Excel needs")
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(raw), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 3 || rows[0][0] != "doc" || rows[0][12] != "text" || rows[0][15] != "submitter_source" || rows[0][18] != "heading_path" || rows[0][len(rows[0])-1] != "ocr_confidence" {
		t.Fatalf("rows %v", rows)
	}
	for _, r := range rows[1:] {
		if !strings.Contains(r[9]+","+r[10], "j") || r[7] == "0" || r[12] == "" {
			t.Errorf("row %v", r)
		}
	}
}

func TestSecurityHeadersAndLoopback(t *testing.T) {
	ts, _ := sampleServer(t)
	resp, err := http.Get(ts.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"} {
		if resp.Header.Get(h) == "" {
			t.Errorf("missing header %s", h)
		}
	}
	if resp.StatusCode != 200 {
		t.Fatalf("page status %d", resp.StatusCode)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Coverage and stats count body and heading passages unless kinds= asks
// for more; a kind that does not exist is a 400 naming it.
func TestCoverageKinds(t *testing.T) {
	ts, _ := sampleServer(t)
	var def, all struct {
		Kinds     []string `json:"kinds"`
		Documents []struct {
			Norms map[string]int `json:"norms"`
		} `json:"documents"`
	}
	if code := getJSON(t, ts.URL+"/api/coverage", &def); code != 200 || strings.Join(def.Kinds, ",") != "body,heading" {
		t.Fatalf("coverage: status %d, kinds %v", code, def.Kinds)
	}
	if code := getJSON(t, ts.URL+"/api/coverage?kinds=all", &all); code != 200 || len(all.Kinds) != len(corpus.Kinds) || len(all.Documents) != len(def.Documents) {
		t.Fatalf("coverage of all kinds: status %d, kinds %v", code, all.Kinds)
	}
	for i := range def.Documents {
		for n, c := range def.Documents[i].Norms {
			if all.Documents[i].Norms[n] < c {
				t.Errorf("document %d: (%s) counted %d in all kinds, %d in body and headings", i, n, all.Documents[i].Norms[n], c)
			}
		}
	}
	var st struct {
		CountedKinds []string `json:"counted_kinds"`
	}
	if code := getJSON(t, ts.URL+"/api/stats?kinds=note", &st); code != 200 || strings.Join(st.CountedKinds, ",") != "note" {
		t.Errorf("stats of notes: status %d, %v", code, st.CountedKinds)
	}
	var bad struct {
		Error string `json:"error"`
	}
	if code := getJSON(t, ts.URL+"/api/coverage?kinds=gossip", &bad); code != 400 || !strings.Contains(bad.Error, "gossip") {
		t.Errorf("unknown kind: status %d, %q", code, bad.Error)
	}
}
