package watch

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/normtag/normtag/corpus/sqlite"
	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/index"
	"github.com/normtag/normtag/internal/querylang"
)

// RetagTracker finds, for one retag run, the passages that start to match
// a watch because their tags changed: a passage that gains norm c now
// matches `--norm c`. Only watches whose matches depend on tags are
// checked (a norm filter, or norm: or direct: in the query); the others
// cannot gain a match by re-tagging.
//
// Which passages matched before the run is read from the index at the
// first change, before the run writes to it; once the index holds the
// new tags, Finish runs each of those watches over the changed documents
// and records the changed passages that match now and did not before. A
// match is never taken back when a passage loses a norm: as with ingest,
// a match stays recorded while its passage is stored. A retag that is
// cancelled still reports the documents it re-tagged; one killed before
// Finish does not.
// It belongs to the run's writing goroutine.
type RetagTracker struct {
	d       *datadir.Dir
	watches []Watch // those whose matches depend on tags
	reqs    []index.Request
	// before holds, per watch, the passages that matched it when the
	// run began (read at the first change).
	before  []map[index.PassageRef]bool
	started bool
	// changed holds the passages whose tags the run changed, docs
	// their documents.
	changed map[index.PassageRef]bool
	docs    []string
	all     []Watch // every watch, for the reports
}

// NewRetagTracker returns a tracker for a retag run over d.
func NewRetagTracker(ctx context.Context, d *datadir.Dir) (*RetagTracker, error) {
	ws, err := List(ctx, d.Store)
	if err != nil {
		return nil, err
	}
	t := &RetagTracker{d: d, all: ws, changed: map[index.PassageRef]bool{}}
	for _, w := range ws {
		req, err := w.Search.Request()
		if err != nil {
			return nil, fmt.Errorf("watch %s: %w", w.Name, err)
		}
		if dependsOnTags(w.Search) {
			t.watches = append(t.watches, w)
			t.reqs = append(t.reqs, req)
		}
	}
	return t, nil
}

// dependsOnTags reports whether re-tagging can change what s matches.
func dependsOnTags(s Search) bool {
	if len(s.Norms) > 0 || s.DirectOnly {
		return true
	}
	n, err := querylang.Parse(s.Query)
	if err != nil {
		return true // checked anyway: Request validated it
	}
	return namesTagField(n)
}

func namesTagField(n querylang.Node) bool {
	switch n := n.(type) {
	case *querylang.Term:
		return n.Field == index.FieldNorm || n.Field == index.FieldDirect
	case *querylang.Bool:
		for _, list := range [][]querylang.Node{n.Must, n.Should, n.MustNot} {
			if slices.ContainsFunc(list, namesTagField) {
				return true
			}
		}
	}
	return false
}

// Active reports whether the run has watch work to do.
func (t *RetagTracker) Active() bool { return t != nil && len(t.watches) > 0 }

// Changed records that the passages seqs of document docID get new tags.
// Call it before the store or the index is given them.
func (t *RetagTracker) Changed(ctx context.Context, docID string, seqs []int) error {
	if !t.Active() || len(seqs) == 0 {
		return nil
	}
	if !t.started {
		if err := t.readBefore(ctx); err != nil {
			return err
		}
		t.started = true
	}
	for _, s := range seqs {
		t.changed[index.PassageRef{DocID: docID, Seq: s}] = true
	}
	t.docs = append(t.docs, docID)
	return nil
}

// readBefore records what each watch matches in the index as it is
// before the run's first write.
func (t *RetagTracker) readBefore(ctx context.Context) error {
	ix, err := t.d.OpenIndex(ctx)
	if errors.Is(err, index.ErrMissing) {
		t.before = make([]map[index.PassageRef]bool, len(t.watches))
		return nil // nothing indexed: nothing matched
	}
	if err != nil {
		return fmt.Errorf("check watches before retag: %w", err)
	}
	defer ix.Close()
	ids, err := t.d.Store.DocumentIDs(ctx)
	if err != nil {
		return err
	}
	t.before = make([]map[index.PassageRef]bool, len(t.watches))
	for i, w := range t.watches {
		m := map[index.PassageRef]bool{}
		if err := ix.MatchingIn(ctx, t.reqs[i], ids, func(ref index.PassageRef) error {
			m[ref] = true
			return nil
		}); err != nil {
			return fmt.Errorf("watch %s: %w", w.Name, err)
		}
		t.before[i] = m
	}
	return nil
}

// Finish records, once the index holds the run's new tags, the changed
// passages that match a watch now and did not before, found at now. It
// returns one report per watch, by name; nil when there are no watches.
func (t *RetagTracker) Finish(ctx context.Context, now time.Time) ([]Report, error) {
	if t == nil || len(t.all) == 0 {
		return nil, nil
	}
	var matches []sqlite.WatchMatch
	if len(t.docs) > 0 {
		ix, err := t.d.OpenIndex(ctx)
		if err != nil {
			return nil, fmt.Errorf("check re-tagged passages against watches: %w", err)
		}
		docs := slices.Compact(slices.Sorted(slices.Values(t.docs)))
		matches, err = matchEach(ctx, ix, t.watches, t.reqs, docs, now, func(i int, ref index.PassageRef) bool {
			return t.changed[ref] && !t.before[i][ref]
		})
		ix.Close()
		if err != nil {
			return nil, err
		}
	}
	added, err := t.d.Store.FinishWatchPending(ctx, matches, nil)
	if err != nil {
		return nil, err
	}
	return reports(t.all, added, now), nil
}
