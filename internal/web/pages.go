package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"github.com/normtag/normtag/corpus"
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

func (s *Server) render(w http.ResponseWriter, name string, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := s.pages.ExecuteTemplate(w, name, data); err != nil {
		s.log.Error("render", "page", name, "err", err)
	}
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
