// Package matrix computes the tables analysts compare norms with — which
// submitters argue which norms (compare), how each norm's share moves
// over the years (timeline), and each document's norms (coverage) — and
// writes them as CSV, JSON or text. The command line (normtag report)
// and the web pages use the same tables, so both give the same numbers.
//
// Every cell carries the search parameters that find exactly the
// passages it counts, so a page can link each number to its passages.
package matrix

import (
	"cmp"
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/corpus/sqlite"
	"github.com/normtag/normtag/index"
	"github.com/normtag/normtag/internal/norms"
	"github.com/normtag/normtag/internal/textcut"
)

// Kinds of matrix.
const (
	KindCompare  = "compare"
	KindTimeline = "timeline"
	KindCoverage = "coverage"
)

// Kinds lists the kinds of matrix.
var Kinds = []string{KindCompare, KindTimeline, KindCoverage}

// Matrix is a table of passages: one row per submitter, year or
// document, one column per norm.
type Matrix struct {
	// Kind is KindCompare, KindTimeline or KindCoverage.
	Kind string `json:"kind"`
	// Labels name the columns that label a row (Row.Labels), in order.
	Labels []string `json:"labels"`
	// Norms are the columns' norm letters, a to k.
	Norms []string `json:"norms"`
	// Counted are the passage kinds counted.
	Counted []corpus.Kind `json:"counted_kinds"`
	// Filter restricts the passages counted.
	Filter Filter `json:"filter"`
	// Rows are in display order (Sort).
	Rows []Row `json:"rows"`
	// Undated counts, in a timeline, the passages left out because
	// their document has no date.
	Undated int `json:"undated,omitempty"`
}

// Row is one submitter, year or document.
type Row struct {
	// Labels hold one value per Matrix.Labels.
	Labels []string `json:"labels"`
	// Passages counts the row's passages (of the counted kinds): the
	// denominator of its shares.
	Passages int `json:"passages"`
	// Counts holds, per norm of Matrix.Norms, the row's passages that
	// carry the norm (directly or inherited from a heading).
	Counts []int `json:"counts"`
	// Search holds, per norm, the search parameters (a URL query) that
	// find exactly the passages counted; "" when no search can name
	// them. All is the same for the row's passages, any norm.
	Search []string `json:"search"`
	All    string   `json:"search_all"`
}

// Share is the part of the row's passages that carry norm i, 0 to 1.
func (r Row) Share(i int) float64 {
	if r.Passages == 0 {
		return 0
	}
	return float64(r.Counts[i]) / float64(r.Passages)
}

// Filter restricts the passages a matrix counts.
type Filter struct {
	// Kinds are the passage kinds counted; none means body text and
	// headings (corpus.CountedKinds), as elsewhere.
	Kinds []corpus.Kind `json:"-"`
	// Since and Until bound the document date: YYYY, YYYY-MM or
	// YYYY-MM-DD, inclusive, "" open.
	Since string `json:"since,omitempty"`
	Until string `json:"until,omitempty"`
	// Langs keeps passages in any of these languages (as search does).
	Langs []string `json:"langs,omitempty"`
	// Submitters keeps passages of these submitters, named exactly as
	// the index holds them (a timeline's selection).
	Submitters []string `json:"submitters,omitempty"`
}

// MaxSubmitters bounds Filter.Submitters: each is a clause of the
// searches the cells link to, which have a length limit.
const MaxSubmitters = 10

func (f Filter) counted() []corpus.Kind {
	if len(f.Kinds) == 0 {
		return corpus.CountedKinds
	}
	return f.Kinds
}

// base is the query and parameters every cell's search shares: the
// counted kinds, the submitters, the languages and the dates.
func (f Filter) base() (string, url.Values, error) {
	if len(f.Submitters) > MaxSubmitters {
		return "", nil, &index.RequestError{Field: "submitter", Err: fmt.Errorf("at most %d submitters, got %d", MaxSubmitters, len(f.Submitters))}
	}
	var clauses []string
	if c := kindClause(f.counted()); c != "" {
		clauses = append(clauses, c)
	}
	if len(f.Submitters) > 0 {
		var names []string
		for _, s := range f.Submitters {
			names = append(names, index.FieldSubmitterName+":"+quote(s))
		}
		clauses = append(clauses, group(names, " OR "))
	}
	v := url.Values{}
	for _, l := range f.Langs {
		v.Add("lang", l)
	}
	if f.Since != "" {
		v.Set("since", f.Since)
	}
	if f.Until != "" {
		v.Set("until", f.Until)
	}
	return strings.Join(clauses, " AND "), v, nil
}

// request is the index request of the passages the filter keeps.
func (f Filter) request() (index.Request, string, url.Values, error) {
	q, v, err := f.base()
	if err != nil {
		return index.Request{}, "", nil, err
	}
	r, err := index.Params{Kind: index.KindExport, Query: q, Langs: f.Langs, Since: f.Since, Until: f.Until}.Request()
	return r, q, v, err
}

// kindClause restricts a query to passages of the kinds; "" for every
// kind.
func kindClause(kinds []corpus.Kind) string {
	all := true
	for _, k := range corpus.Kinds {
		all = all && slices.Contains(kinds, k)
	}
	if all {
		return ""
	}
	var parts []string
	for _, k := range kinds {
		parts = append(parts, index.FieldKind+":"+string(k))
	}
	return group(parts, " OR ")
}

// group joins clauses with op, in parentheses when there are several.
func group(clauses []string, op string) string {
	if len(clauses) == 1 {
		return clauses[0]
	}
	return "(" + strings.Join(clauses, op) + ")"
}

// quote writes a value as a query phrase: its quotes and backslashes
// escaped, so that any name reads back as written.
func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// fieldIs is a clause keeping passages whose field is value; for an
// empty value (the field missing), one excluding every other value seen,
// which is the only way a query can name a missing field.
func fieldIs(field, value string, seen []string) string {
	if value != "" {
		return field + ":" + quote(value)
	}
	var not []string
	for _, s := range seen {
		if s != "" {
			not = append(not, "-"+field+":"+quote(s))
		}
	}
	if len(not) == 0 {
		return ""
	}
	return "(" + strings.Join(not, " ") + ")"
}

// searchFor is the URL query of a cell: the base query and clauses,
// the norm when there is one, every copy listed. It is "" when the query
// would exceed what a search accepts.
func searchFor(base string, v url.Values, clauses []string, norm string) string {
	var all []string
	if base != "" {
		all = append(all, base)
	}
	for _, c := range clauses {
		if c != "" {
			all = append(all, c)
		}
	}
	q := strings.Join(all, " AND ")
	if len(q) > index.MaxQueryLength {
		return ""
	}
	out := url.Values{}
	for k, vs := range v {
		out[k] = vs
	}
	if q != "" {
		out.Set("q", q)
	}
	if norm != "" {
		out.Set("norm", norm)
	}
	out.Set("collapse", "false")
	return out.Encode()
}

// tallyMatrix counts the passages the filter keeps by the grouping
// fields, one row per group, with links naming each group's values.
func tallyMatrix(ctx context.Context, ix *index.Index, kind string, f Filter, by, labels []string) (*Matrix, error) {
	req, base, v, err := f.request()
	if err != nil {
		return nil, err
	}
	groups, err := ix.Tally(ctx, req, by, index.FieldNorm)
	if err != nil {
		return nil, err
	}
	seen := make([][]string, len(by))
	for _, g := range groups {
		for i, k := range g.Key {
			if !slices.Contains(seen[i], k) {
				seen[i] = append(seen[i], k)
			}
		}
	}
	m := &Matrix{Kind: kind, Labels: labels, Norms: norms.Letters(), Counted: f.counted(), Filter: f, Rows: []Row{}}
	for _, g := range groups {
		row := Row{Labels: g.Key, Passages: g.Passages}
		var clauses []string
		linkable := true
		for i, k := range g.Key {
			c := fieldIs(by[i], k, seen[i])
			linkable = linkable && (c != "" || k != "")
			clauses = append(clauses, c)
		}
		if linkable {
			row.All = searchFor(base, v, clauses, "")
		}
		for _, l := range m.Norms {
			row.Counts = append(row.Counts, g.Counts[l])
			s := ""
			if linkable {
				s = searchFor(base, v, clauses, l)
			}
			row.Search = append(row.Search, s)
		}
		m.Rows = append(m.Rows, row)
	}
	return m, nil
}

// Compare is the submitter × norm matrix: for each submitter (grouped by
// submitter type), the share of its passages that carry each norm.
func Compare(ctx context.Context, ix *index.Index, f Filter) (*Matrix, error) {
	f.Submitters = nil
	return tallyMatrix(ctx, ix, KindCompare, f, []string{index.FieldSubmitterType, index.FieldSubmitterName}, []string{"submitter_type", "submitter"})
}

// Timeline is the year × norm matrix: for each year, the share of the
// passages of documents dated that year that carry each norm, for the
// whole corpus or the filter's submitters. Passages of undated documents
// are counted in Undated.
func Timeline(ctx context.Context, ix *index.Index, f Filter) (*Matrix, error) {
	m, err := tallyMatrix(ctx, ix, KindTimeline, f, []string{index.FieldYear}, []string{"year"})
	if err != nil {
		return nil, err
	}
	rows := m.Rows[:0]
	for _, r := range m.Rows {
		if r.Labels[0] == "" {
			m.Undated += r.Passages
			continue
		}
		rows = append(rows, r)
	}
	m.Rows = rows
	return m, nil
}

// Sort orders the rows by a column, descending for a norm or passages
// (most first), ascending for a label, ties by the labels. A norm column
// sorts by share, or by count when byCount. With grouped, rows stay
// together by their first label (the submitter type) and sort within.
// An unknown column is an error naming the known ones.
func (m *Matrix) Sort(column string, desc, byCount, grouped bool) error {
	key, err := m.sortKey(column, byCount)
	if err != nil {
		return err
	}
	slices.SortStableFunc(m.Rows, func(a, b Row) int {
		if grouped && len(a.Labels) > 1 {
			if c := cmpGroup(a.Labels[0], b.Labels[0]); c != 0 {
				return c
			}
		}
		c := key(a, b)
		if desc {
			c = -c
		}
		if c != 0 {
			return c
		}
		return slices.Compare(a.Labels, b.Labels)
	})
	return nil
}

// cmpGroup orders groups by name, the group without a name last.
func cmpGroup(a, b string) int {
	switch {
	case a == b:
		return 0
	case a == "":
		return 1
	case b == "":
		return -1
	}
	return strings.Compare(a, b)
}

// Columns lists what Sort accepts: the labels, "passages" and the norms.
func (m *Matrix) Columns() []string {
	return append(append(slices.Clone(m.Labels), "passages"), m.Norms...)
}

func (m *Matrix) sortKey(column string, byCount bool) (func(a, b Row) int, error) {
	if i := slices.Index(m.Norms, column); i >= 0 {
		if byCount {
			return func(a, b Row) int { return cmp.Compare(a.Counts[i], b.Counts[i]) }, nil
		}
		return func(a, b Row) int { return cmp.Compare(a.Share(i), b.Share(i)) }, nil
	}
	if i := slices.Index(m.Labels, column); i >= 0 {
		return func(a, b Row) int { return strings.Compare(strings.ToLower(a.Labels[i]), strings.ToLower(b.Labels[i])) }, nil
	}
	if column == "passages" {
		return func(a, b Row) int { return cmp.Compare(a.Passages, b.Passages) }, nil
	}
	return nil, &index.RequestError{Field: "sort", Err: fmt.Errorf("must be one of %s, got %q", strings.Join(m.Columns(), ", "), column)}
}

// Coverage is the document × norm matrix, read from the store: for each
// document, labelled by its id, title, submitter and date (so that
// documents of the same title tell apart), the share of its passages of
// the counted kinds that carry each norm.
func Coverage(ctx context.Context, st *sqlite.Store, kinds ...corpus.Kind) (*Matrix, error) {
	f := Filter{Kinds: kinds}
	docs, err := st.Documents(ctx)
	if err != nil {
		return nil, err
	}
	cov, err := st.Coverage(ctx, f.counted()...)
	if err != nil {
		return nil, err
	}
	total, err := st.CountedPassages(ctx, f.counted()...)
	if err != nil {
		return nil, err
	}
	base, v, err := f.base()
	if err != nil {
		return nil, err
	}
	m := &Matrix{Kind: KindCoverage, Labels: []string{"doc", "title", "submitter", "date"}, Norms: norms.Letters(), Counted: f.counted(), Filter: f, Rows: []Row{}}
	for _, d := range docs {
		row := Row{Labels: []string{d.ID, bound(d.Title), bound(d.Submitter()), bound(d.Meta["date"])}, Passages: total[d.ID]}
		clause := []string{index.FieldDoc + ":" + d.ID}
		row.All = searchFor(base, v, clause, "")
		for _, l := range m.Norms {
			row.Counts = append(row.Counts, cov[d.ID][l])
			row.Search = append(row.Search, searchFor(base, v, clause, l))
		}
		m.Rows = append(m.Rows, row)
	}
	return m, nil
}

// bound cuts a value from a file as the index does (corpus.MaxFieldRunes),
// on one line: stores written before ingest bounded values may hold
// megabyte titles.
func bound(s string) string { return oneLine(textcut.Runes(s, corpus.MaxFieldRunes)) }
