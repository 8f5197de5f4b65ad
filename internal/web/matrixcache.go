package web

import (
	"slices"
	"strings"
	"sync"

	"github.com/normtag/normtag/index"
	"github.com/normtag/normtag/internal/matrix"
)

// matrixCache keeps the compare, timeline and coverage matrices computed
// while the index handle was open, by filter: the handle's contents
// never change while it is open (a writer commits only once every
// handle is closed, see datadir.IndexReader), so a matrix holds until
// the handle is replaced, which empties the cache. A matrix costs a scan
// of every passage its filter keeps (coverage: of every tag in the
// store); asked again, nothing. Search engines keep aggregation results
// the same way, per index snapshot.
type matrixCache struct {
	mu      sync.Mutex
	ix      *index.Index
	entries map[string]*matrix.Matrix
	order   []string // oldest first
}

// matrixCacheSize bounds the matrices kept; each is a few kilobytes.
const matrixCacheSize = 64

func matrixKey(kind string, f matrix.Filter) string {
	kinds := make([]string, len(f.Kinds))
	for i, k := range f.Kinds {
		kinds[i] = string(k)
	}
	return strings.Join([]string{kind, strings.Join(kinds, ","), f.Since, f.Until, strings.Join(f.Langs, "\x01"), strings.Join(f.Submitters, "\x01")}, "\x00")
}

// get returns a copy of the matrix kept for ix and key, whose rows the
// caller may sort, or nil.
func (c *matrixCache) get(ix *index.Index, key string) *matrix.Matrix {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := c.entries[key]
	if c.ix != ix || m == nil {
		return nil
	}
	cp := *m
	cp.Rows = slices.Clone(m.Rows)
	return &cp
}

// put keeps a copy of m for ix and key.
func (c *matrixCache) put(ix *index.Index, key string, m *matrix.Matrix) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ix != ix {
		c.ix, c.entries, c.order = ix, map[string]*matrix.Matrix{}, nil
	}
	if _, ok := c.entries[key]; ok {
		return
	}
	cp := *m
	cp.Rows = slices.Clone(m.Rows)
	c.entries[key] = &cp
	c.order = append(c.order, key)
	if len(c.order) > matrixCacheSize {
		delete(c.entries, c.order[0])
		c.order = c.order[1:]
	}
}
