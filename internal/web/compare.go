package web

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/index"
	"github.com/normtag/normtag/internal/matrix"
	"github.com/normtag/normtag/internal/norms"
	"github.com/normtag/normtag/internal/textcut"
)

// The compare, timeline and coverage pages and their API: the tables of
// package matrix, sorted and filtered by URL parameters, each cell a
// link to the search that lists its passages.

// matrixFilter reads the filter parameters shared by the matrices:
// kinds, since, until, lang and (timeline) submitter.
func matrixFilter(r *http.Request) (matrix.Filter, error) {
	q := r.URL.Query()
	kinds, err := corpus.ParseKinds(q.Get("kinds"))
	if err != nil {
		return matrix.Filter{}, &index.RequestError{Field: "kinds", Err: err}
	}
	f := matrix.Filter{Kinds: kinds, Since: q.Get("since"), Until: q.Get("until")}
	for _, v := range q["lang"] {
		for _, l := range strings.Split(v, ",") {
			if l = strings.TrimSpace(l); l != "" {
				f.Langs = append(f.Langs, l)
			}
		}
	}
	for _, s := range q["submitter"] {
		if s != "" && !slices.Contains(f.Submitters, s) {
			f.Submitters = append(f.Submitters, s)
		}
	}
	return f, nil
}

// computeMatrix builds the matrix of kind for the request, or takes it
// from the cache of the open index handle's matrices: from the index
// (compare, timeline; an empty corpus has no rows) or the store
// (coverage, a scan of every tag).
func (s *Server) computeMatrix(r *http.Request, kind string) (*matrix.Matrix, error) {
	f, err := matrixFilter(r)
	if err != nil {
		return nil, err
	}
	var m *matrix.Matrix
	key := matrixKey(kind, f)
	err = s.withIndex(r.Context(), func(ix *index.Index) error {
		if m = s.matrices.get(ix, key); m != nil {
			return nil
		}
		var err error
		switch kind {
		case matrix.KindTimeline:
			m, err = matrix.Timeline(r.Context(), ix, f)
		case matrix.KindCoverage:
			// From the store, which a writer changes before it commits
			// the index (a judgement reindexes its document): kept with
			// the index handle, it is recomputed once the index shows
			// the change too, as the searches its cells link to do.
			m, err = matrix.Coverage(r.Context(), s.data.Store, f.Kinds...)
		default:
			m, err = matrix.Compare(r.Context(), ix, f)
		}
		if err == nil {
			s.matrices.put(ix, key, m)
		}
		return err
	})
	if errors.Is(err, index.ErrMissing) {
		if kind == matrix.KindCoverage {
			return matrix.Coverage(r.Context(), s.data.Store, f.Kinds...)
		}
		return &matrix.Matrix{Kind: kind, Norms: norms.Letters(), Rows: []matrix.Row{}}, nil
	}
	return m, err
}

// sortParams reads sort (a column: a norm letter, passages or a label),
// order (asc or desc), view (share or counts) and group (type or none),
// and sorts m. Without a sort the rows keep the matrix's own order.
func sortParams(r *http.Request, m *matrix.Matrix, defaultSort string) (sortBy string, desc, counts, grouped bool, err error) {
	q := r.URL.Query()
	sortBy = q.Get("sort")
	if sortBy == "" {
		sortBy = defaultSort
	}
	counts = q.Get("view") == "counts"
	grouped = m.Kind == matrix.KindCompare && q.Get("group") != "none"
	switch v := q.Get("view"); v {
	case "", "share", "counts":
	default:
		return "", false, false, false, &index.RequestError{Field: "view", Err: fmt.Errorf("must be share or counts, got %q", v)}
	}
	switch v := q.Get("group"); v {
	case "", "type", "none":
	default:
		return "", false, false, false, &index.RequestError{Field: "group", Err: fmt.Errorf("must be type or none, got %q", v)}
	}
	desc = !slices.Contains(m.Labels, sortBy) // numbers: most first
	switch o := q.Get("order"); o {
	case "asc":
		desc = false
	case "desc":
		desc = true
	case "":
	default:
		return "", false, false, false, &index.RequestError{Field: "order", Err: fmt.Errorf("must be asc or desc, got %q", o)}
	}
	if sortBy == "" {
		return "", desc, counts, grouped, nil
	}
	return sortBy, desc, counts, grouped, m.Sort(sortBy, desc, counts, grouped)
}

// writeMatrix answers a matrix API request: JSON by default, or CSV.
func (s *Server) writeMatrix(w http.ResponseWriter, r *http.Request, m *matrix.Matrix) {
	switch f := r.URL.Query().Get("format"); f {
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="normtag-%s.csv"`, m.Kind))
		if err := m.WriteCSV(w); err != nil {
			s.log.Warn("matrix not sent", "kind", m.Kind, "err", err)
		}
	case "", "json":
		writeJSON(w, m.JSON())
	default:
		writeError(w, http.StatusBadRequest, fmt.Errorf("format: must be json or csv, got %q", f))
	}
}

func (s *Server) apiMatrix(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		m, err := s.computeMatrix(r, kind)
		if err != nil {
			s.fail(w, err)
			return
		}
		if _, _, _, _, err := sortParams(r, m, ""); err != nil {
			s.fail(w, err)
			return
		}
		s.writeMatrix(w, r, m)
	}
}

// apiCoverage answers the document × norm matrix: with format=json or
// csv in the shape of the other matrices, and without a format in its
// first shape (document summaries with their counts), which clients
// read.
func (s *Server) apiCoverage(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("format") != "" {
		s.apiMatrix(matrix.KindCoverage)(w, r)
		return
	}
	kinds, ok := kindsParam(w, r)
	if !ok {
		return
	}
	docs, err := s.summaries(r.Context(), kinds...)
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, map[string]any{"norms": norms.Letters(), "kinds": kinds, "documents": docs})
}

// matrixHead is a column heading: a link that sorts by the column.
type matrixHead struct {
	Text, Title, Href, Class string
	Sorted                   string // "▲", "▼" or ""
}

// matrixCell is a norm's cell of a row.
type matrixCell struct {
	Text, Title, Href, Class string
	Count                    int
	Share                    string // the share to 4 places, for tests and scripts
}

// matrixLabel is a row's label cell, linked where there is a page for it.
type matrixLabel struct{ Text, Href, Title string }

// matrixRow is a row as the page shows it; Group starts a group of rows.
type matrixRow struct {
	Group    string
	Labels   []matrixLabel
	Passages int
	All      string
	Cells    []matrixCell
}

// matrixPage is what matrix.html shows.
type matrixPage struct {
	Title, Heading, Kind string
	Heads                []matrixHead
	Rows                 []matrixRow
	Width                int // columns, for group rows
	Counts, Grouped      bool
	// ShareURL and CountsURL switch the view; CSV and JSON export it.
	ShareURL, CountsURL, CSV, JSON string
	// GroupURL and OneListURL switch the compare page's grouping.
	GroupURL, OneListURL string
	Filter               matrix.Filter
	Kinds                string
	Langs                string
	Error                string
	Empty                bool
	Timeline             template.HTML
	Undated              int
	Submitters           []submitterOption
}

// submitterOption is a checkbox of the timeline's submitter selection.
type submitterOption struct {
	Name    string
	Checked bool
}

// withParams is the request's URL with some parameters changed ("" to
// drop one).
func withParams(r *http.Request, path string, set ...string) string {
	q := r.URL.Query()
	for i := 0; i+1 < len(set); i += 2 {
		if set[i+1] == "" {
			q.Del(set[i])
		} else {
			q.Set(set[i], set[i+1])
		}
	}
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

// heatClass is the colour class of a value against the largest.
func heatClass(v, max float64) string {
	if v <= 0 || max <= 0 {
		return "h0"
	}
	return "h" + strconv.Itoa(1+min(4, int(5*v/max)))
}

// matrixView lays m out for matrix.html.
func matrixView(r *http.Request, path string, m *matrix.Matrix, sortBy string, desc, counts, grouped bool) matrixPage {
	p := matrixPage{Kind: m.Kind, Counts: counts, Grouped: grouped, Width: len(m.Labels) + 1 + len(m.Norms),
		ShareURL: withParams(r, path, "view", ""), CountsURL: withParams(r, path, "view", "counts"),
		GroupURL: withParams(r, path, "group", ""), OneListURL: withParams(r, path, "group", "none"),
		CSV: withParams(r, "/api/"+m.Kind, "format", "csv"), JSON: withParams(r, "/api/"+m.Kind, "format", "json"),
		Filter: m.Filter, Kinds: r.URL.Query().Get("kinds"), Langs: strings.Join(m.Filter.Langs, ","), Empty: len(m.Rows) == 0, Undated: m.Undated}
	head := func(col, text, title string) matrixHead {
		h := matrixHead{Text: text, Title: title}
		order := "desc"
		if slices.Contains(m.Labels, col) {
			order = "asc"
		}
		if col == sortBy {
			h.Sorted, h.Class = "▲", "sorted"
			if desc {
				h.Sorted = "▼"
			}
			if desc == (order == "desc") {
				order = map[string]string{"asc": "desc", "desc": "asc"}[order]
			}
		}
		h.Href = withParams(r, path, "sort", col, "order", order)
		return h
	}
	for _, l := range m.Labels {
		if m.Kind == matrix.KindCoverage && l == "doc" {
			continue // the title links to the document
		}
		p.Heads = append(p.Heads, head(l, strings.ReplaceAll(l, "_", " "), "sort by "+l))
	}
	p.Heads = append(p.Heads, head("passages", "passages", "passages counted: "+kindsText(m.Counted)))
	for _, l := range m.Norms {
		n, _ := norms.ByLetter(l)
		p.Heads = append(p.Heads, head(l, "("+l+")", n.Short+": sort by its share"))
	}
	if m.Kind == matrix.KindCoverage {
		p.Width--
	}
	var top float64
	for _, row := range m.Rows {
		for i := range row.Counts {
			if counts {
				top = max(top, float64(row.Counts[i]))
			} else {
				top = max(top, row.Share(i))
			}
		}
	}
	last := "\x00"
	for _, row := range m.Rows {
		v := matrixRow{Passages: row.Passages, All: searchHref(row.All)}
		if grouped && row.Labels[0] != last {
			last = row.Labels[0]
			v.Group = last
			if v.Group == "" {
				v.Group = "no submitter type"
			}
		}
		for i, l := range row.Labels {
			text := cut(l)
			label := matrixLabel{Text: text}
			switch {
			case m.Kind == matrix.KindCoverage && m.Labels[i] == "doc":
				continue
			case m.Kind == matrix.KindCoverage && m.Labels[i] == "title":
				label.Href, label.Title = "/documents/"+row.Labels[0], "document "+row.Labels[0]
			case m.Kind == matrix.KindCompare && m.Labels[i] == "submitter" && l != "":
				label.Href, label.Title = "/timeline?"+url.Values{"submitter": {l}}.Encode(), "this submitter's norms over the years"
			}
			if text == "" {
				label.Text = "—"
			}
			v.Labels = append(v.Labels, label)
		}
		for i, l := range m.Norms {
			n, _ := norms.ByLetter(l)
			share := row.Share(i)
			c := matrixCell{Count: row.Counts[i], Share: strconv.FormatFloat(share, 'f', 4, 64), Href: searchHref(row.Search[i]),
				Title: fmt.Sprintf("(%s) %s: %d of %d passages (%s)", l, n.Short, row.Counts[i], row.Passages, matrix.Percent(share))}
			if counts {
				c.Text, c.Class = strconv.Itoa(row.Counts[i]), heatClass(float64(row.Counts[i]), top)
			} else {
				c.Text, c.Class = matrix.Percent(share), heatClass(share, top)
			}
			v.Cells = append(v.Cells, c)
		}
		p.Rows = append(p.Rows, v)
	}
	return p
}

// searchHref is the search page's URL for a cell's search parameters.
func searchHref(params string) string {
	if params == "" {
		return ""
	}
	return "/?" + params
}

func kindsText(kinds []corpus.Kind) string {
	s := make([]string, len(kinds))
	for i, k := range kinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

// pageMatrix serves a matrix page: compare, timeline or coverage.
func (s *Server) pageMatrix(kind string) http.HandlerFunc {
	titles := map[string][2]string{
		matrix.KindCompare:  {"Compare", "Compare submitters: share of each submitter's passages on each norm"},
		matrix.KindTimeline: {"Timeline", "Norms over the years: share of each year's passages on each norm"},
		matrix.KindCoverage: {"Coverage", "Coverage: share of each document's passages on each norm"},
	}
	defaultSort := map[string]string{matrix.KindTimeline: "year"}[kind]
	return func(w http.ResponseWriter, r *http.Request) {
		m, err := s.computeMatrix(r, kind)
		var page matrixPage
		if err == nil {
			var sortBy string
			var desc, counts, grouped bool
			sortBy, desc, counts, grouped, err = sortParams(r, m, defaultSort)
			if err == nil {
				page = matrixView(r, "/"+kind, m, sortBy, desc, counts, grouped)
				if kind == matrix.KindTimeline {
					page.Timeline = timelineSVG(m, counts)
					page.Submitters, err = s.submitterOptions(r, m.Filter.Submitters)
				}
			}
		}
		page.Title, page.Heading, page.Kind = titles[kind][0], titles[kind][1], kind
		if err != nil {
			var re *index.RequestError
			var qe *index.QueryError
			if !errors.As(err, &re) && !errors.As(err, &qe) {
				s.fail(w, err)
				return
			}
			page.Error = err.Error()
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusBadRequest)
		}
		s.render(w, "matrix.html", page)
	}
}

// submitterOptions lists every submitter, from the store, for the
// timeline's selection, the selected ones ticked.
func (s *Server) submitterOptions(r *http.Request, selected []string) ([]submitterOption, error) {
	docs, err := s.data.Store.Documents(r.Context())
	if err != nil {
		return nil, err
	}
	var names []string
	for _, d := range docs {
		// as the index holds it (index.bound)
		if n := textcut.Runes(d.Submitter(), corpus.MaxFieldRunes); n != "" && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	var out []submitterOption
	for _, n := range names {
		out = append(out, submitterOption{Name: n, Checked: slices.Contains(selected, n)})
	}
	return out, nil
}
