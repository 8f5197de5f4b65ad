package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/normtag/normtag/index"
)

// TestBusyServerAnswers503WithRetryAfter takes the only expensive slot:
// the next expensive request is refused at once with Retry-After, a light
// one still gets through, and once the slot is free the expensive one
// succeeds.
func TestBusyServerAnswers503WithRetryAfter(t *testing.T) {
	_, d := sampleServer(t)
	s, err := New(d, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.cache.Close() })
	s.heavy = newLimiter(1, 0, 50*time.Millisecond)
	ts := httptest.NewServer(s)
	defer ts.Close()
	release, err := s.heavy.acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	resp, err := http.Get(ts.URL + "/api/search?norm=g&limit=50")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") != "2" {
		t.Fatalf("busy: status %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("refusal took %s", took)
	}
	var res searchResponse
	if code := getJSON(t, ts.URL+"/api/search?q=critical+infrastructure&limit=5", &res); code != 200 || len(res.Hits) == 0 {
		t.Fatalf("light search while busy: status %d, %d hits", code, len(res.Hits))
	}
	release()
	if code := getJSON(t, ts.URL+"/api/search?norm=g&limit=50", &res); code != 200 {
		t.Fatalf("after release: status %d", code)
	}
}

// TestLimiterQueueWaitsForASlot: a queued request gets the slot when it is
// given back; with the queue full the next is refused at once.
func TestLimiterQueueWaitsForASlot(t *testing.T) {
	l := newLimiter(1, 1, 5*time.Second)
	release, err := l.acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan error, 1)
	go func() {
		r, err := l.acquire(context.Background())
		if err == nil {
			r()
		}
		got <- err
	}()
	for len(l.queue) == 0 {
		time.Sleep(time.Millisecond)
	}
	if _, err := l.acquire(context.Background()); !errors.Is(err, errBusy) {
		t.Fatalf("queue full: got %v", err)
	}
	release()
	if err := <-got; err != nil {
		t.Fatalf("queued request: %v", err)
	}
}

func TestCapWriterStopsAtLimit(t *testing.T) {
	rec := httptest.NewRecorder()
	cw := &capWriter{ResponseWriter: rec, limit: 10, log: slog.New(slog.DiscardHandler)}
	if n, err := cw.Write([]byte("0123456")); n != 7 || err != nil {
		t.Fatal(n, err)
	}
	if n, err := cw.Write([]byte("789abcdef")); n != 3 || !errors.Is(err, errResponseCap) {
		t.Fatalf("over the cap: %d, %v", n, err)
	}
	if _, err := cw.Write([]byte("x")); !errors.Is(err, errResponseCap) {
		t.Fatal("write after the cap succeeded")
	}
	if rec.Body.String() != "0123456789" {
		t.Fatalf("body %q", rec.Body.String())
	}
}

// TestWriteJSONRefusesOversizedResponses: a JSON answer over the cap is a
// 500 with a message, never a cut (unparseable) document.
func TestWriteJSONRefusesOversizedResponses(t *testing.T) {
	rec := httptest.NewRecorder()
	writeJSON(rec, map[string]string{"big": strings.Repeat("x", MaxResponseBytes)})
	if rec.Code != http.StatusInternalServerError || rec.Body.Len() > 1000 || !strings.Contains(rec.Body.String(), "would exceed") {
		t.Fatalf("status %d, %d bytes: %.200s", rec.Code, rec.Body.Len(), rec.Body.String())
	}
}

func TestBoundHitCutsEveryFieldFromTheFile(t *testing.T) {
	big := strings.Repeat("é", 1<<20)
	h := boundHit(index.Hit{Title: big, File: big, Submitter: big, SubmitterType: big, Country: big, Lang: big, Path: "/srv/secret/x.pdf",
		Snippet: strings.Repeat("a", SnippetRunes-2) + "match", Highlights: [][2]int{{0, 1}, {SnippetRunes - 2, SnippetRunes + 3}}, Text: big})
	for name, v := range map[string]string{"title": h.Title, "file": h.File, "submitter": h.Submitter, "type": h.SubmitterType, "country": h.Country, "lang": h.Lang} {
		if utf8.RuneCountInString(v) != FieldRunes || !strings.HasSuffix(v, "…") {
			t.Errorf("%s: %d runes", name, utf8.RuneCountInString(v))
		}
	}
	if utf8.RuneCountInString(h.Text) != TextRunes || h.Path != "" {
		t.Errorf("text %d runes, path %q", utf8.RuneCountInString(h.Text), h.Path)
	}
	if utf8.RuneCountInString(h.Snippet) > SnippetRunes+1 {
		t.Errorf("snippet %q", h.Snippet)
	}
	// the highlight the cut fell into ends at the cut, inside the snippet
	if want := [][2]int{{0, 1}, {SnippetRunes - 2, SnippetRunes - 1}}; !reflect.DeepEqual(h.Highlights, want) || h.Snippet[SnippetRunes-2:SnippetRunes-1] != "m" {
		t.Errorf("highlights %v, want %v, in %q", h.Highlights, want, h.Snippet)
	}
}

func TestLightRequests(t *testing.T) {
	for u, want := range map[string]bool{
		"/api/norms":                    true,
		"/static/app.js":                true,
		"/api/search?q=cyber":           true,
		"/api/search?q=cyber&limit=20":  true,
		"/api/search?q=cyber&limit=21":  false,
		"/api/search":                   false,
		"/api/search?q=cyb*":            false,
		"/api/search?q=title:x":         false,
		"/api/search?q=cyber&after=abc": false,
		"/api/export?q=cyber":           false,
		"/api/documents":                false,
		"/":                             false,
	} {
		r := httptest.NewRequest("GET", u, nil)
		if got := light(r); got != want {
			t.Errorf("light(%s) = %v", u, got)
		}
	}
}

// TestExportStopsOnAWholeRowAtItsCap lowers the export cap below the
// sample corpus's export: the JSONL stream stops under the cap, every line
// is a whole JSON object, and the last says why it stopped.
func TestExportStopsOnAWholeRowAtItsCap(t *testing.T) {
	_, d := sampleServer(t)
	s, err := New(d, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.cache.Close() })
	ts := httptest.NewServer(s)
	defer ts.Close()
	status, whole := get(t, ts.URL+"/api/export?format=jsonl")
	if status != 200 || len(whole) < 20000 {
		t.Fatalf("whole export: status %d, %d bytes", status, len(whole))
	}
	s.exportLimit = exportRowReserve + 10000
	status, cut := get(t, ts.URL+"/api/export?format=jsonl")
	if status != 200 || int64(len(cut)) > s.exportLimit || len(cut) >= len(whole) {
		t.Fatalf("capped export: status %d, %d bytes (cap %d, whole %d)", status, len(cut), s.exportLimit, len(whole))
	}
	lines := strings.Split(strings.TrimSuffix(string(cut), "\n"), "\n")
	for i, line := range lines {
		var v map[string]any
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			t.Fatalf("line %d is not whole JSON: %v", i+1, err)
		}
		if i == len(lines)-1 && !strings.Contains(fmt.Sprint(v["error"]), "limit") {
			t.Errorf("last line %s does not say the export stopped", line)
		}
	}
}

func get(t *testing.T, u string) (int, []byte) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}
