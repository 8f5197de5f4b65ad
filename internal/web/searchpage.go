package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/index"
	"github.com/normtag/normtag/internal/norms"
)

// PageSize is the search page's number of hits per page when the URL
// names no limit.
const PageSize = 20

// searchPage is what search.html shows. Every link on it is the page's
// own URL with one thing changed, so the whole state is in the URL: it
// can be shared, and the back button undoes a click.
type searchPage struct {
	Query, Sort, Error string
	NormsAll           bool
	Total              uint64
	Hits               []pageHit
	Groups             []facetGroup
	// Norms is the norm facet, every norm in order; NormAndURL and
	// NormOrURL switch how ticked norms combine.
	Norms                   []facetValue
	NormAndURL, NormOrURL   string
	Years                   *yearChart
	Options                 []facetValue
	Chips                   []chip
	ClearURL                string
	Selected                []norms.Norm
	Hidden                  []hiddenParam
	Pager                   *pager
	Suggestions             []suggestion
	ExportURL, QueryOnlyURL string
	NormSource              string
}

// facetGroup is one facet of the page: its values as links that tick or
// untick them.
type facetGroup struct {
	Name, Title string
	Values      []facetValue
	// Note explains the group's counts when they are not plain totals.
	Note string
}

// facetValue is one facet value: Count is the total ticking it gives,
// or with Adds the passages ticking it adds to the results.
type facetValue struct {
	Label, Title, Value, URL, Class string
	Count                           int
	Adds, Ticked                    bool
}

// chip is an active filter; URL removes it.
type chip struct{ Label, URL string }

type hiddenParam struct{ Name, Value string }

type suggestion struct {
	Label, URL string
	Total      uint64
}

// pageHit is a hit with its snippet marked: query words and the words
// the tagger matched apart, and the tagger's matches listed.
type pageHit struct {
	apiHit
	Marked   template.HTML
	Evidence []evidenceWord
	Link     string
}

type evidenceWord struct {
	Norm, Rule, Match string
	Inherited         bool
}

type pager struct {
	Prev, Next, More string
	Pages            []pageLink
	Current, Last    int
	// Cursor is set on a page reached with the cursor (deep lists): it
	// has no number.
	Cursor bool
}

type pageLink struct {
	Number  int
	URL     string
	Current bool
	Gap     bool
}

// searchState is the page's URL parameters, with norms one letter per
// value, from which every link is made.
type searchState struct {
	v url.Values
}

// pagingParams are dropped by every link that changes what is found.
var pagingParams = []string{"page", "offset", "after"}

func newSearchState(q url.Values) searchState {
	v := url.Values{}
	for k, vals := range q {
		for _, x := range vals {
			if strings.TrimSpace(x) != "" {
				v[k] = append(v[k], x)
			}
		}
	}
	if raw := v["norm"]; len(raw) > 0 {
		var letters []string
		for _, x := range raw {
			l, err := norms.ParseList(x)
			if err != nil {
				letters = nil
				break // left as given: the request reports it
			}
			for _, n := range l {
				if !slices.Contains(letters, n) {
					letters = append(letters, n)
				}
			}
		}
		if letters != nil {
			v["norm"] = letters
		}
	}
	return searchState{v: v}
}

// link is the page's URL changed by edit, back on the first page.
func (st searchState) link(edit func(url.Values)) string {
	c := url.Values{}
	for k, vals := range st.v {
		c[k] = slices.Clone(vals)
	}
	for _, p := range pagingParams {
		c.Del(p)
	}
	edit(c)
	if len(c) == 0 {
		return "/?q="
	}
	return "/?" + c.Encode()
}

// toggle ticks value in param, or unticks it if ticked.
func (st searchState) toggle(param, value string) string {
	return st.link(func(c url.Values) {
		if slices.Contains(c[param], value) {
			c[param] = slices.DeleteFunc(c[param], func(x string) bool { return x == value })
			if len(c[param]) == 0 {
				c.Del(param)
			}
			return
		}
		c.Add(param, value)
	})
}

func (st searchState) has(param, value string) bool { return slices.Contains(st.v[param], value) }

// filterParams are the URL parameters that filter, each shown as chips.
var filterParams = []struct{ param, label string }{
	{"norm", "norm"}, {"submitter", "submitter"}, {"submitter_type", "type"}, {"country", "country"},
	{"lang", "language"}, {"doc", "document"}, {"kind", "kind"},
}

// landing reports whether a URL asks for nothing: the corpus overview.
func landing(q url.Values) bool {
	for _, vals := range q {
		for _, v := range vals {
			if strings.TrimSpace(v) != "" {
				return false
			}
		}
	}
	_, asked := q["q"]
	return !asked
}

func (s *Server) pageSearch(w http.ResponseWriter, r *http.Request) {
	if landing(r.URL.Query()) {
		s.pageHome(w, r)
		return
	}
	st := newSearchState(r.URL.Query())
	params := url.Values{}
	for k, v := range st.v {
		params[k] = v
	}
	if params.Get("limit") == "" {
		params.Set("limit", strconv.Itoa(PageSize))
	}
	pr := r.Clone(r.Context())
	pr.URL.RawQuery = params.Encode()
	data := &searchPage{Query: st.v.Get("q"), Sort: st.v.Get("sort"), NormsAll: st.v.Get("norm_op") == "and", NormSource: strings.TrimSuffix(norms.Source, ", paragraph 13")}
	req, err := urlParams(pr, index.KindSearch).Request()
	var res *index.Result
	var sel *index.Selection
	if err == nil {
		req.Highlight, req.Facets, req.AllFacets = true, true, true
		res, sel, err = s.searchWithSelection(r.Context(), req)
	}
	status := http.StatusOK
	if err != nil {
		var re *index.RequestError
		var qe *index.QueryError
		if !errors.As(err, &re) && !errors.As(err, &qe) {
			s.log.Error("search page", "err", err)
			if errors.Is(err, context.DeadlineExceeded) {
				status = http.StatusServiceUnavailable
				err = errors.New("the search took too long; narrow it with a filter or fewer pattern words")
			} else {
				status = http.StatusInternalServerError
			}
		} else {
			status = http.StatusBadRequest
		}
		data.Error = err.Error()
		res, sel = &index.Result{Hits: []index.Hit{}}, &index.Selection{}
	}
	data.Total = res.Total
	s.fillFacets(r.Context(), data, st, res, sel)
	data.Hits = s.markHits(r, res.Hits)
	if err == nil {
		if p := newPager(st, req, res); p.Prev != "" || p.Next != "" || p.More != "" || len(p.Pages) > 0 {
			data.Pager = p
		}
	}
	if err == nil && res.Total == 0 {
		data.Suggestions = s.suggest(r.Context(), st)
	}
	data.ClearURL = st.link(func(c url.Values) {
		for _, f := range filterParams {
			c.Del(f.param)
		}
		for _, p := range []string{"since", "until", "direct_only", "collapse", "norm_op"} {
			c.Del(p)
		}
	})
	for _, l := range st.v["norm"] {
		if n, ok := norms.ByLetter(l); ok {
			data.Selected = append(data.Selected, n)
		}
	}
	for k, vals := range st.v {
		if k == "q" || k == "sort" || slices.Contains(pagingParams, k) {
			continue
		}
		for _, v := range vals {
			data.Hidden = append(data.Hidden, hiddenParam{k, v})
		}
	}
	sort.Slice(data.Hidden, func(i, j int) bool { return data.Hidden[i].Name < data.Hidden[j].Name })
	exp := url.Values{}
	for k, v := range st.v {
		if !slices.Contains(pagingParams, k) && k != "limit" && k != "collapse" {
			exp[k] = v
		}
	}
	data.ExportURL = "/api/export?" + exp.Encode()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := s.pages.ExecuteTemplate(w, "search.html", data); err != nil {
		s.log.Error("render", "page", "search.html", "err", err)
	}
}

// searchWithSelection runs the search and its selection counts
// (index.SearchWithSelection: the facets the selection replaces are not
// counted twice).
func (s *Server) searchWithSelection(ctx context.Context, req index.Request) (*index.Result, *index.Selection, error) {
	var res *index.Result
	var sel *index.Selection
	err := s.withIndex(ctx, func(ix *index.Index) error {
		var err error
		res, sel, err = ix.SearchWithSelection(ctx, req)
		return err
	})
	if errors.Is(err, index.ErrMissing) {
		return &index.Result{Hits: []index.Hit{}}, &index.Selection{}, nil
	}
	return res, sel, err
}

// fillFacets makes the facet groups, the norm facet, the year chart, the
// options and the chips.
func (s *Server) fillFacets(ctx context.Context, data *searchPage, st searchState, res *index.Result, sel *index.Selection) {
	counts := func(name string) ([]index.FacetCount, bool) {
		if c, ok := sel.Facets[name]; ok {
			return c, sel.Adds[name]
		}
		return res.Facets[name], false
	}
	// Norms: all eleven, in order.
	own := map[string]int{}
	for _, c := range res.Facets[index.FieldNorm] {
		own[c.Value] = c.Count
	}
	added, adds := map[string]int{}, false
	if c, ok := sel.Facets[index.FieldNorm]; ok {
		adds = true
		for _, x := range c {
			added[x.Value] = x.Count
		}
	}
	for _, n := range norms.All {
		fv := facetValue{Label: fmt.Sprintf("(%s) %s", n.Letter, n.Short), Title: n.Paragraph + ": " + n.Text, Value: n.Letter,
			URL: st.toggle("norm", n.Letter), Class: "n-" + n.Letter, Ticked: st.has("norm", n.Letter), Count: own[n.Letter]}
		if adds && !fv.Ticked {
			fv.Count, fv.Adds = added[n.Letter], true
		}
		data.Norms = append(data.Norms, fv)
	}
	data.NormOrURL = st.link(func(c url.Values) { c.Del("norm_op") })
	data.NormAndURL = st.link(func(c url.Values) { c.Set("norm_op", "and") })

	docs, _ := counts(index.FieldDoc)
	titles := s.documentTitles(ctx, append(facetValues(docs), st.v["doc"]...))
	for _, g := range []struct{ name, param, title string }{
		{index.FieldSubmitter, "submitter", "Submitter"},
		{index.FieldSubmitterType, "submitter_type", "Submitter type"},
		{index.FieldCountry, "country", "Country"},
		{index.FieldLang, "lang", "Language"},
		{index.FieldDoc, "doc", "Document"},
		{index.FieldKind, "kind", "Passage kind"},
	} {
		c, adds := counts(g.name)
		group := facetGroup{Name: g.param, Title: g.title}
		seen := map[string]bool{}
		for _, x := range c {
			v := facetValue{Label: x.Value, Value: x.Value, URL: st.toggle(g.param, x.Value), Ticked: st.has(g.param, x.Value), Count: x.Count}
			v.Adds = adds && !v.Ticked
			if g.param == "doc" {
				v.Label, v.Title = titles[x.Value], x.Value
			}
			seen[x.Value] = true
			group.Values = append(group.Values, v)
		}
		for _, t := range st.v[g.param] {
			if !seen[t] { // ticked, but not among the values counted
				label := t
				if g.param == "doc" {
					label = titles[t]
				}
				group.Values = append(group.Values, facetValue{Label: label, Value: t, URL: st.toggle(g.param, t), Ticked: true, Count: -1})
			}
		}
		if adds {
			group.Note = "+N: passages ticking it adds"
		}
		if len(group.Values) > 0 {
			data.Groups = append(data.Groups, group)
		}
		for _, t := range st.v[g.param] {
			label := t
			if g.param == "doc" {
				label = titles[t]
			}
			data.Chips = append(data.Chips, chip{Label: strings.ToLower(g.title) + ": " + label, URL: st.toggle(g.param, t)})
		}
	}
	years, _ := counts(index.FieldYear)
	data.Years = newYearChart(st, years)
	for _, l := range st.v["norm"] {
		label := "(" + l + ")"
		if n, ok := norms.ByLetter(l); ok {
			label += " " + n.Short
		}
		data.Chips = append([]chip{{Label: "norm " + label, URL: st.toggle("norm", l)}}, data.Chips...)
	}
	since, until := st.v.Get("since"), st.v.Get("until")
	switch {
	case since != "" && since == until:
		data.Chips = append(data.Chips, chip{Label: "year: " + since, URL: st.link(func(c url.Values) { c.Del("since"); c.Del("until") })})
	default:
		if since != "" {
			data.Chips = append(data.Chips, chip{Label: "since " + since, URL: st.link(func(c url.Values) { c.Del("since") })})
		}
		if until != "" {
			data.Chips = append(data.Chips, chip{Label: "until " + until, URL: st.link(func(c url.Values) { c.Del("until") })})
		}
	}
	for _, o := range []struct{ param, value, label, chipLabel string }{
		{"direct_only", "1", "own words only (not inherited from a section)", "own words only"},
		{"collapse", "false", "show every copy of a text (not one hit with “+N copies”)", "every copy"},
	} {
		ticked := st.v.Get(o.param) != ""
		u := st.link(func(c url.Values) {
			if ticked {
				c.Del(o.param)
			} else {
				c.Set(o.param, o.value)
			}
		})
		data.Options = append(data.Options, facetValue{Label: o.label, URL: u, Ticked: ticked, Count: -1})
		if ticked {
			data.Chips = append(data.Chips, chip{Label: o.chipLabel, URL: u})
		}
	}
	if data.NormsAll && len(st.v["norm"]) > 1 {
		data.Chips = append(data.Chips, chip{Label: "norms: all of them", URL: data.NormOrURL})
	}
}

func facetValues(c []index.FacetCount) []string {
	out := make([]string, len(c))
	for i, x := range c {
		out[i] = x.Value
	}
	return out
}

// documentTitles finds the titles of documents by id, from the store; an
// id it does not hold is shown shortened.
func (s *Server) documentTitles(ctx context.Context, ids []string) map[string]string {
	out := map[string]string{}
	for _, id := range ids {
		if _, ok := out[id]; ok {
			continue
		}
		out[id] = shortID(id)
		d, err := s.data.Store.Document(ctx, id, 0)
		if err == nil && d.Title != "" {
			out[id] = cut(d.Title)
		}
	}
	return out
}

func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// yearChart is the year facet drawn as a histogram: one bar per year
// from the first to the last, empty years included.
type yearChart struct {
	Bars          []yearBar
	Width, Height int
}

type yearBar struct {
	Year, Count       int
	URL, Label        string
	Ticked            bool
	X, Y, W, H, TextX int
}

func newYearChart(st searchState, counts []index.FacetCount) *yearChart {
	by := map[int]int{}
	lo, hi, top := 0, 0, 0
	for _, c := range counts {
		y, err := strconv.Atoi(c.Value)
		if err != nil {
			continue
		}
		by[y] = c.Count
		if lo == 0 || y < lo {
			lo = y
		}
		if y > hi {
			hi = y
		}
		if c.Count > top {
			top = c.Count
		}
	}
	if top == 0 || hi-lo > 80 {
		return nil
	}
	since, until := st.v.Get("since"), st.v.Get("until")
	ch := &yearChart{Height: 80}
	const barW, gap, plot = 24, 4, 60
	for y := lo; y <= hi; y++ {
		n := by[y]
		ys := strconv.Itoa(y)
		ticked := since == ys && until == ys
		u := st.link(func(c url.Values) {
			if ticked {
				c.Del("since")
				c.Del("until")
			} else {
				c.Set("since", ys)
				c.Set("until", ys)
			}
		})
		h := 0
		if n > 0 {
			h = max(2, plot*n/top)
		}
		x := (y - lo) * (barW + gap)
		ch.Bars = append(ch.Bars, yearBar{Year: y, Count: n, URL: u, Ticked: ticked, X: x, Y: plot - h, W: barW, H: h, TextX: x + barW/2, Label: "’" + ys[len(ys)-2:]})
	}
	// At least a dozen bars' width, so that one year is not one bar as
	// wide as the column.
	ch.Width = max(len(ch.Bars), 12)*(barW+gap) - gap
	return ch
}

// newPager links the pages around the current one; past the pages that
// offsets reach, and on pages reached by cursor, "more" follows the
// cursor instead.
func newPager(st searchState, req index.Request, res *index.Result) *pager {
	size := req.Limit
	if size <= 0 {
		size = index.DefaultLimit
	}
	at := func(page int) string {
		return st.link(func(c url.Values) {
			if page > 1 {
				c.Set("page", strconv.Itoa(page))
			}
		})
	}
	p := &pager{}
	more := func() string {
		return st.link(func(c url.Values) { c.Set("after", res.Next) })
	}
	if req.After != "" {
		p.Cursor = true
		if res.Next != "" {
			p.More = more()
		}
		p.Prev = at(1)
		return p
	}
	p.Current = req.Offset/size + 1
	reach := index.MaxOffset/size + 1
	p.Last = min(int((res.Total+uint64(size)-1)/uint64(size)), reach)
	if res.Next != "" {
		p.Last = max(p.Last, p.Current+1)
	} else {
		p.Last = min(p.Last, p.Current)
	}
	if p.Current > 1 {
		p.Prev = at(p.Current - 1)
	}
	if res.Next != "" {
		if p.Current < reach {
			p.Next = at(p.Current + 1)
		} else {
			p.More = more()
		}
	}
	if p.Last <= 1 && p.Current == 1 {
		return p
	}
	last := 0
	for n := 1; n <= p.Last; n++ {
		if n != 1 && n != p.Last && (n < p.Current-2 || n > p.Current+2) {
			continue
		}
		if last != 0 && n > last+1 {
			p.Pages = append(p.Pages, pageLink{Gap: true})
		}
		p.Pages = append(p.Pages, pageLink{Number: n, URL: at(n), Current: n == p.Current})
		last = n
	}
	return p
}

// suggest finds, for a search that found nothing, which filter to drop:
// the total each would give without it.
func (s *Server) suggest(ctx context.Context, st searchState) []suggestion {
	type option struct {
		label string
		edit  func(url.Values)
	}
	var opts []option
	for _, f := range filterParams {
		for _, v := range st.v[f.param] {
			label := fmt.Sprintf("drop %s %s", f.label, v)
			if f.param == "doc" {
				label = "drop document " + s.documentTitles(ctx, []string{v})[v]
			}
			opts = append(opts, option{label, func(c url.Values) {
				c[f.param] = slices.DeleteFunc(c[f.param], func(x string) bool { return x == v })
			}})
		}
	}
	if st.v.Get("since") != "" || st.v.Get("until") != "" {
		opts = append(opts, option{"drop the date range", func(c url.Values) { c.Del("since"); c.Del("until") }})
	}
	if st.v.Get("norm_op") == "and" && len(st.v["norm"]) > 1 {
		opts = append(opts, option{"any of the norms, not all", func(c url.Values) { c.Del("norm_op") }})
	}
	if st.v.Get("direct_only") != "" {
		opts = append(opts, option{"count inherited tags too", func(c url.Values) { c.Del("direct_only") }})
	}
	if len(opts) > 1 {
		opts = append(opts, option{"drop every filter, keep the words", func(c url.Values) {
			for k := range c {
				if k != "q" && k != "sort" {
					c.Del(k)
				}
			}
		}})
	}
	var out []suggestion
	err := s.withIndex(ctx, func(ix *index.Index) error {
		for _, o := range opts {
			c := url.Values{}
			for k, v := range st.v {
				c[k] = slices.Clone(v)
			}
			o.edit(c)
			req, err := urlParams(&http.Request{URL: &url.URL{RawQuery: c.Encode()}}, index.KindSearch).Request()
			if err != nil {
				continue
			}
			n, err := ix.Count(ctx, req)
			if err != nil {
				return err
			}
			if n > 0 {
				out = append(out, suggestion{Label: o.label, URL: st.link(o.edit), Total: n})
			}
		}
		return nil
	})
	if err != nil && !errors.Is(err, index.ErrMissing) {
		s.log.Warn("suggestions for an empty search", "err", err)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Total > out[j].Total })
	return out
}

// markHits bounds the hits and marks their snippets: the words the query
// matched and the words the tagger matched (its evidence, read from the
// store) apart.
func (s *Server) markHits(r *http.Request, hits []index.Hit) []pageHit {
	ctx := r.Context()
	cited := make([]apiHit, len(hits))
	for i, h := range hits {
		h = boundHit(h)
		cited[i] = apiHit{Hit: h, FileURL: fileURL(h), Pages: corpus.PageCite(h.Page, h.PageEnd)}
	}
	citeHits(r, cited)
	out := make([]pageHit, 0, len(hits))
	for _, c := range cited {
		h := c.Hit
		ph := pageHit{apiHit: c, Link: fmt.Sprintf("/documents/%s#p%d", h.DocID, h.Seq)}
		var evidence [][2]int
		tags, err := s.data.Store.PassageTags(ctx, h.DocID, h.Seq)
		if err != nil {
			s.log.Warn("evidence of a hit", "doc", h.DocID, "passage", h.Seq, "err", err)
		}
		at := snippetOffset(h.Snippet, h.Text)
		for _, t := range tags {
			for _, e := range t.Evidence {
				if e.Match == "" || e.Rule == corpus.JudgementRule {
					continue
				}
				ew := evidenceWord{Norm: t.Norm, Rule: e.Rule, Match: cut(e.Match), Inherited: t.Inherited}
				if !slices.ContainsFunc(ph.Evidence, func(x evidenceWord) bool { return x.Norm == ew.Norm && strings.EqualFold(x.Match, ew.Match) }) {
					ph.Evidence = append(ph.Evidence, ew)
				}
				if !t.Inherited && at >= 0 {
					evidence = append(evidence, [2]int{e.Start - at, e.End - at})
				}
			}
		}
		ph.Marked = template.HTML(markTwo(h.Snippet, h.Highlights, evidence))
		ph.SnippetHTML = markHTML(h.Snippet, h.Highlights)
		out = append(out, ph)
	}
	return out
}

// snippetOffset is where a snippet's text starts in the passage, or -1
// when it cannot be found (a snippet cut in a way the text does not
// show).
func snippetOffset(snippet, text string) int {
	body := strings.TrimSuffix(strings.TrimPrefix(snippet, "…"), "…")
	if body == "" {
		return -1
	}
	at := strings.Index(text, body)
	if at < 0 {
		return -1
	}
	return at - (len(snippet) - len(strings.TrimPrefix(snippet, "…")))
}

// markTwo escapes a snippet and marks two sets of byte ranges in it: the
// query's (class q) and the tagger's evidence (class ev), a word in both
// getting both classes. Ranges outside the snippet are clipped or dropped.
func markTwo(s string, query, evidence [][2]int) string {
	flags := make([]byte, len(s)+1)
	mark := func(spans [][2]int, bit byte) {
		for _, sp := range spans {
			lo, hi := max(sp[0], 0), min(sp[1], len(s))
			for i := lo; i < hi; i++ {
				flags[i] |= bit
			}
		}
	}
	mark(query, 1)
	mark(evidence, 2)
	var b strings.Builder
	start := 0
	for i := 1; i <= len(s); i++ {
		if i < len(s) && (flags[i] == flags[start] || !runeStart(s, i)) {
			continue
		}
		seg := template.HTMLEscapeString(s[start:i])
		switch flags[start] {
		case 0:
			b.WriteString(seg)
		case 1:
			b.WriteString(`<mark class="q">` + seg + `</mark>`)
		case 2:
			b.WriteString(`<mark class="ev">` + seg + `</mark>`)
		default:
			b.WriteString(`<mark class="q ev">` + seg + `</mark>`)
		}
		start = i
	}
	return b.String()
}

// runeStart reports whether byte i of s starts a character: segments
// never split one, even where a range ends inside it.
func runeStart(s string, i int) bool { return s[i]&0xC0 != 0x80 }
