package pipeline

import (
	"slices"
	"strings"
	"sync"
)

// copyOrder makes the identical files of one run store their document
// under the first of their paths, as the store names a document (its
// lexicographically first path), whatever order their extractions finish
// in: a document's file name, title, sidecar metadata and indexed path
// come from the file that stored it, so that must not be a race.
//
// The candidates are handed out in path order. A worker reports each
// file's hash as soon as it knows it (hashed), long before its analysis
// ends. The writer hands a new document to the store only once every file
// before it has reported, and, when an earlier file has the same bytes,
// once that file has been handled (stored, or failed): the document is
// then stored by the first file that could store it, and the later
// copies only add their paths. Files that store nothing new (unchanged,
// already stored, failed) never wait.
type copyOrder struct {
	mu sync.Mutex
	// pos is each candidate's place in path order.
	pos map[string]int
	// settled marks the places whose hash is known, or that will not be
	// hashed; every place below low is settled.
	settled []bool
	low     int
	// sums is the hash each place reported.
	sums []string
	// first is the first place holding each hash.
	first map[string]int
	// handled marks the places the writer has handled.
	handled []bool
	// waiting are the new documents not yet free to be stored.
	waiting []work
}

// sortCandidates puts cands in path order, the order copyOrder expects
// them handed out in.
func sortCandidates(cands []Candidate) {
	slices.SortFunc(cands, func(a, b Candidate) int { return strings.Compare(a.Path, b.Path) })
}

// newCopyOrder tracks cands, which sortCandidates has sorted.
func newCopyOrder(cands []Candidate) *copyOrder {
	o := &copyOrder{pos: make(map[string]int, len(cands)), settled: make([]bool, len(cands)),
		sums: make([]string, len(cands)), handled: make([]bool, len(cands)), first: map[string]int{}}
	for i, c := range cands {
		o.pos[c.Path] = i
	}
	return o
}

// hashed records the hash of the file at path, "" when it was not hashed
// (unchanged, failed before, cancelled). Each file reports once.
func (o *copyOrder) hashed(path, sum string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	p, ok := o.pos[path]
	if !ok {
		return
	}
	o.settled[p], o.sums[p] = true, sum
	if f, ok := o.first[sum]; sum != "" && (!ok || p < f) {
		o.first[sum] = p
	}
	for o.low < len(o.settled) && o.settled[o.low] {
		o.low++
	}
}

// admit takes items from the workers and returns those the writer may
// handle now; the others wait for a later admit or done.
func (o *copyOrder) admit(items []work) []work {
	o.mu.Lock()
	defer o.mu.Unlock()
	var free []work
	for _, it := range items {
		if o.mayStore(it) {
			free = append(free, it)
		} else {
			o.waiting = append(o.waiting, it)
		}
	}
	return append(free, o.release()...)
}

// done records items the writer has handled and returns the waiting
// items that this frees.
func (o *copyOrder) done(items []work) []work {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, it := range items {
		if p, ok := o.pos[it.cand.Path]; ok {
			o.handled[p] = true
		}
	}
	return o.release()
}

// rest returns every item still waiting, in path order: once the workers
// are done, they wait only for files a cancelled run never reached.
func (o *copyOrder) rest() []work {
	o.mu.Lock()
	defer o.mu.Unlock()
	rest := o.waiting
	o.waiting = nil
	slices.SortFunc(rest, func(a, b work) int { return strings.Compare(a.cand.Path, b.cand.Path) })
	return rest
}

// release takes the waiting items that may now be stored out of waiting.
func (o *copyOrder) release() []work {
	var free []work
	kept := o.waiting[:0]
	for _, it := range o.waiting {
		if o.mayStore(it) {
			free = append(free, it)
		} else {
			kept = append(kept, it)
		}
	}
	o.waiting = kept
	return free
}

// mayStore reports whether the writer may handle it now.
func (o *copyOrder) mayStore(it work) bool {
	p, ok := o.pos[it.cand.Path]
	if !ok || it.doc == nil || it.err != nil || it.known || it.same || it.failedBefore != nil {
		return true // stores no new document
	}
	if o.low < p {
		return false // an earlier file may still turn out to hold the same bytes
	}
	// The hash reported, not the document's id: a file rewritten
	// between its hashing and its extraction is compared as hashed.
	f, ok := o.first[o.sums[p]]
	return !ok || f == p || o.handled[f]
}
