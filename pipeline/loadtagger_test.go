package pipeline_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/pipeline"
	"github.com/normtag/normtag/pipeline/tag"
)

// announcingExtractor extracts in process and closes started at its
// first extraction.
type announcingExtractor struct {
	once    sync.Once
	started chan struct{}
}

func (e *announcingExtractor) Extract(ctx context.Context, path string) (*corpus.Document, error) {
	e.once.Do(func() { close(e.started) })
	return pipeline.UnsafeInProcess{}.Extract(ctx, path)
}

// TestIngestExtractsWhileTheTaggerIsBuilt: with LoadTagger, extraction
// starts before the tagger is ready. A tagger that cannot be built ends
// the run with its error and nothing written, not even a failure; once
// it can, the same files are stored and tagged by it.
func TestIngestExtractsWhileTheTaggerIsBuilt(t *testing.T) {
	ctx := context.Background()
	src, d := submissions(t, 3)
	tagger, err := tag.Default()
	if err != nil {
		t.Fatal(err)
	}
	// afterExtraction waits for the first extraction (at most a while,
	// so that a run that waits for the tagger first fails rather than
	// hangs) before it gives the tagger or err.
	afterExtraction := func(ex *announcingExtractor, err error) func() (*tag.Tagger, error) {
		return func() (*tag.Tagger, error) {
			select {
			case <-ex.started:
			case <-time.After(30 * time.Second):
				t.Error("no extraction started before the tagger was ready")
			}
			if err != nil {
				return nil, err
			}
			return tagger, nil
		}
	}

	errRules := errors.New("rules cannot be built")
	ex := &announcingExtractor{started: make(chan struct{})}
	sum, err := pipeline.Ingest(ctx, d, []string{src}, pipeline.IngestOptions{LoadTagger: afterExtraction(ex, errRules), Extractor: ex}) // text files this test wrote
	if !errors.Is(err, errRules) {
		t.Fatalf("Ingest = %v, %v; want the tagger's error", sum, err)
	}
	ids, err := d.Store.DocumentIDs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	failures, err := d.Store.Failures(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 0 || len(failures) != 0 {
		t.Fatalf("a run without a tagger stored %d documents and %d failures", len(ids), len(failures))
	}

	ex = &announcingExtractor{started: make(chan struct{})}
	sum, err = pipeline.Ingest(ctx, d, []string{src}, pipeline.IngestOptions{LoadTagger: afterExtraction(ex, nil), Extractor: ex}) // text files this test wrote
	if err != nil {
		t.Fatal(err)
	}
	if sum.Added != 3 || sum.RulesVersion != tagger.Version() || sum.Norms["f"] == 0 {
		t.Fatalf("added %d, rules %s, norm (f) passages %d; want 3 documents tagged by rules %s", sum.Added, sum.RulesVersion, sum.Norms["f"], tagger.Version())
	}
}

// submissions writes n short text submissions into a new folder and
// opens a new data directory for writing (closed when the test ends).
func submissions(t *testing.T, n int) (src string, d *datadir.Dir) {
	t.Helper()
	src = t.TempDir()
	for i := range n {
		text := fmt.Sprintf("Submission %d\n\nStates should not conduct or knowingly support ICT activity that damages critical infrastructure.\n", i)
		if err := os.WriteFile(filepath.Join(src, fmt.Sprintf("sub-%02d.txt", i)), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	d, err := datadir.Open(context.Background(), t.TempDir(), datadir.Options{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return src, d
}
