package web

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/normtag/normtag/internal/norms"
)

// page fetches a page of the test server, returning its status, content
// type and body.
func page(t *testing.T, u string) (int, string, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(body)
}

var (
	totalRe = regexp.MustCompile(`<span id="total-n">(\d+)</span>`)
	// a facet value: its link, value and count ("+N" when it adds)
	facetRe = regexp.MustCompile(`<a class="fv[^"]*" href="([^"]+)" data-value="([^"]*)"[^>]*>.*?<span class="count" data-count="(-?\d+)"( data-adds="1")?`)
)

func pageTotal(t *testing.T, body string) int {
	t.Helper()
	m := totalRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no total on the page:\n%.2000s", body)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

type shownFacet struct {
	url, value string
	count      int
	adds       bool
}

// facetsOf reads the values of one facet group (section id facet-NAME).
func facetsOf(t *testing.T, body, group string) []shownFacet {
	t.Helper()
	start := strings.Index(body, `id="facet-`+group+`"`)
	if start < 0 {
		return nil
	}
	end := strings.Index(body[start:], "</section>")
	var out []shownFacet
	for _, m := range facetRe.FindAllStringSubmatch(body[start:start+end], -1) {
		n, _ := strconv.Atoi(m[3])
		out = append(out, shownFacet{url: html.UnescapeString(m[1]), value: html.UnescapeString(m[2]), count: n, adds: m[4] != ""})
	}
	return out
}

// TestSearchPageCountsMatchWhatTickingGives follows facet links as a
// user would and checks each count against the total it leads to.
func TestSearchPageCountsMatchWhatTickingGives(t *testing.T) {
	ts, _ := sampleServer(t)
	_, _, body := page(t, ts.URL+"/?q=&norm=g")
	base := pageTotal(t, body)
	if base == 0 {
		t.Fatal("norm g finds nothing in the sample corpus")
	}
	if !strings.Contains(body, norms.All[6].Text[:60]) {
		t.Error("the official text of (g) is not beside the results")
	}
	// OR: an unticked norm's +N is what ticking it adds.
	checked := 0
	for _, f := range facetsOf(t, body, "norm") {
		if f.value == "g" {
			continue
		}
		if !f.adds {
			t.Errorf("norm %s: count %d is not marked as an addition", f.value, f.count)
		}
		if f.count == 0 {
			continue
		}
		_, _, after := page(t, ts.URL+f.url)
		if got := pageTotal(t, after); got != base+f.count {
			t.Errorf("OR: norm %s shows +%d over %d, ticking it gives %d", f.value, f.count, base, got)
		}
		checked++
	}
	// AND: a norm's count is the total with it added.
	_, _, andBody := page(t, ts.URL+"/?q=&norm=g&norm_op=and")
	if pageTotal(t, andBody) != base {
		t.Error("with one norm, AND and OR differ")
	}
	for _, f := range facetsOf(t, andBody, "norm") {
		if f.value == "g" || f.count == 0 {
			continue
		}
		if f.adds {
			t.Errorf("AND: norm %s marked as an addition", f.value)
		}
		_, _, after := page(t, ts.URL+f.url)
		if got := pageTotal(t, after); got != f.count {
			t.Errorf("AND: norm %s shows %d, ticking it gives %d", f.value, f.count, got)
		}
		checked++
	}
	// Other facets: untouched groups count the results ticking gives.
	for _, group := range []string{"submitter", "submitter_type", "country", "lang", "doc", "kind"} {
		fs := facetsOf(t, body, group)
		if len(fs) == 0 {
			t.Errorf("no %s facet", group)
			continue
		}
		f := fs[0]
		_, _, after := page(t, ts.URL+f.url)
		if got := pageTotal(t, after); got != f.count {
			t.Errorf("%s %q shows %d, ticking it gives %d", group, f.value, f.count, got)
		}
		// Once ticked, the other values of the group say what they add.
		for _, g := range facetsOf(t, after, group)[1:] {
			if !g.adds {
				continue
			}
			_, _, both := page(t, ts.URL+g.url)
			if got := pageTotal(t, both); got != f.count+g.count {
				t.Errorf("%s %q adds %d to %d, ticking it gives %d", group, g.value, g.count, f.count, got)
			}
			checked++
			break
		}
		checked++
	}
	if checked < 8 {
		t.Errorf("only %d counts checked", checked)
	}
	if !strings.Contains(body, `id="facet-year"`) || !strings.Contains(body, "Examplia") {
		t.Error("the year histogram or the country facet is missing")
	}
}

func TestSearchPagePagesAndCursor(t *testing.T) {
	ts, _ := sampleServer(t)
	_, _, p1 := page(t, ts.URL+"/?q=&limit=3")
	if !strings.Contains(p1, `id="next"`) || !strings.Contains(p1, `data-page="3"`) || strings.Contains(p1, `id="prev"`) {
		t.Fatalf("page 1 lacks next and page numbers:\n%s", p1[strings.Index(p1, `<nav class="pager"`):])
	}
	_, _, p3 := page(t, ts.URL+"/?q=&limit=3&page=3")
	if !strings.Contains(p3, `aria-current="page">3<`) || !strings.Contains(p3, `id="prev"`) {
		t.Error("page 3 is not marked current or has no previous link")
	}
	hitsOf := func(body string) []string {
		return regexp.MustCompile(`href="(/documents/[0-9a-f]+#p\d+)" class="title"`).FindAllString(body, -1)
	}
	h1, h3 := hitsOf(p1), hitsOf(p3)
	if len(h1) != 3 || len(h3) != 3 || h1[0] == h3[0] {
		t.Errorf("page 1 %v, page 3 %v", h1, h3)
	}
	// The cursor: a page after one reached by cursor links on with more.
	var res searchResponse
	getJSON(t, ts.URL+"/api/search?q=&limit=3", &res)
	if res.Next == "" {
		t.Fatal("no cursor")
	}
	_, _, after := page(t, ts.URL+"/?q=&limit=3&after="+res.Next)
	if !strings.Contains(after, `id="more"`) || !strings.Contains(after, "after=") || hitsOf(after)[0] == h1[0] {
		t.Error("a cursor page lacks its more link, or repeats page 1")
	}
}

func TestSearchPageEmptyStateNamesTheFilterToDrop(t *testing.T) {
	ts, _ := sampleServer(t)
	_, _, body := page(t, ts.URL+"/?q=hospitals&submitter_type=company")
	if pageTotal(t, body) != 0 {
		t.Skip("the sample corpus has a company passage on hospitals")
	}
	if !strings.Contains(body, `id="empty"`) || !strings.Contains(body, "drop type company") {
		t.Errorf("the empty state does not suggest dropping the type:\n%s", body[strings.Index(body, `<section class="results"`):])
	}
}

func TestSearchPageMarksEvidenceApartFromQueryWords(t *testing.T) {
	ts, _ := sampleServer(t)
	_, _, body := page(t, ts.URL+"/?q=hospitals&norm=f")
	if !regexp.MustCompile(`<mark class="q( ev)?">hospitals`).MatchString(body) || !regexp.MustCompile(`<mark class="ev">[a-z ]+</mark>`).MatchString(body) {
		t.Errorf("query words or evidence not marked:\n%s", body[strings.Index(body, `<ol class="hits"`):])
	}
	if !strings.Contains(body, "tagger matched:") {
		t.Error("no list of what the tagger matched")
	}
}

func TestLandingPageAndHTMLErrors(t *testing.T) {
	ts, _ := sampleServer(t)
	status, ctype, body := page(t, ts.URL+"/")
	if status != 200 || !strings.Contains(body, `id="overview"`) || !strings.Contains(body, "Newest documents") || strings.Contains(body, `id="hits"`) {
		t.Errorf("landing page: %d\n%.1500s", status, body)
	}
	if !strings.Contains(ctype, "text/html") || !strings.Contains(body, `href="/?norm=g"`) || !strings.Contains(body, "Republic of Examplia") {
		t.Error("the landing page lacks norm links or submitters")
	}
	for _, c := range []struct {
		path   string
		status int
		html   bool
	}{
		{"/documents/abc", 404, true},
		{"/documents/" + strings.Repeat("0", 64), 404, true},
		{"/no/such/page", 404, true},
		{"/?norm=z", 400, true},
		{"/api/documents/abc", 400, false},
		{"/api/documents/" + strings.Repeat("0", 64), 404, false},
		{"/api/nothing", 404, false},
	} {
		status, ctype, body := page(t, ts.URL+c.path)
		if status != c.status {
			t.Errorf("%s: status %d, want %d", c.path, status, c.status)
		}
		if c.html != strings.Contains(ctype, "text/html") || c.html != strings.Contains(body, "</html>") {
			t.Errorf("%s: content type %s, want HTML %v:\n%.300s", c.path, ctype, c.html, body)
		}
	}
}

// TestBusyPageAnswersHTML: a page refused while the server is busy is an
// HTML page with Retry-After, as the API's refusal is JSON.
func TestBusyPageAnswersHTML(t *testing.T) {
	_, d := sampleServer(t)
	s, err := New(d, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.cache.Close() })
	s.heavy = newLimiter(1, 0, 50*time.Millisecond)
	ts := httptest.NewServer(s)
	defer ts.Close()
	release, err := s.heavy.acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	resp, err := http.Get(ts.URL + "/?norm=g")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || !strings.Contains(string(body), `id="error-page"`) {
		t.Errorf("busy page: status %d, Retry-After %q:\n%.300s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
}
