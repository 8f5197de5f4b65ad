// Command search benchmarks search at scale: it builds a real bleve index
// of N generated passages (default 1,000,000) in a data directory (kept
// and reused when -data names one), then measures p50/p99 latency of
// /api/search over a real loopback HTTP server (match query + norm
// filter + facets + highlighting) with copies collapsed (the default),
// with collapse=false, and the same bleve request called directly,
// interleaved in the same run, and prints the ratios, the index size and
// the build time. With -pool, the generated corpus draws its passages
// from a pool of about 20,000 texts, so every text has about 50 copies
// per million passages (the corpus this benchmark used before copies
// collapsed, and their worst case). By default each passage is its own:
// numbered, and ending in 16 words drawn at random from the pool's
// vocabulary, so that no two share three quarters of their word pairs
// (what makes near copies); -copies of the documents (1%) repeat an
// earlier one whole, as the same paper filed twice does. -matrix and
// -page measure only the compare matrix or only the search page
// (measureFacetedPage), each against a plain search of the same run.
package main

import (
	"context"
	"flag"
	"fmt"
	"github.com/normtag/normtag/datadir"
	"io"
	"io/fs"
	"log"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/corpus/sqlite"
	"github.com/normtag/normtag/index"
	"github.com/normtag/normtag/internal/benchtext"
	"github.com/normtag/normtag/internal/web"
)

func main() {
	n := flag.Int("n", 1_000_000, "passages")
	queries := flag.Int("queries", 300, "queries per side")
	dir := flag.String("data", "", "data directory to build in (default: a temporary one, removed afterwards)")
	pool := flag.Bool("pool", false, "draw passages from a pool of about 20,000 texts (about 50 copies of each per million passages)")
	copies := flag.Float64("copies", 0.01, "share of documents that repeat an earlier document (without -pool)")
	matrixOnly := flag.Bool("matrix", false, "measure only the compare matrix (/api/compare) against a plain search (compareLatency)")
	pageOnly := flag.Bool("page", false, "measure only the search page (measureFacetedPage) against a plain search")
	flag.Parse()
	ctx := context.Background()
	data := *dir
	if data == "" {
		tmp, err := os.MkdirTemp("", "normtag-search-bench")
		if err != nil {
			log.Fatal(err)
		}
		defer os.RemoveAll(tmp)
		data = tmp
	}
	if err := os.MkdirAll(data, 0o755); err != nil {
		log.Fatal(err)
	}
	st, err := sqlite.Open(ctx, filepath.Join(data, datadir.StoreFile))
	if err != nil {
		log.Fatal(err)
	}
	st.Close()
	idxDir := filepath.Join(data, "index.1")
	if _, err := os.Stat(idxDir); err != nil {
		start := time.Now()
		if err := index.Build(ctx, idxDir, generate(*n, *pool, *copies)); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("built index of %d passages in %s\n", *n, time.Since(start).Round(time.Second))
		os.Symlink("index.1", filepath.Join(data, datadir.IndexLink))
	}
	fmt.Printf("index size: %.1f MiB\n", float64(dirSize(idxDir))/(1<<20))

	d, err := datadir.Open(ctx, data, datadir.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer d.Close()
	srv, err := web.New(d, nil)
	if err != nil {
		log.Fatal(err)
	}
	addrc := make(chan string, 1)
	sctx, stop := context.WithCancel(ctx)
	go srv.Run(sctx, "127.0.0.1:0", func(a string) { addrc <- a })
	addr := <-addrc
	defer stop()

	words := []string{"critical infrastructure", "supply chain", "vulnerabilities", "cooperation", "human rights",
		"emergency response", "territory", "assistance", "attribution", "capacity building", "delegations", "terrorist"}
	letters := []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"}
	r := rand.New(rand.NewPCG(5, 6))
	type q struct{ words, norm string }
	qs := make([]q, *queries)
	for i := range qs {
		qs[i] = q{words[r.IntN(len(words))], letters[r.IntN(len(letters))]}
	}
	if *matrixOnly {
		compareLatency(addr, *queries)
		return
	}
	client := &http.Client{}
	pageQueries := make([]pageQuery, len(qs))
	for i, x := range qs {
		pageQueries[i] = pageQuery{words: x.words, norm: x.norm, other: letters[(i*7+3)%len(letters)]}
	}
	if *pageOnly {
		measureFacetedPage(client, addr, pageQueries)
		return
	}
	ix, err := d.OpenIndex(ctx)
	if err != nil {
		log.Fatal(err)
	}
	direct := func(x q) {
		req, err := index.NewSearchRequest(index.Request{Query: x.words, Norms: []string{x.norm}, Limit: 10, Highlight: true, Facets: true})
		if err != nil {
			log.Fatal(err)
		}
		if _, err := ix.SearchBleve(ctx, req); err != nil {
			log.Fatal(err)
		}
	}
	viaHTTP := func(x q, collapse string) {
		u := "http://" + addr + "/api/search?" + url.Values{"q": {x.words}, "norm": {x.norm}, "limit": {"10"}, "collapse": {collapse}}.Encode()
		resp, err := client.Get(u)
		if err != nil {
			log.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			log.Fatalf("status %d", resp.StatusCode)
		}
	}
	// Warm both paths, then alternate them so that both see the same
	// machine state.
	for _, x := range qs[:20] {
		direct(x)
		viaHTTP(x, "false")
		viaHTTP(x, "true")
	}
	var dl, hl, cl []time.Duration
	for _, x := range qs {
		t := time.Now()
		direct(x)
		dl = append(dl, time.Since(t))
		t = time.Now()
		viaHTTP(x, "false")
		hl = append(hl, time.Since(t))
		t = time.Now()
		viaHTTP(x, "true")
		cl = append(cl, time.Since(t))
	}
	ix.Close()
	p := percentile
	d50, d99, h50, h99, c50, c99 := p(dl, 0.5), p(dl, 0.99), p(hl, 0.5), p(hl, 0.99), p(cl, 0.5), p(cl, 0.99)
	fmt.Printf("direct bleve:                  p50 %s p99 %s\n", d50.Round(time.Microsecond), d99.Round(time.Microsecond))
	fmt.Printf("/api/search collapse=false:    p50 %s p99 %s\n", h50.Round(time.Microsecond), h99.Round(time.Microsecond))
	fmt.Printf("/api/search (copies collapsed): p50 %s p99 %s\n", c50.Round(time.Microsecond), c99.Round(time.Microsecond))
	fmt.Printf("ratio HTTP / direct: p50 %.2f, p99 %.2f (target <= 1.3)\n", float64(h50)/float64(d50), float64(h99)/float64(d99))
	fmt.Printf("ratio collapsed / collapse=false: p50 %.2f, p99 %.2f (target <= 1.3)\n", float64(c50)/float64(h50), float64(c99)/float64(h99))
	measureFacetedPage(client, addr, pageQueries)
}

// pageQuery is one search of the facetted page measurement: words, a
// norm, and a second norm for the page with more filters ticked.
type pageQuery struct{ words, norm, other string }

// measureFacetedPage measures, interleaved in one run, the plain search
// (/api/search: words and a norm, the default collapsed page of 10) and
// the search page (/) for the same search with every facet counted, the
// selection counts that say what ticking each value does, evidence read
// for each hit and the page rendered: once with the one norm ticked (one
// selection count), once with a second norm, a submitter and a year
// range ticked (four). The target is page p99 <= 2 x plain p99.
func measureFacetedPage(client *http.Client, addr string, qs []pageQuery) {
	get := func(path string, v url.Values) time.Duration { return timedGet(client, addr, path, v) }
	plain := func(x pageQuery) url.Values {
		return url.Values{"q": {x.words}, "norm": {x.norm}, "limit": {"10"}}
	}
	page := func(x pageQuery) url.Values {
		return url.Values{"q": {x.words}, "norm": {x.norm}, "limit": {"10"}}
	}
	filtered := func(x pageQuery) url.Values {
		return url.Values{"q": {x.words}, "norm": {x.norm, x.other}, "submitter": {"Republic of Examplia"}, "since": {"2020"}, "until": {"2022"}, "limit": {"10"}}
	}
	for _, x := range qs[:min(20, len(qs))] {
		get("/api/search", plain(x))
		get("/", page(x))
		get("/", filtered(x))
	}
	var pl, pg, fl []time.Duration
	for _, x := range qs {
		pl = append(pl, get("/api/search", plain(x)))
		pg = append(pg, get("/", page(x)))
		fl = append(fl, get("/", filtered(x)))
	}
	p := percentile
	p50, p99 := p(pl, 0.5), p(pl, 0.99)
	for _, m := range []struct {
		name string
		d    []time.Duration
	}{{"search page, one norm ticked:       ", pg}, {"search page, norms+submitter+years: ", fl}} {
		m50, m99 := p(m.d, 0.5), p(m.d, 0.99)
		fmt.Printf("%s p50 %s p99 %s; ratio to /api/search p50 %.2f, p99 %.2f (target p99 <= 2)\n", m.name,
			m50.Round(time.Microsecond), m99.Round(time.Microsecond), float64(m50)/float64(p50), float64(m99)/float64(p99))
	}
	fmt.Printf("plain /api/search (same run):          p50 %s p99 %s\n", p50.Round(time.Microsecond), p99.Round(time.Microsecond))
}

// compareLatency measures /api/compare — the submitter × norm matrix —
// against a plain search (/api/search: words, a norm filter, facets,
// highlighting, copies collapsed, as the search page asks), interleaved
// in the same run, and prints p50/p99 of each and the ratios. The server
// keeps a matrix per index handle and filter (internal/web's
// matrixCache): "computed" requests each name a date bound no other
// does, so every one is counted over all passages; "kept" requests cycle
// through four filters (all, a year range, a language, a sort), as
// people returning to the page do.
func compareLatency(addr string, n int) {
	client := &http.Client{}
	get := func(path string, v url.Values) time.Duration { return timedGet(client, addr, path, v) }
	words := []string{"critical infrastructure", "supply chain", "vulnerabilities", "cooperation", "human rights", "attribution"}
	letters := []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"}
	kept := []url.Values{{}, {"since": {"2020"}, "until": {"2022"}}, {"lang": {"en"}}, {"sort": {"g"}, "group": {"none"}}}
	r := rand.New(rand.NewPCG(7, 8))
	plain := func() time.Duration {
		return get("/api/search", url.Values{"q": {words[r.IntN(len(words))]}, "norm": {letters[r.IntN(len(letters))]}, "limit": {"10"}})
	}
	day := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	computed := func(i int) time.Duration {
		return get("/api/compare", url.Values{"until": {day.AddDate(0, 0, i).Format(time.DateOnly)}})
	}
	for i := range 4 { // warm the index and the kept matrices
		plain()
		get("/api/compare", kept[i])
	}
	var pl, cl, kl []time.Duration
	for i := range n {
		pl = append(pl, plain())
		cl = append(cl, computed(i))
		kl = append(kl, get("/api/compare", kept[i%len(kept)]))
	}
	p := percentile
	p50, p99 := p(pl, 0.5), p(pl, 0.99)
	fmt.Printf("plain /api/search:          p50 %s p99 %s (%d requests)\n", p50.Round(time.Millisecond), p99.Round(time.Millisecond), n)
	for _, m := range []struct {
		name string
		l    []time.Duration
	}{{"/api/compare computed:", cl}, {"/api/compare kept:", kl}} {
		c50, c99 := p(m.l, 0.5), p(m.l, 0.99)
		fmt.Printf("%-27s p50 %s p99 %s; ratio to plain search p50 %.2f, p99 %.2f (target p99 <= 2)\n", m.name, c50.Round(time.Millisecond), c99.Round(time.Millisecond),
			float64(c50)/float64(p50), float64(c99)/float64(p99))
	}
}

// generate yields documents of 100 passages each with random norms and
// metadata, n passages in all. Without pool, each passage starts with its
// own number, and a share copies of the documents repeat the passages of
// the document before them.
func generate(n int, pool bool, copies float64) func(yield func(*corpus.Document) error) error {
	return func(yield func(*corpus.Document) error) error {
		r := rand.New(rand.NewPCG(1, 2))
		texts := benchtext.Passages(8 << 20)
		var last []string // the texts of the last document that was not a copy
		vocabulary := strings.Fields(strings.Join(texts[:200], " "))
		submitters := []string{"Republic of Examplia", "Acme Secure Systems", "Digital Rights Watchers", "Northern Regional Forum", "Kingdom of Westmark"}
		for docNo := 0; docNo*100 < n; docNo++ {
			d := &corpus.Document{ID: fmt.Sprintf("%064x", docNo+1), Title: fmt.Sprintf("Submission %d", docNo), FileName: fmt.Sprintf("sub-%d.pdf", docNo),
				Meta: map[string]string{"submitter": submitters[docNo%len(submitters)], "date": fmt.Sprintf("%d-0%d-15", 2019+docNo%6, 1+docNo%9)}}
			addFacetMeta(d, docNo)
			repeat := !pool && docNo > 0 && r.Float64() < copies
			for s := 0; s < 100 && docNo*100+s < n; s++ {
				text := texts[r.IntN(len(texts))]
				switch {
				case repeat && s < len(last):
					text = last[s]
				case !pool:
					var tail strings.Builder
					for range 16 {
						tail.WriteString(" " + vocabulary[r.IntN(len(vocabulary))])
					}
					text = fmt.Sprintf("%d.%d. %s%s.", docNo+1, s+1, text, tail.String())
				}
				p := corpus.Passage{Seq: s, Page: 1 + s/8, Text: text}
				for k := 0; k < r.IntN(3); k++ {
					p.Tags = append(p.Tags, corpus.Tag{Norm: string(rune('a' + r.IntN(11))), Score: 0.8})
				}
				d.Passages = append(d.Passages, p)
			}
			if !repeat {
				last = last[:0]
				for _, p := range d.Passages {
					last = append(last, p.Text)
				}
			}
			if err := yield(d); err != nil {
				return err
			}
			if docNo%1000 == 999 {
				fmt.Fprintf(os.Stderr, "\r%d passages indexed", (docNo+1)*100)
			}
		}
		fmt.Fprintln(os.Stderr)
		return nil
	}
}

func dirSize(dir string) int64 {
	var total int64
	filepath.WalkDir(dir, func(_ string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			if info, err := e.Info(); err == nil {
				total += info.Size()
			}
		}
		return nil
	})
	return total
}

// addFacetMeta gives a generated document the submitter type and
// country the search page counts, as a metadata.csv would.
func addFacetMeta(d *corpus.Document, docNo int) {
	types := map[string]string{"Republic of Examplia": "state", "Kingdom of Westmark": "state", "Acme Secure Systems": "company",
		"Digital Rights Watchers": "NGO", "Northern Regional Forum": "regional"}
	d.Meta["submitter_type"] = types[d.Meta["submitter"]]
	switch d.Meta["submitter"] {
	case "Republic of Examplia":
		d.Meta["country"] = "Examplia"
	case "Kingdom of Westmark":
		d.Meta["country"] = "Westmark"
	}
}

// percentile sorts v and returns its q quantile (0.5: p50, 0.99: p99).
func percentile(v []time.Duration, q float64) time.Duration {
	sort.Slice(v, func(i, j int) bool { return v[i] < v[j] })
	return v[int(q*float64(len(v)-1))]
}

// timedGet asks the server at addr for path?v, reads the whole answer and
// returns how long that took; any answer but 200 stops the benchmark.
func timedGet(client *http.Client, addr, path string, v url.Values) time.Duration {
	start := time.Now()
	resp, err := client.Get("http://" + addr + path + "?" + v.Encode())
	if err != nil {
		log.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		log.Fatalf("%s: status %d", path, resp.StatusCode)
	}
	return time.Since(start)
}
