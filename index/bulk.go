package index

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
)

// asyncErrors names, in scorch's registry, the callback through which a
// bulk index learns that writing or merging its segments failed: with
// unsafe batches no batch waits for its segment file, so no batch
// returns that error.
const asyncErrors = "normtag-bulk"

// bulkIndexes are the open bulk indexes, by directory, for the callback.
var bulkIndexes sync.Map // string -> *bulkState

func init() {
	scorch.RegistryAsyncErrorCallbacks[asyncErrors] = func(err error, path string) {
		// scorch's path is a folder inside the index directory.
		bulkIndexes.Range(func(dir, st any) bool {
			if d := dir.(string); path == d || strings.HasPrefix(path, d+string(filepath.Separator)) {
				st.(*bulkState).fail(err)
				return false
			}
			return true
		})
	}
}

// bulkState counts a bulk index's batches whose segment files are not
// yet written and synced, and keeps the first error scorch reports
// writing them.
type bulkState struct {
	dir     string
	mu      sync.Mutex
	pending int
	err     error
	changed chan struct{} // signalled when pending falls or err is set
}

func newBulkState(dir string) *bulkState {
	st := &bulkState{dir: filepath.Clean(dir), changed: make(chan struct{}, 1)}
	bulkIndexes.Store(st.dir, st)
	return st
}

// add counts one more unwritten batch; the function returned marks it
// written (a second call does nothing).
func (st *bulkState) add() (written func()) {
	st.mu.Lock()
	st.pending++
	st.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			st.mu.Lock()
			st.pending--
			st.mu.Unlock()
			st.signal()
		})
	}
}

func (st *bulkState) fail(err error) {
	st.mu.Lock()
	if st.err == nil {
		st.err = err
	}
	st.mu.Unlock()
	st.signal()
}

func (st *bulkState) signal() {
	select {
	case st.changed <- struct{}{}:
	default:
	}
}

func (st *bulkState) forget() { bulkIndexes.Delete(st.dir) }

// WaitWritten waits until every batch applied to a bulk index (see
// OpenOptions.Bulk) has been written to its segment file and synced,
// with the root file naming them, and returns the first error scorch
// reported writing or merging them, or ctx's error. On an index opened
// without Bulk it returns at once.
func (ix *Index) WaitWritten(ctx context.Context) error {
	st := ix.bulk
	if st == nil {
		return nil
	}
	for {
		st.mu.Lock()
		pending, err := st.pending, st.err
		st.mu.Unlock()
		switch {
		case err != nil:
			return fmt.Errorf("write index %s: %w", ix.dir, err)
		case pending == 0:
			return nil
		}
		select {
		case <-st.changed:
		case <-ctx.Done():
			return fmt.Errorf("write index %s: %w", ix.dir, context.Cause(ctx))
		}
	}
}
