package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/corpus/sqlite"
	"github.com/normtag/normtag/index"
	"github.com/normtag/normtag/internal/watch"
)

// routeWatches adds the saved searches' routes: what each ingest found
// new for them (package watch).
func (s *Server) routeWatches() {
	s.mux.HandleFunc("GET /api/watches", s.apiWatches)
	s.mux.HandleFunc("GET /api/watches/{name}/new", s.apiWatchNew)
	s.mux.HandleFunc("GET /watches", s.pageWatches)
}

// watchStatuses lists the watches with their counts of matches found at
// or after the since parameter.
func (s *Server) watchStatuses(r *http.Request) ([]watch.Status, time.Time, error) {
	since, err := watch.ParseSince(r.URL.Query().Get("since"))
	if err != nil {
		return nil, since, err
	}
	sts, err := watch.Statuses(r.Context(), s.data.Store, since)
	if sts == nil {
		sts = []watch.Status{}
	}
	return sts, since, err
}

func (s *Server) apiWatches(w http.ResponseWriter, r *http.Request) {
	sts, since, err := s.watchStatuses(r)
	if err != nil {
		s.fail(w, err)
		return
	}
	out := map[string]any{"watches": sts}
	if !since.IsZero() {
		out["since"] = since
	}
	writeJSON(w, out)
}

// watchMatch is a watch's match as the API returns it: a search hit with
// when it was found.
type watchMatch struct {
	apiHit
	FoundAt time.Time `json:"found_at"`
}

// pagingParam reads a whole-number parameter between 0 and max, def when
// absent.
func pagingParam(r *http.Request, name string, def, lo, hi int) (int, error) {
	v := strings.TrimSpace(r.URL.Query().Get(name))
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, &index.RequestError{Field: name, Err: errors.New("must be a whole number between " + strconv.Itoa(lo) + " and " + strconv.Itoa(hi) + ", got " + strconv.Quote(v))}
	}
	return n, nil
}

func (s *Server) apiWatchNew(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if err := watch.CheckName(name); err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	since, err := watch.ParseSince(r.URL.Query().Get("since"))
	if err != nil {
		s.fail(w, err)
		return
	}
	limit, err := pagingParam(r, "limit", index.APIMaxLimit, 1, index.APIMaxLimit)
	if err != nil {
		s.fail(w, err)
		return
	}
	offset, err := pagingParam(r, "offset", 0, 0, index.MaxOffset)
	if err != nil {
		s.fail(w, err)
		return
	}
	ctx := r.Context()
	var found []watch.Match
	err = s.withIndex(ctx, func(ix *index.Index) error {
		var err error
		found, err = watch.Matches(ctx, s.data.Store, ix, name, since, offset, limit)
		return err
	})
	if errors.Is(err, index.ErrMissing) {
		found, err = watch.Matches(ctx, s.data.Store, nil, name, since, offset, limit)
	}
	if errors.Is(err, sqlite.ErrNoWatch) {
		writeError(w, http.StatusNotFound, err)
		return
	}
	if err != nil {
		s.fail(w, err)
		return
	}
	counts, err := s.data.Store.WatchMatchCounts(ctx, since)
	if err != nil {
		s.fail(w, err)
		return
	}
	out := make([]watchMatch, len(found))
	for i, m := range found {
		h := boundHit(m.Hit)
		out[i] = watchMatch{apiHit: apiHit{Hit: h, SnippetHTML: markHTML(h.Snippet, nil), FileURL: fileURL(h), Pages: corpus.PageCite(h.Page, h.PageEnd)}, FoundAt: m.FoundAt}
	}
	resp := map[string]any{"watch": name, "total": counts[name], "offset": offset, "matches": out}
	if !since.IsZero() {
		resp["since"] = since
	}
	writeJSON(w, resp)
}

// watchRow is a watch on the watches page.
type watchRow struct {
	watch.Status
	Describe  string
	SearchURL string
	NewURL    string
}

func (s *Server) pageWatches(w http.ResponseWriter, r *http.Request) {
	sts, since, err := s.watchStatuses(r)
	if err != nil {
		s.fail(w, err)
		return
	}
	rows := make([]watchRow, len(sts))
	for i, st := range sts {
		q := st.Search.URLQuery()
		newURL := "/api/watches/" + st.Name + "/new"
		if !since.IsZero() {
			newURL += "?since=" + since.Format(time.RFC3339Nano)
		}
		rows[i] = watchRow{Status: st, Describe: cut(st.Search.Describe()), SearchURL: "/?" + q.Encode(), NewURL: newURL}
	}
	s.render(w, "watches.html", map[string]any{"Watches": rows, "Since": since})
}
