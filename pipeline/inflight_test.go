package pipeline_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/pipeline"
	"github.com/normtag/normtag/pipeline/tag"
)

// countingExtractor extracts in process, taking a while as a child
// process would, and counts the extractions under way.
type countingExtractor struct {
	mu        sync.Mutex
	now, most int
	calls     int
	hold      time.Duration
}

func (e *countingExtractor) Extract(ctx context.Context, path string) (*corpus.Document, error) {
	e.mu.Lock()
	e.now++
	e.calls++
	e.most = max(e.most, e.now)
	e.mu.Unlock()
	defer func() {
		e.mu.Lock()
		e.now--
		e.mu.Unlock()
	}()
	time.Sleep(e.hold)
	return pipeline.UnsafeInProcess{}.Extract(ctx, path)
}

// With local extraction more files are in flight than Workers (one is
// tagged while the next is extracted), yet no more than Workers are
// extracted at once; OnExtracted is called once, after the last
// extraction and before Ingest returns, and every file is stored.
func TestIngestBoundsExtractionsAndSaysWhenDone(t *testing.T) {
	ctx := context.Background()
	const files = 12
	src, d := submissions(t, files)
	tagger, err := tag.Default()
	if err != nil {
		t.Fatal(err)
	}
	ex := &countingExtractor{hold: 20 * time.Millisecond}
	var done atomic.Int32
	var callsWhenDone, underWayWhenDone int
	sum, err := pipeline.Ingest(ctx, d, []string{src}, pipeline.IngestOptions{Tagger: tagger, Extractor: ex, Workers: 2, // text files this test wrote
		OnExtracted: func() {
			done.Add(1)
			ex.mu.Lock()
			callsWhenDone, underWayWhenDone = ex.calls, ex.now
			ex.mu.Unlock()
		}})
	if err != nil {
		t.Fatal(err)
	}
	if ex.most != 2 {
		t.Errorf("at most %d extractions at once, want 2 (Workers)", ex.most)
	}
	if n := done.Load(); n != 1 {
		t.Fatalf("OnExtracted called %d times before Ingest returned, want once", n)
	}
	if callsWhenDone != files || underWayWhenDone != 0 {
		t.Errorf("OnExtracted called after %d extractions with %d under way, want after all %d with none", callsWhenDone, underWayWhenDone, files)
	}
	if sum.Added != files {
		t.Fatalf("added %d, want %d", sum.Added, files)
	}
}
