package web

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/internal/cite"
	"github.com/normtag/normtag/internal/cite/csltest"
	"github.com/normtag/normtag/pipeline"
	"github.com/normtag/normtag/pipeline/tag"
)

// noRedirects is a client that shows redirects instead of following them.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// writableSample ingests the sample corpus into a new data directory and
// returns its path, so that a test can reindex and retag it while a
// server reads it.
func writableSample(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	w, err := datadir.Open(context.Background(), dir, datadir.Options{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	tg, err := tag.Default()
	if err != nil {
		t.Fatal(err)
	}
	sum, err := pipeline.Ingest(context.Background(), w, []string{"../../examples/corpus"}, pipeline.IngestOptions{Tagger: tg, Extractor: pipeline.UnsafeInProcess{}})
	if err != nil || sum.Added < 4 {
		t.Fatalf("ingest: %v %+v", err, sum)
	}
	return dir
}

// serveDir serves the data directory at dir, read-only, on a loopback
// listener.
func serveDir(t *testing.T, dir string) *httptest.Server {
	t.Helper()
	d, err := datadir.Open(context.Background(), dir, datadir.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(d, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(func() { ts.Close(); s.cache.Close(); d.Close() })
	return ts
}

// resolvedText follows a permalink to the document page and returns the
// text of the passage it lands on, read from that page.
func resolvedText(t *testing.T, ts *httptest.Server, permalink string) (string, string) {
	t.Helper()
	resp, err := noRedirects.Get(permalink)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc, "/documents/") {
		t.Fatalf("%s: status %d, Location %q", permalink, resp.StatusCode, loc)
	}
	page, frag, _ := strings.Cut(loc, "#")
	resp, err = http.Get(ts.URL + page)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	doc, err := html.Parse(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	li := findNode(doc, func(n *html.Node) bool { return n.Data == "li" && attr(n, "id") == frag })
	if li == nil {
		t.Fatalf("%s: the document page has no element #%s", permalink, frag)
	}
	text := findNode(li, func(n *html.Node) bool { return n.Data == "span" && attr(n, "class") == "text" })
	return frag, textOf(text)
}

func findNode(n *html.Node, match func(*html.Node) bool) *html.Node {
	if n.Type == html.ElementNode && match(n) {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := findNode(c, match); f != nil {
			return f
		}
	}
	return nil
}

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

func textOf(n *html.Node) string {
	if n == nil {
		return ""
	}
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// citedHits searches and returns permalink → passage text of the hits.
func citedHits(t *testing.T, ts *httptest.Server, query string) map[string]string {
	t.Helper()
	var res searchResponse
	if code := getJSON(t, ts.URL+"/api/search?"+query, &res); code != 200 || len(res.Hits) < 5 {
		t.Fatalf("search %s: status %d, %d hits", query, code, len(res.Hits))
	}
	out := map[string]string{}
	for _, h := range res.Hits {
		if !strings.HasPrefix(h.Permalink, ts.URL+"/p/"+h.DocID+"/") || !strings.HasSuffix(h.Citation, ". "+h.Permalink) {
			t.Fatalf("hit %s/%d: permalink %q, citation %q", h.DocID, h.Seq, h.Permalink, h.Citation)
		}
		out[h.Permalink] = h.Text
	}
	return out
}

// TestPermalinksStableAcrossReindexAndRetag takes the permalinks of
// search hits, follows each to the document page and finds the cited
// passage there; after a reindex and after a retag of every document,
// the same search gives the same permalinks, and each still lands on
// the same passage.
func TestPermalinksStableAcrossReindexAndRetag(t *testing.T) {
	dir := writableSample(t)
	ts := serveDir(t, dir)
	const query = "norm=g&limit=40&sort=document"
	before := citedHits(t, ts, query)
	landed := map[string]string{} // permalink path → passage element
	for link, text := range before {
		frag, got := resolvedText(t, ts, link)
		if got != text {
			t.Fatalf("%s lands on #%s, text %.60q, want %.60q", link, frag, got, text)
		}
		landed[strings.TrimPrefix(link, ts.URL)] = frag
	}
	ctx := context.Background()
	for _, step := range []struct {
		name string
		run  func(*datadir.Dir) error
	}{
		{"reindex", func(d *datadir.Dir) error { return d.RebuildIndex(ctx) }},
		{"retag --all", func(d *datadir.Dir) error {
			tg, err := tag.Default()
			if err != nil {
				return err
			}
			sum, err := pipeline.Retag(ctx, d, tg, pipeline.RetagOptions{All: true, Examples: -1})
			if err == nil && sum.Documents < 4 {
				err = fmt.Errorf("retag re-tagged %d documents", sum.Documents)
			}
			return err
		}},
	} {
		w, err := datadir.Open(ctx, dir, datadir.Options{Write: true})
		if err != nil {
			t.Fatal(err)
		}
		err = step.run(w)
		w.Close()
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		// A new server as well as the running one: nothing cached
		// carries the links over.
		for _, srv := range []*httptest.Server{ts, serveDir(t, dir)} {
			after := citedHits(t, srv, query)
			if len(after) != len(before) {
				t.Fatalf("after %s: %d hits, before %d", step.name, len(after), len(before))
			}
			for link, text := range before {
				path := strings.TrimPrefix(link, ts.URL)
				link = srv.URL + path
				if after[link] != text {
					t.Errorf("after %s: permalink %s is gone from the same search", step.name, link)
					continue
				}
				if frag, got := resolvedText(t, srv, link); frag != landed[path] || got != text {
					t.Errorf("after %s: %s lands on #%s with %.60q", step.name, link, frag, got)
				}
			}
		}
	}
}

// TestPermalinkErrors: a malformed or unknown permalink is a plain-text
// error for the person who followed it, not a redirect.
func TestPermalinkErrors(t *testing.T) {
	ts, d := sampleServer(t)
	ids, err := d.Store.DocumentIDs(context.Background())
	if err != nil || len(ids) == 0 {
		t.Fatal(ids, err)
	}
	for path, want := range map[string]int{
		"/p/" + ids[0] + "/99999":              http.StatusNotFound,
		"/p/" + ids[0] + "/x1":                 http.StatusBadRequest,
		"/p/" + ids[0] + "/3-ZZZZ":             http.StatusBadRequest,
		"/p/" + strings.Repeat("a", 64) + "/1": http.StatusNotFound,
		"/p/nothex/1":                          http.StatusBadRequest,
	} {
		resp, err := noRedirects.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want || resp.Header.Get("Location") != "" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
			t.Errorf("%s: %d %q %s, want %d", path, resp.StatusCode, resp.Header.Get("Content-Type"), body, want)
		}
	}
	// A bare number still resolves, to that passage.
	resp, err := noRedirects.Get(ts.URL + "/p/" + ids[0] + "/2")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); loc != "/documents/"+ids[0]+"#p2" {
		t.Errorf("bare number: Location %q", loc)
	}
}

// metaTags parses a page and returns its <head>'s meta name → content,
// failing on a citation_* tag outside <head> or given twice.
func metaTags(t *testing.T, body []byte) map[string]string {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	head := findNode(doc, func(n *html.Node) bool { return n.Data == "head" })
	out := map[string]string{}
	var walk func(n *html.Node, inHead bool)
	walk = func(n *html.Node, inHead bool) {
		if n.Type == html.ElementNode && n.Data == "meta" && strings.HasPrefix(attr(n, "name"), "citation_") {
			name := attr(n, "name")
			if !inHead {
				t.Errorf("%s outside <head>", name)
			}
			if _, dup := out[name]; dup {
				t.Errorf("%s twice", name)
			}
			out[name] = attr(n, "content")
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inHead || n == head)
		}
	}
	walk(doc, false)
	return out
}

func getPage(t *testing.T, url string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// TestHighwireMetaTags reads the citation_* meta tags of document pages
// as Zotero's connector does: title, author (the submitter), date at its
// precision, and for a PDF a link that serves the PDF.
func TestHighwireMetaTags(t *testing.T) {
	ts, d := sampleServer(t)
	docs, err := d.Store.Documents(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	checked := map[corpus.Format]bool{}
	for _, doc := range docs {
		resp, body := getPage(t, ts.URL+"/documents/"+doc.ID)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", doc.FileName, resp.StatusCode)
		}
		m := metaTags(t, body)
		wantDate := strings.ReplaceAll(doc.Meta["date"], "-", "/")
		if m["citation_title"] != doc.Title || doc.Title == "" || m["citation_author"] != doc.Submitter() || doc.Submitter() == "" ||
			m["citation_publication_date"] != wantDate || m["citation_date"] != wantDate || wantDate == "" {
			t.Errorf("%s: meta %v; want title %q, author %q, date %q", doc.FileName, m, doc.Title, doc.Submitter(), wantDate)
		}
		if m["citation_public_url"] != ts.URL+"/documents/"+doc.ID {
			t.Errorf("%s: citation_public_url %q", doc.FileName, m["citation_public_url"])
		}
		pdf, isPDF := m["citation_pdf_url"]
		if isPDF != (doc.Format == corpus.FormatPDF) {
			t.Errorf("%s (%s): citation_pdf_url %q", doc.FileName, doc.Format, pdf)
		}
		if isPDF {
			resp, file := getPage(t, pdf)
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(file, []byte("%PDF-")) {
				t.Errorf("%s: citation_pdf_url %s answers %d %s", doc.FileName, pdf, resp.StatusCode, resp.Header.Get("Content-Type"))
			}
		}
		checked[doc.Format] = true
	}
	if !checked[corpus.FormatPDF] || len(checked) < 3 {
		t.Errorf("formats checked: %v", checked)
	}
	// Pages other than a document's have no citation tags.
	if _, body := getPage(t, ts.URL+"/?q=norms"); len(metaTags(t, body)) != 0 {
		t.Error("the search page has citation_* tags")
	}
}

// TestCitationExportAPI exports search results as citations over HTTP:
// the CSL-JSON validates against the CSL schema, one record per passage
// the JSON-lines export gives (or per document with unit=document), and
// a passage's own citation endpoint agrees with its search hit.
func TestCitationExportAPI(t *testing.T) {
	ts, _ := sampleServer(t)
	resp, body := getPage(t, ts.URL+"/api/export?format=jsonl&norm=g")
	if resp.StatusCode != 200 {
		t.Fatalf("jsonl: %d %s", resp.StatusCode, body)
	}
	type row struct {
		Doc     string `json:"doc"`
		Passage int    `json:"passage"`
	}
	var rows []row
	docs := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r row
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		rows = append(rows, r)
		docs[r.Doc] = true
	}
	if len(rows) < 5 {
		t.Fatalf("%d rows", len(rows))
	}
	sch := csltest.Schema(t, "../cite/testdata/csl-data.json")
	for unit, want := range map[string]int{"": len(rows), "passage": len(rows), "document": len(docs)} {
		resp, body := getPage(t, ts.URL+"/api/export?format=csl-json&norm=g&unit="+unit)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != cite.ContentType(cite.FormatCSLJSON) ||
			!strings.Contains(resp.Header.Get("Content-Disposition"), "normtag-citations.json") {
			t.Fatalf("unit %q: %d %v", unit, resp.StatusCode, resp.Header)
		}
		if err := csltest.Validate(sch, body); err != nil {
			t.Errorf("unit %q: CSL-JSON does not validate: %v", unit, err)
		}
		var recs []cite.CSLItem
		json.Unmarshal(body, &recs)
		if len(recs) != want {
			t.Errorf("unit %q: %d records, want %d", unit, len(recs), want)
		}
		for i, r := range recs {
			if unit != "document" && (!strings.HasPrefix(r.URL, fmt.Sprintf("%s/p/%s/%d-", ts.URL, rows[i].Doc, rows[i].Passage)) || r.Custom["document"] != rows[i].Doc) {
				t.Errorf("record %d: URL %s, want the permalink of %s/%d", i, r.URL, rows[i].Doc, rows[i].Passage)
			}
		}
	}
	resp, body = getPage(t, ts.URL+"/api/export?format=ris&norm=g")
	if resp.StatusCode != 200 || strings.Count(string(body), "TY  - RPRT\r\n") != len(rows) || strings.Count(string(body), "ER  - \r\n") != len(rows) {
		t.Errorf("RIS: %d, %d records for %d rows", resp.StatusCode, strings.Count(string(body), "TY  - "), len(rows))
	}
	resp, body = getPage(t, ts.URL+"/api/export?format=bibtex&norm=g&unit=document")
	if resp.StatusCode != 200 || strings.Count(string(body), "@techreport{") != len(docs) {
		t.Errorf("BibTeX: %d, %d entries for %d documents", resp.StatusCode, strings.Count(string(body), "@techreport{"), len(docs))
	}
	for _, bad := range []string{"format=chicago", "format=ris&unit=page"} {
		if resp, body := getPage(t, ts.URL+"/api/export?norm=g&"+bad); resp.StatusCode != 400 || !strings.Contains(string(body), "error") {
			t.Errorf("%s: %d %s", bad, resp.StatusCode, body)
		}
	}

	// One passage: its cite endpoint in text is its search hit's citation.
	var res searchResponse
	getJSON(t, ts.URL+"/api/search?q=critical+infrastructure&limit=1", &res)
	if len(res.Hits) != 1 {
		t.Fatal("no hit")
	}
	h := res.Hits[0]
	ref := strings.TrimPrefix(h.Permalink, ts.URL+"/p/"+h.DocID+"/")
	resp, body = getPage(t, fmt.Sprintf("%s/api/documents/%s/passages/%s/cite?format=text", ts.URL, h.DocID, ref))
	if resp.StatusCode != 200 || strings.TrimSpace(string(body)) != h.Citation {
		t.Errorf("passage cite: %d %q, hit's %q", resp.StatusCode, body, h.Citation)
	}
	resp, body = getPage(t, fmt.Sprintf("%s/api/documents/%s/passages/%s/cite?format=ris", ts.URL, h.DocID, ref))
	if resp.StatusCode != 200 || !strings.Contains(string(body), "UR  - "+h.Permalink+"\r\n") {
		t.Errorf("passage RIS: %d %s", resp.StatusCode, body)
	}
	resp, body = getPage(t, fmt.Sprintf("%s/api/documents/%s/cite", ts.URL, h.DocID))
	var one []cite.CSLItem
	if err := json.Unmarshal(body, &one); err != nil || len(one) != 1 || one[0].URL != ts.URL+"/documents/"+h.DocID || one[0].Title != h.Title {
		t.Errorf("document cite: %d %s", resp.StatusCode, body)
	}
	if resp, _ := getPage(t, fmt.Sprintf("%s/api/documents/%s/cite?format=apa", ts.URL, h.DocID)); resp.StatusCode != 400 {
		t.Errorf("format=apa: %d", resp.StatusCode)
	}
}

var citationLine = regexp.MustCompile(`passage \d+.*\. http://127\.0\.0\.1:\d+/p/[0-9a-f]{64}/\d+-[0-9a-f]{12}$`)

// TestCiteExportLinks follows the search page's "cite as" links and a
// document page's: each downloads the current results (or the
// document) in its format.
func TestCiteExportLinks(t *testing.T) {
	ts, _ := sampleServer(t)
	var res searchResponse
	getJSON(t, ts.URL+"/api/search?q=critical+infrastructure&norm=g&limit=100", &res)
	if res.Total < 3 {
		t.Fatalf("%d hits", res.Total)
	}
	links := func(path string) map[string]string {
		_, body := getPage(t, ts.URL+path)
		doc, err := html.Parse(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		box := findNode(doc, func(n *html.Node) bool { return attr(n, "class") == "cite-export" })
		if box == nil {
			t.Fatalf("%s: no cite-as links", path)
		}
		out := map[string]string{}
		for a := box.FirstChild; a != nil; a = a.NextSibling {
			if a.Type == html.ElementNode && a.Data == "a" {
				out[textOf(a)] = attr(a, "href")
			}
		}
		if len(out) != 3 {
			t.Fatalf("%s: cite-as links %v", path, out)
		}
		return out
	}
	page := links("/?q=critical+infrastructure&norm=g")
	resp, body := getPage(t, ts.URL+page["RIS"])
	if resp.StatusCode != 200 || strings.Count(string(body), "TY  - RPRT") != res.Total {
		t.Errorf("RIS link %s: %d, %d records for %d hits", page["RIS"], resp.StatusCode, strings.Count(string(body), "TY  - "), res.Total)
	}
	resp, body = getPage(t, ts.URL+page["CSL-JSON"])
	var recs []cite.CSLItem
	if err := json.Unmarshal(body, &recs); err != nil || len(recs) != res.Total {
		t.Errorf("CSL-JSON link %s: %d, %d records for %d hits (%v)", page["CSL-JSON"], resp.StatusCode, len(recs), res.Total, err)
	}
	h := res.Hits[0]
	doc := links("/documents/" + h.DocID)
	resp, body = getPage(t, ts.URL+doc["BibTeX"])
	if resp.StatusCode != 200 || strings.Count(string(body), "@techreport{") != 1 || !strings.Contains(string(body), "url = {"+ts.URL+"/documents/"+h.DocID+"}") {
		t.Errorf("document BibTeX link %s: %d %s", doc["BibTeX"], resp.StatusCode, body)
	}
}
