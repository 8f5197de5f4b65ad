package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/index"
	"github.com/normtag/normtag/internal/export"
	"github.com/normtag/normtag/internal/textcut"
)

// Limits on what one request may cost the server. Every value that comes
// from a file is hostile: a document may declare a megabyte title, and a
// client may ask for the most expensive search there is, twenty times at
// once. The README's "Limits" section and openapi.json document them.
const (
	// MaxResponseBytes bounds every response but exports and original
	// files. JSON is encoded in memory first and refused (500) rather
	// than cut if it would exceed this; with the field bounds below a
	// search page of index.APIMaxLimit hits stays under 5 MiB.
	MaxResponseBytes = 8 << 20
	// MaxExportBytes bounds an export over HTTP. It stops after the last
	// whole row under the bound (a JSONL export then ends with an
	// {"error": ...} line); `normtag export` writes any size.
	MaxExportBytes = 64 << 20
	// FieldRunes bounds titles, authors, submitters, countries, languages
	// and file names in every response, for stores written before ingest
	// bounded them (corpus.MaxFieldRunes).
	FieldRunes = corpus.MaxFieldRunes
	// SnippetRunes bounds a hit's snippet.
	SnippetRunes = 500
	// TextRunes bounds a passage's text (ingest cuts passages at 3,000
	// bytes; older stores may hold longer ones).
	TextRunes = 3000
	// exportPageSize is how many hits an HTTP export holds at once.
	exportPageSize = 1000
	// exportRowReserve is more than one bounded row takes in CSV or JSONL
	// (with every field at its bound and escaped), plus the CSV writer's
	// buffer.
	exportRowReserve = 256 << 10
	// RetryAfter is what a refused request is told to wait, in seconds.
	RetryAfter = 2
	// QueueWait is how long a request waits for a free slot before it is
	// refused with 503.
	QueueWait = 2 * time.Second
)

// Concurrency: at most HeavySlots() expensive requests (searches with
// patterns, big pages or no query, exports, document listings, pages)
// run at once and as many wait, each up to QueueWait; beyond that a
// request gets 503 with Retry-After at once. Light requests (a search
// with plain words and a small page, norms, static files) have their own
// slots, so a storm of expensive ones never starves them.
func HeavySlots() int { return 2 * runtime.GOMAXPROCS(0) }

// LightSlots is how many light requests run at once.
func LightSlots() int { return 8 * runtime.GOMAXPROCS(0) }

// limiter admits up to cap(slots) requests at once and lets up to
// cap(queue) more wait for a slot.
type limiter struct {
	slots chan struct{}
	queue chan struct{}
	wait  time.Duration
}

func newLimiter(slots, queued int, wait time.Duration) *limiter {
	return &limiter{slots: make(chan struct{}, slots), queue: make(chan struct{}, queued), wait: wait}
}

// errBusy is a request refused because every slot and queue place is
// taken (or it waited QueueWait in vain).
var errBusy = errors.New("the server is busy; retry later")

// acquire takes a slot, waiting in the queue if there is room, and
// returns the function that gives it back.
func (l *limiter) acquire(ctx context.Context) (func(), error) {
	release := func() { <-l.slots }
	select {
	case l.slots <- struct{}{}:
		return release, nil
	default:
	}
	select {
	case l.queue <- struct{}{}:
	default:
		return nil, errBusy
	}
	defer func() { <-l.queue }()
	t := time.NewTimer(l.wait)
	defer t.Stop()
	select {
	case l.slots <- struct{}{}:
		return release, nil
	case <-t.C:
		return nil, errBusy
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// light reports whether a request is cheap enough for the light class:
// fixed documents, or a search with plain words and a small page.
func light(r *http.Request) bool {
	p := r.URL.Path
	switch {
	case strings.HasPrefix(p, "/static/"), p == "/api/norms", p == "/api/openapi.json":
		return true
	case p != "/api/search":
		return false
	}
	q := r.URL.Query()
	words := strings.TrimSpace(q.Get("q"))
	if words == "" || strings.ContainsAny(words, "*?/~:<>") || len(words) > 200 {
		return false // match-all facets, patterns, fields and ranges cost more
	}
	if q.Get("offset") != "" || q.Get("after") != "" {
		return false
	}
	n, err := strconv.Atoi(q.Get("limit"))
	return q.Get("limit") == "" || err == nil && n <= 20
}

// refuse answers 503 with Retry-After.
func refuse(w http.ResponseWriter, err error) {
	w.Header().Set("Retry-After", strconv.Itoa(RetryAfter))
	writeError(w, http.StatusServiceUnavailable, err)
}

// capWriter stops a response at limit bytes: later writes are dropped
// and fail with errResponseCap, and the cut is logged once.
type capWriter struct {
	http.ResponseWriter
	limit   int64
	written int64
	log     *slog.Logger
	path    string
	once    sync.Once
}

var errResponseCap = errors.New("response size limit reached")

// errExportCap ends an HTTP export at MaxExportBytes.
var errExportCap = fmt.Errorf("the export stopped at the server's limit of %d MiB; narrow it or use normtag export", MaxExportBytes>>20)

func (c *capWriter) Write(p []byte) (int, error) {
	room := c.limit - c.written
	if int64(len(p)) > room {
		n := 0
		if room > 0 {
			n, _ = c.ResponseWriter.Write(p[:room])
			c.written += int64(n)
		}
		c.once.Do(func() { c.log.Warn("response cut at its size limit", "path", c.path, "limit", c.limit) })
		return n, errResponseCap
	}
	n, err := c.ResponseWriter.Write(p)
	c.written += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection.
func (c *capWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }

// capOf finds the capWriter under w, if any.
func capOf(w http.ResponseWriter) *capWriter {
	c, _ := w.(*capWriter)
	return c
}

// cut bounds a value from a file for output.
func cut(s string) string { return textcut.Runes(s, FieldRunes) }

// boundHit bounds every file-derived field of a hit.
func boundHit(h index.Hit) index.Hit {
	h.Title, h.File, h.Submitter, h.SubmitterType, h.Country, h.Lang = cut(h.Title), cut(h.File), cut(h.Submitter), cut(h.SubmitterType), cut(h.Country), cut(h.Lang)
	h.Path = "" // the server's file system is nobody's business
	if snip := textcut.Runes(h.Snippet, SnippetRunes); snip != h.Snippet {
		h.Snippet, h.Highlights = snip, clipHighlights(h.Highlights, len(snip)-len("…")) // Runes ends a cut in "…"
	}
	h.Text = textcut.Runes(h.Text, TextRunes)
	return h
}

// clipHighlights keeps the highlights within the first n bytes of a cut
// snippet, ending one the cut fell inside at the cut.
func clipHighlights(spans [][2]int, n int) [][2]int {
	out := [][2]int{}
	for _, s := range spans {
		if s[0] >= n {
			break
		}
		out = append(out, [2]int{s[0], min(s[1], n)})
	}
	return out
}

// boundMeta returns a copy of meta with every value bounded.
func boundMeta(meta map[string]string) map[string]string {
	out := make(map[string]string, len(meta))
	for k, v := range meta {
		out[cut(k)] = cut(v)
	}
	return out
}

// boundRow bounds every file-derived field of an export row.
func boundRow(r export.Row) export.Row {
	r.Title, r.Submitter, r.SubmitterType, r.Country, r.File = cut(r.Title), cut(r.Submitter), cut(r.SubmitterType), cut(r.Country), cut(r.File)
	r.Text = textcut.Runes(r.Text, TextRunes)
	return r
}
