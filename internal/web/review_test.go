package web

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/internal/export"
	"github.com/normtag/normtag/internal/norms"
	"github.com/normtag/normtag/internal/sampledata"
)

const testToken = "review-token-for-tests-0123456789"

// reviewServer serves the sample corpus in review mode.
func reviewServer(t *testing.T) (*httptest.Server, *datadir.Dir) {
	t.Helper()
	d := sampledata.Open(t, "../../examples/corpus")
	s, err := New(d, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = s.EnableReview(ReviewOptions{Token: testToken, OpenWriter: func(ctx context.Context) (*datadir.Dir, error) {
		return datadir.Open(ctx, d.Path, datadir.Options{Write: true, LockWait: 5 * time.Second})
	}})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(func() { ts.Close(); s.cache.Close() })
	return ts, d
}

// target is a passage to judge: one with a direct norm, and a norm it
// does not carry.
type target struct {
	doc           string
	seq           int
	reject, add   string
	text, docFile string
}

func pickTarget(t *testing.T, d *datadir.Dir) target {
	t.Helper()
	ctx := context.Background()
	docs, err := d.Store.Documents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, doc := range docs {
		ps, err := d.Store.Passages(ctx, doc.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			if p.Heading || len(p.Tags) != 1 || p.Tags[0].Inherited {
				continue
			}
			for _, l := range []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"} {
				if l != p.Tags[0].Norm {
					return target{doc: doc.ID, seq: p.Seq, reject: p.Tags[0].Norm, add: l, text: p.Text, docFile: doc.FileName}
				}
			}
		}
	}
	t.Fatal("no sample passage with one direct norm")
	return target{}
}

func postJudgement(t *testing.T, c *http.Client, u string, body string, h map[string]string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, u+"/api/judgements", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range h {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func judgementCount(t *testing.T, d *datadir.Dir) int {
	t.Helper()
	js, err := d.Store.Judgements(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	return len(js)
}

// TestReviewWritesNeedTokenAndSameOrigin: without review mode there is
// nothing to write to; with it, a write needs the token (bearer) or a
// session and its CSRF token, and one from another origin is refused
// whatever it carries.
func TestReviewWritesNeedTokenAndSameOrigin(t *testing.T) {
	ro, _ := sampleServer(t)
	for _, path := range []string{"/api/judgements", "/review/login"} {
		resp, err := http.Post(ro.URL+path, "application/json", strings.NewReader(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("read-only server: POST %s answered %d", path, resp.StatusCode)
		}
	}
	if resp, err := http.Get(ro.URL + "/review"); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("read-only server: GET /review: %v %v", resp.StatusCode, err)
	}

	ts, d := reviewServer(t)
	tg := pickTarget(t, d)
	body := fmt.Sprintf(`{"doc":%q,"passage":%d,"norm":%q,"verdict":"reject","by":"script"}`, tg.doc, tg.seq, tg.reject)
	c := http.DefaultClient
	for _, tc := range []struct {
		name    string
		headers map[string]string
		want    int
	}{
		{"no token", nil, http.StatusUnauthorized},
		{"wrong token", map[string]string{"Authorization": "Bearer not-the-token-at-all"}, http.StatusUnauthorized},
		{"token in another scheme", map[string]string{"Authorization": "Basic " + testToken}, http.StatusUnauthorized},
		{"other origin", map[string]string{"Authorization": "Bearer " + testToken, "Origin": "http://evil.example"}, http.StatusForbidden},
		{"other port", map[string]string{"Authorization": "Bearer " + testToken, "Origin": strings.Replace(ts.URL, "127.0.0.1:", "127.0.0.1:1", 1)}, http.StatusForbidden},
		{"cross-site fetch", map[string]string{"Authorization": "Bearer " + testToken, "Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"same-site fetch", map[string]string{"Authorization": "Bearer " + testToken, "Sec-Fetch-Site": "same-site"}, http.StatusForbidden},
		{"opaque origin, no fetch metadata", map[string]string{"Authorization": "Bearer " + testToken, "Origin": "null"}, http.StatusForbidden},
	} {
		if code, msg := postJudgement(t, c, ts.URL, body, tc.headers); code != tc.want {
			t.Errorf("%s: status %d (%s), want %d", tc.name, code, msg, tc.want)
		}
	}
	if n := judgementCount(t, d); n != 0 {
		t.Fatalf("refused writes stored %d judgements", n)
	}
	if code, msg := postJudgement(t, c, ts.URL, `{"doc":"`+tg.doc+`","passage":0,"norm":"z","verdict":"reject","by":"x"}`,
		map[string]string{"Authorization": "Bearer " + testToken}); code != http.StatusBadRequest || !strings.Contains(msg, "norm") {
		t.Errorf("bad norm: %d %s", code, msg)
	}
	code, msg := postJudgement(t, c, ts.URL, body, map[string]string{"Authorization": "Bearer " + testToken, "Origin": ts.URL})
	if code != http.StatusOK || !strings.Contains(msg, `"overrides"`) {
		t.Fatalf("bearer write from the same origin: %d %s", code, msg)
	}
	if n := judgementCount(t, d); n != 1 {
		t.Fatalf("judgements after one accepted write: %d", n)
	}

	// A person: wrong token, then the right one; the cookie is strict and
	// a write needs the page's CSRF token as well.
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	resp, err := browser.PostForm(ts.URL+"/review/login", url.Values{"by": {"ana"}, "token": {"wrong"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if !strings.Contains(resp.Request.URL.RawQuery, "error=1") || len(jar.Cookies(resp.Request.URL)) != 0 {
		t.Fatalf("a wrong token logged in: %s", resp.Request.URL)
	}
	noRedirect := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err = noRedirect.PostForm(ts.URL+"/review/login", url.Values{"by": {"ana"}, "token": {testToken}, "next": {"//evil.example/"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); loc != "/" {
		t.Errorf("login redirects to %q: only local paths", loc)
	}
	setCookie := resp.Header.Get("Set-Cookie")
	if !strings.Contains(setCookie, "SameSite=Strict") || !strings.Contains(setCookie, "HttpOnly") || strings.Contains(setCookie, testToken) {
		t.Errorf("session cookie: %q", setCookie)
	}
	page := getBody(t, browser, fmt.Sprintf("%s/documents/%s", ts.URL, tg.doc))
	m := regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)">`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the document page in a review session has no CSRF token")
	}
	if strings.Contains(page, testToken) {
		t.Error("the page shows the review token")
	}
	add := fmt.Sprintf(`{"doc":%q,"passage":%d,"norm":%q,"verdict":"add","note":"from a session"}`, tg.doc, tg.seq, tg.add)
	if code, msg := postJudgement(t, browser, ts.URL, add, nil); code != http.StatusForbidden {
		t.Errorf("session write without CSRF token: %d %s", code, msg)
	}
	if code, msg := postJudgement(t, browser, ts.URL, add, map[string]string{csrfHeader: m[1], "Origin": "http://evil.example"}); code != http.StatusForbidden {
		t.Errorf("session write with CSRF token from another origin: %d %s", code, msg)
	}
	code, msg = postJudgement(t, browser, ts.URL, add, map[string]string{csrfHeader: m[1], "Origin": ts.URL})
	if code != http.StatusOK || !strings.Contains(msg, `"by": "ana"`) {
		t.Fatalf("session write: %d %s", code, msg)
	}
	var listed struct{ Judgements []judgementJSON }
	getJSON(t, ts.URL+"/api/judgements?doc="+tg.doc, &listed)
	if len(listed.Judgements) != 2 {
		t.Errorf("judgements listed: %+v", listed.Judgements)
	}
	// Withdrawing the rejection gives the passage the rules' norm again,
	// in the index too.
	withdraw := strings.Replace(body, `"verdict":"reject"`, `"verdict":"withdraw"`, 1)
	if code, msg := postJudgement(t, c, ts.URL, withdraw, map[string]string{"Authorization": "Bearer " + testToken}); code != http.StatusOK || !strings.Contains(msg, `"withdrawn": true`) {
		t.Fatalf("withdraw: %d %s", code, msg)
	}
	var res searchResponse
	getJSON(t, ts.URL+"/api/search?limit=100&norm="+tg.reject, &res)
	if !slices.ContainsFunc(res.Hits, func(h apiHit) bool { return h.DocID == tg.doc && h.Seq == tg.seq }) {
		t.Errorf("after withdrawing the rejection, search norm=%s misses the passage", tg.reject)
	}
}

func getBody(t *testing.T, c *http.Client, u string) string {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v", u, resp.StatusCode, err)
	}
	return string(b)
}

// checkJudged asks the API whether the judged passage carries added and
// not rejected: in search (and its facets), export and coverage.
func checkJudged(t *testing.T, base string, tg target, before map[string]int, when string) {
	t.Helper()
	find := func(norm string) bool {
		var res searchResponse
		getJSON(t, base+"/api/search?limit=100&norm="+norm, &res)
		for _, h := range res.Hits {
			if h.DocID == tg.doc && h.Seq == tg.seq {
				return true
			}
		}
		return false
	}
	if find(tg.reject) {
		t.Errorf("%s: search norm=%s finds the passage whose (%s) was rejected", when, tg.reject, tg.reject)
	}
	if !find(tg.add) {
		t.Errorf("%s: search norm=%s misses the passage (%s) was added to", when, tg.add, tg.add)
	}
	resp, err := http.Get(base + "/api/export?format=jsonl&norm=" + tg.add)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r export.Row
		if json.Unmarshal(sc.Bytes(), &r) == nil && r.DocID == tg.doc && r.Passage == tg.seq {
			found = slices.Contains(r.DirectNorms, tg.add) && strings.Contains(r.Evidence, "judgement: added by ana")
		}
	}
	resp.Body.Close()
	if !found {
		t.Errorf("%s: export norm=%s lacks the passage with the judgement's evidence", when, tg.add)
	}
	cov := coverage(t, base, tg.doc)
	if cov[tg.add] != before[tg.add]+1 || cov[tg.reject] != before[tg.reject]-1 {
		t.Errorf("%s: coverage of the document: (%s) %d, (%s) %d; before (%s) %d, (%s) %d", when,
			tg.add, cov[tg.add], tg.reject, cov[tg.reject], tg.add, before[tg.add], tg.reject, before[tg.reject])
	}
}

// coverage is a document's norm counts from /api/coverage, which the
// matrix form (format=json, which the server keeps per index handle)
// must give too: asked before and after a judgement, it shows the
// judgement once the index does.
func coverage(t *testing.T, base, doc string) map[string]int {
	t.Helper()
	var cov struct{ Documents []docSummary }
	getJSON(t, base+"/api/coverage", &cov)
	var m matrixJSON
	getJSON(t, base+"/api/coverage?format=json", &m)
	var row map[string]int
	for _, r := range m.Rows {
		if r.Labels["doc"] == doc {
			row = r.Counts
		}
	}
	for _, d := range cov.Documents {
		if d.ID == doc {
			for _, l := range norms.Letters() {
				if row[l] != d.Norms[l] {
					t.Errorf("coverage of %s: (%s) %d in the summaries, %d in the matrix", doc, l, d.Norms[l], row[l])
				}
			}
			return d.Norms
		}
	}
	t.Fatalf("coverage has no document %s", doc)
	return nil
}
