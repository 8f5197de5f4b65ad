package web

import (
	"context"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/internal/benchtext"
)

// The server keeps answering while a writer heals a backlog: each request
// waits at most for one batch, never for the whole heal, and requests do
// not queue behind each other. (A liveness bound, not a speed target; the
// 50,000-passage version is in package datadir.)
func TestSearchesAnswerDuringAHeal(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes 5,000 passages")
	}
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data")
	w, err := datadir.Open(ctx, dir, datadir.Options{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	texts := benchtext.Passages(5000 * 150)
	var docs []*corpus.Document
	for i := range 50 {
		d := &corpus.Document{ID: fmt.Sprintf("doc-%02d", i), FileName: fmt.Sprintf("doc-%02d.txt", i), Title: "Report", Format: corpus.FormatText, PageCount: 1}
		for s := range 100 {
			d.Passages = append(d.Passages, corpus.Passage{Seq: s, Page: 1, Text: texts[(i*100+s)%len(texts)], Tags: []corpus.Tag{{Norm: "g", Score: 1}}})
		}
		docs = append(docs, d)
	}
	if _, err := w.Store.PutDocuments(ctx, docs[:1]); err != nil {
		t.Fatal(err)
	}
	if err := w.Heal(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Store.PutDocuments(ctx, docs[1:]); err != nil {
		t.Fatal(err)
	}

	r, err := datadir.Open(ctx, dir, datadir.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	s, err := New(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	defer ts.Close()
	defer s.cache.Close()

	healed := make(chan error, 1)
	go func() { healed <- w.Heal(ctx) }()
	var slowest time.Duration
	requests, last := 0, uint64(0)
	for done := false; !done; {
		select {
		case err := <-healed:
			if err != nil {
				t.Fatal(err)
			}
			done = true
		case <-time.After(50 * time.Millisecond):
		}
		start := time.Now()
		var res struct{ Total uint64 }
		if code := getJSON(t, ts.URL+"/api/search?norm=g&limit=1", &res); code != 200 {
			t.Fatalf("search during the heal: status %d", code)
		}
		took := time.Since(start)
		slowest = max(slowest, took)
		if took > 2*time.Second {
			t.Errorf("a search took %v during the heal", took)
		}
		if res.Total < last {
			t.Fatalf("search saw %d passages after %d", res.Total, last)
		}
		last = res.Total
		requests++
	}
	t.Logf("%d searches during the heal, slowest %v", requests, slowest.Round(time.Millisecond))
	if last != 5000 {
		t.Fatalf("after the heal a search sees %d passages, want 5000", last)
	}
}
