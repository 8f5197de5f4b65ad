package web

import (
	"net/http"
	"net/url"
	"sort"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/index"
	"github.com/normtag/normtag/internal/norms"
)

// RecentDocuments is how many documents the landing page lists, newest
// first.
const RecentDocuments = 12

// homePage is the corpus overview shown at / before any search: what
// the corpus holds, each norm with its passage count, the newest
// documents and the submitters, every one a link into the search.
type homePage struct {
	Stats      corpus.Stats
	Norms      []homeNorm
	NormMax    int
	Recent     []homeDoc
	Submitters []homeCount
	Types      []homeCount
	Source     string
}

type homeNorm struct {
	norms.Norm
	Count int
	URL   string
}

type homeDoc struct {
	ID, Title, Submitter, Date string
	Passages                   int
}

type homeCount struct {
	Value, URL string
	Documents  int
}

func (s *Server) pageHome(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st, err := s.data.Stats(ctx)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	docs, err := s.data.Store.Documents(ctx)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	counts, err := s.data.Store.PassageCounts(ctx)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	data := &homePage{Stats: st.Stats, Source: norms.Source}
	for _, n := range norms.All {
		c := st.Norms[n.Letter]
		data.Norms = append(data.Norms, homeNorm{Norm: n, Count: c, URL: "/?" + url.Values{"norm": {n.Letter}}.Encode()})
		data.NormMax = max(data.NormMax, c)
	}
	subs, types := map[string]int{}, map[string]int{}
	for _, d := range docs {
		hd := homeDoc{ID: d.ID, Title: cut(d.Title), Submitter: cut(d.Submitter()), Passages: counts[d.ID]}
		if t, ok := index.DocumentDate(d); ok {
			hd.Date = t.Format("2006-01-02")
		}
		data.Recent = append(data.Recent, hd)
		if sub := d.Submitter(); sub != "" {
			subs[sub]++
		}
		if t := d.Meta["submitter_type"]; t != "" {
			types[t]++
		}
	}
	sort.SliceStable(data.Recent, func(i, j int) bool { return data.Recent[i].Date > data.Recent[j].Date })
	data.Recent = data.Recent[:min(len(data.Recent), RecentDocuments)]
	data.Submitters = homeCounts(subs, "submitter", 15)
	data.Types = homeCounts(types, "submitter_type", 10)
	s.render(w, "home.html", data)
}

// homeCounts lists the commonest values, each linking to its search.
func homeCounts(by map[string]int, param string, n int) []homeCount {
	out := make([]homeCount, 0, len(by))
	for v, c := range by {
		out = append(out, homeCount{Value: cut(v), URL: "/?" + url.Values{param: {v}}.Encode(), Documents: c})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Documents != out[j].Documents {
			return out[i].Documents > out[j].Documents
		}
		return out[i].Value < out[j].Value
	})
	return out[:min(len(out), n)]
}
