// Package watch keeps saved searches ("watches") and tells, after each
// ingest, which passages new to the corpus match them, as a percolator
// does: instead of running every saved search over the whole corpus, each
// runs once over the documents just stored.
//
// What counts as new: a passage is new when its text (give or take case,
// accents, spacing and punctuation: index.CopyKey) was in no passage of
// the corpus before the ingest that stored it. A re-ingest of unchanged
// files stores nothing, so finds nothing; a changed file whose passages
// kept their text finds only the passages whose text changed. Metadata
// edits add no text, so they find nothing either. Re-tagging does report
// the passages its new tags make match a watch they did not match before
// (RetagTracker). Otherwise a watch made after a passage was stored never
// reports it.
//
// How it stays cheap and safe: before ingest stores a batch of documents
// it looks their passages' copy keys up in the index (one query per
// batch) and records the new ones as pending, in the store, before the
// documents themselves. After the run's last index commit, Percolate runs
// each watch's request once, restricted to the pending documents, keeps
// the hits that are pending passages and records them as matches,
// forgetting the pending rows in the same transaction. An interrupted run
// leaves pending rows that the next run finishes; a match recorded twice
// is kept once.
package watch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/normtag/normtag/corpus/sqlite"
	"github.com/normtag/normtag/index"
)

// Search is the saved part of a search request: its query and filters,
// as text, the way command line flags and URL parameters give them, so
// that loading a watch validates it exactly as a search is validated.
type Search struct {
	Query      string   `json:"query,omitempty"`
	Norms      []string `json:"norm,omitempty"`
	DirectOnly bool     `json:"direct_only,omitempty"`
	Submitters []string `json:"submitter,omitempty"`
	Langs      []string `json:"lang,omitempty"`
	Since      string   `json:"since,omitempty"`
	Until      string   `json:"until,omitempty"`
}

// FromParams keeps the query and filters of search parameters; paging,
// sort and format do not belong to a watch.
func FromParams(p index.Params) Search {
	s := Search{Query: p.Query, Norms: p.Norms, Submitters: p.Submitters, Langs: p.Langs, Since: p.Since, Until: p.Until}
	s.DirectOnly = p.DirectOnly == "true" || p.DirectOnly == "1"
	return s
}

// Describe is the search as one line of search flags and query.
func (s Search) Describe() string {
	var parts []string
	for _, n := range s.Norms {
		parts = append(parts, "--norm "+n)
	}
	if s.DirectOnly {
		parts = append(parts, "--direct-only")
	}
	for _, v := range s.Submitters {
		parts = append(parts, fmt.Sprintf("--submitter %q", v))
	}
	for _, v := range s.Langs {
		parts = append(parts, "--lang "+v)
	}
	if s.Since != "" {
		parts = append(parts, "--since "+s.Since)
	}
	if s.Until != "" {
		parts = append(parts, "--until "+s.Until)
	}
	if s.Query != "" {
		parts = append(parts, s.Query)
	}
	if len(parts) == 0 {
		return "(every passage)"
	}
	return strings.Join(parts, " ")
}

// URLQuery is the search as the URL parameters of the search page and
// /api/search (the names of the command line flags).
func (s Search) URLQuery() url.Values {
	v := url.Values{}
	set := func(k string, vs ...string) {
		for _, x := range vs {
			if x != "" {
				v.Add(k, x)
			}
		}
	}
	set("q", s.Query)
	set("norm", s.Norms...)
	set("submitter", s.Submitters...)
	set("lang", s.Langs...)
	set("since", s.Since)
	set("until", s.Until)
	if s.DirectOnly {
		v.Set("direct_only", "true")
	}
	return v
}

// Params is the search as request parameters.
func (s Search) Params() index.Params {
	p := index.Params{Kind: index.KindSearch, Query: s.Query, Norms: s.Norms, Submitters: s.Submitters, Langs: s.Langs, Since: s.Since, Until: s.Until}
	if s.DirectOnly {
		p.DirectOnly = "true"
	}
	return p
}

// Request is the search as a validated request (errors are
// *index.RequestError, as for any search).
func (s Search) Request() (index.Request, error) { return s.Params().Request() }

// Watch is a saved search with a name.
type Watch struct {
	Name      string    `json:"name"`
	Search    Search    `json:"search"`
	CreatedAt time.Time `json:"created_at"`
}

// MaxNameLength bounds a watch's name, in bytes.
const MaxNameLength = 64

// ErrBadName is wrapped by errors about a watch name.
var ErrBadName = errors.New("a watch name is 1 to 64 letters, digits, '-', '_' or '.', starting with a letter or digit")

// CheckName reports whether name can name a watch: it goes into URLs
// (/api/watches/NAME) and file-like listings as it is.
func CheckName(name string) error {
	if name == "" || len(name) > MaxNameLength {
		return fmt.Errorf("watch name %q: %w", name, ErrBadName)
	}
	for i, r := range name {
		ok := r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r))
		if !ok && i > 0 {
			ok = r == '-' || r == '_' || r == '.'
		}
		if !ok {
			return fmt.Errorf("watch name %q: %w", name, ErrBadName)
		}
	}
	return nil
}

// Add validates and stores a new watch made now.
func Add(ctx context.Context, st *sqlite.Store, name string, s Search, now time.Time) (Watch, error) {
	w := Watch{Name: name, Search: s, CreatedAt: now.UTC()}
	if err := CheckName(name); err != nil {
		return w, err
	}
	if _, err := s.Request(); err != nil {
		return w, err
	}
	raw, err := json.Marshal(s)
	if err != nil {
		return w, fmt.Errorf("add watch %s: %w", name, err)
	}
	return w, st.AddWatch(ctx, sqlite.Watch{Name: name, Request: string(raw), CreatedAt: w.CreatedAt})
}

// Remove deletes a watch and its matches (sqlite.ErrNoWatch if none).
func Remove(ctx context.Context, st *sqlite.Store, name string) error {
	return st.RemoveWatch(ctx, name)
}

// List returns every watch, by name.
func List(ctx context.Context, st *sqlite.Store) ([]Watch, error) {
	stored, err := st.Watches(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Watch, 0, len(stored))
	for _, sw := range stored {
		w, err := decode(sw)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, nil
}

func decode(sw sqlite.Watch) (Watch, error) {
	w := Watch{Name: sw.Name, CreatedAt: sw.CreatedAt}
	if err := json.Unmarshal([]byte(sw.Request), &w.Search); err != nil {
		return w, fmt.Errorf("watch %s: stored request: %w", sw.Name, err)
	}
	return w, nil
}

// Status is a watch with the count of its matches found since a time.
type Status struct {
	Watch
	// New counts the matches found at or after the since time asked for
	// (all matches for none).
	New int `json:"new"`
	// Matches counts every match recorded.
	Matches int `json:"matches"`
}

// Statuses lists every watch with its count of matches found at or after since
// (a zero since counts all).
func Statuses(ctx context.Context, st *sqlite.Store, since time.Time) ([]Status, error) {
	ws, err := List(ctx, st)
	if err != nil {
		return nil, err
	}
	counts, err := st.WatchMatchCounts(ctx, since)
	if err != nil {
		return nil, err
	}
	all := counts
	if !since.IsZero() {
		if all, err = st.WatchMatchCounts(ctx, time.Time{}); err != nil {
			return nil, err
		}
	}
	out := make([]Status, len(ws))
	for i, w := range ws {
		out[i] = Status{Watch: w, New: counts[w.Name], Matches: all[w.Name]}
	}
	return out, nil
}

// ParseSince reads a since bound as the command line and the API take
// it: an RFC 3339 time (as ingest reports found_at) or a date
// YYYY[-MM[-DD]] (its start, UTC). Errors are *index.RequestError for
// the field "since".
func ParseSince(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, nil
	}
	t, err := index.ParseDate(v, false)
	if err != nil {
		return time.Time{}, &index.RequestError{Field: "since", Err: fmt.Errorf("want a time such as 2026-11-30T20:00:00Z or a date YYYY-MM-DD, got %q", v)}
	}
	return t, nil
}

// Match is a passage that matched a watch when it was new, with every
// field a citation needs, and when it was found.
type Match struct {
	index.Hit
	FoundAt time.Time `json:"found_at"`
}

// Matches lists a watch's matches found at or after since (all for a zero
// since), oldest first, skipping offset and listing at most limit (0:
// all). Passages that are no longer indexed are left out.
func Matches(ctx context.Context, st *sqlite.Store, ix *index.Index, name string, since time.Time, offset, limit int) ([]Match, error) {
	found, err := st.WatchMatches(ctx, name, since, offset, limit)
	if err != nil {
		return nil, err
	}
	out := make([]Match, 0, len(found))
	if len(found) == 0 || ix == nil {
		return out, nil
	}
	refs := make([]index.PassageRef, len(found))
	for i, m := range found {
		refs[i] = index.PassageRef{DocID: m.DocID, Seq: m.Seq}
	}
	hits, err := ix.Passages(ctx, refs)
	if err != nil {
		return nil, err
	}
	at := map[index.PassageRef]time.Time{}
	for _, m := range found {
		at[index.PassageRef{DocID: m.DocID, Seq: m.Seq}] = m.At
	}
	for _, h := range hits {
		out = append(out, Match{Hit: h, FoundAt: at[index.PassageRef{DocID: h.DocID, Seq: h.Seq}]})
	}
	return out, nil
}
