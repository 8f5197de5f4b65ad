package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/index"
	"github.com/normtag/normtag/internal/norms"
)

var funcs = template.FuncMap{
	"short": func(letter string) string {
		if n, ok := norms.ByLetter(letter); ok {
			return n.Short
		}
		return letter
	},
	"raw":  func(s string) template.HTML { return template.HTML(s) },
	"join": strings.Join,
	"heat": func(n, max int) string {
		if n == 0 || max == 0 {
			return "h0"
		}
		return fmt.Sprintf("h%d", 1+4*n/(max+1))
	},
	"firstNorm": func(tags []corpus.Tag) string {
		for _, t := range tags {
			return t.Norm
		}
		return ""
	},
	"add": func(a, b int) int { return a + b },
}

// normOption is a facet checkbox on the search page.
type normOption struct {
	Letter, Short string
	Count         int
	Checked       bool
}

func (s *Server) render(w http.ResponseWriter, name string, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := s.pages.ExecuteTemplate(w, name, data); err != nil {
		s.log.Error("render", "page", name, "err", err)
	}
}

func (s *Server) pageSearch(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("limit") == "" {
		q.Set("limit", "20")
		r.URL.RawQuery = q.Encode()
	}
	res, hits, err := s.search(r)
	data := map[string]any{"Query": q.Get("q"), "Hits": hits, "Error": "", "Total": 0, "Sort": q.Get("sort"), "DirectOnly": q.Get("direct_only") != "", "NoCollapse": q.Get("collapse") == "false"}
	counts := map[string]int{}
	if err != nil {
		data["Error"] = err.Error()
		w.WriteHeader(http.StatusBadRequest)
	} else {
		data["Total"] = res.Total
		for _, f := range res.Facets[index.FieldNorm] {
			counts[f.Value] = f.Count
		}
		data["Submitters"] = res.Facets[index.FieldSubmitter]
		data["Years"] = res.Facets[index.FieldYear]
		data["Kinds"] = res.Facets[index.FieldKind]
		if res.Next != "" {
			more := url.Values{}
			for k, v := range q {
				more[k] = v
			}
			more.Del("offset")
			more.Set("after", res.Next)
			data["MoreURL"] = "/?" + more.Encode()
		}
	}
	checked := map[string]bool{}
	for _, v := range q["norm"] {
		if l, err := norms.ParseList(v); err == nil {
			for _, x := range l {
				checked[x] = true
			}
		}
	}
	var opts []normOption
	for _, n := range norms.All {
		opts = append(opts, normOption{Letter: n.Letter, Short: n.Short, Count: counts[n.Letter], Checked: checked[n.Letter]})
	}
	data["Norms"] = opts
	next := url.Values{}
	for k, v := range q {
		next[k] = v
	}
	next.Del("limit")
	next.Del("offset")
	next.Del("after")
	data["ExportURL"] = "/api/export?" + next.Encode()
	s.render(w, "search.html", data)
}

func (s *Server) pageDocument(w http.ResponseWriter, r *http.Request) {
	d, ok := s.document(w, r)
	if !ok {
		return
	}
	data := map[string]any{"Doc": d, "Norms": norms.All, "Cite": documentCitations(r, d)}
	if enabled, rv := s.reviewFor(r); enabled {
		sameOriginReferrers(w)
		data["ReviewEnabled"], data["Review"] = true, rv
		if rv != nil {
			js, err := s.data.Store.Judgements(r.Context(), d.ID)
			if err != nil {
				s.fail(w, err)
				return
			}
			bySeq := map[int][]*corpus.Judgement{}
			for _, j := range js {
				bySeq[j.Seq] = append(bySeq[j.Seq], j)
			}
			data["Judgements"] = bySeq
		}
	}
	s.render(w, "document.html", data)
}

func (s *Server) pageCoverage(w http.ResponseWriter, r *http.Request) {
	kinds, ok := kindsParam(w, r)
	if !ok {
		return
	}
	docs, err := s.summaries(r.Context(), kinds...)
	if err != nil {
		s.fail(w, err)
		return
	}
	max := 0
	for _, d := range docs {
		for _, n := range d.Norms {
			max = maxInt(max, n)
		}
	}
	s.render(w, "coverage.html", map[string]any{"Docs": docs, "Norms": norms.All, "Max": max})
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}
