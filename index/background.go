package index

import (
	"sync/atomic"

	"github.com/blevesearch/bleve/v2/index/scorch"
)

// Busy reports whether the index is still persisting or merging segment
// files after its last change. Closing it then aborts that work, which
// the next writer to open it starts over.
func (ix *Index) Busy() bool {
	adv, err := ix.bi.Advanced()
	if err != nil {
		return false
	}
	sc, ok := adv.(*scorch.Scorch)
	if !ok {
		return false
	}
	st, ok := sc.Stats().(*scorch.Stats)
	if !ok {
		return false
	}
	// bleve's own test of this (index_bgthreads_active in its stats map,
	// which costs a walk over every segment to build).
	root := atomic.LoadUint64(&st.CurRootEpoch)
	return atomic.LoadUint64(&st.LastMergedEpoch) != root || atomic.LoadUint64(&st.LastPersistedEpoch) != root
}
