package watch

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/corpus/sqlite"
	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/index"
)

// Tracker finds, for one ingest run, the passages new to the corpus and
// records them as pending for Percolate. It does nothing when the data
// directory has no watches. It belongs to the run's writer goroutine.
type Tracker struct {
	d      *datadir.Dir
	active bool
	// runNew holds the copy keys found new earlier in this run: once
	// their documents are indexed the index knows them, but they were
	// new to the corpus as it was before the run.
	runNew map[uint64]bool
}

// NewTracker returns a tracker for an ingest run into d.
func NewTracker(ctx context.Context, d *datadir.Dir) (*Tracker, error) {
	active, err := d.Store.HasWatches(ctx)
	if err != nil {
		return nil, err
	}
	return &Tracker{d: d, active: active, runNew: map[uint64]bool{}}, nil
}

// Active reports whether the run has watch work to do.
func (t *Tracker) Active() bool { return t != nil && t.active }

// BeforeStore finds the passages of docs, about to be stored, whose text
// is new to the corpus and records them as pending, before the documents
// are stored (so a stored document always has its pending row; a row
// whose document is never stored is dropped later).
func (t *Tracker) BeforeStore(ctx context.Context, docs []*corpus.Document) error {
	if !t.Active() || len(docs) == 0 {
		return nil
	}
	// Each passage's copy key, and the keys the index must be asked about:
	// those not already found new earlier in the run.
	keys := make([][]uint64, len(docs))
	hexKeys := map[uint64]string{}
	var ask []string
	for i, doc := range docs {
		keys[i] = make([]uint64, len(doc.Passages))
		for j, p := range doc.Passages {
			k := index.CopyKey(p.Text)
			n, _ := strconv.ParseUint(k, 16, 64)
			keys[i][j] = n
			if _, seen := hexKeys[n]; !seen {
				hexKeys[n] = k
				if !t.runNew[n] {
					ask = append(ask, k)
				}
			}
		}
	}
	known, err := t.known(ctx, ask)
	if err != nil {
		return err
	}
	pending := map[string][]int{}
	for i, doc := range docs {
		seqs := []int{}
		for j, p := range doc.Passages {
			n := keys[i][j]
			if known[hexKeys[n]] {
				continue
			}
			t.runNew[n] = true
			seqs = append(seqs, p.Seq)
		}
		pending[doc.ID] = seqs
	}
	return t.d.Store.AddWatchPending(ctx, pending)
}

// known looks keys up in the live index; with no index yet nothing is
// known.
func (t *Tracker) known(ctx context.Context, keys []string) (map[string]bool, error) {
	if len(keys) == 0 {
		return map[string]bool{}, nil
	}
	ix, err := t.d.OpenIndex(ctx)
	if errors.Is(err, index.ErrMissing) {
		return map[string]bool{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("check passages against watches: %w", err)
	}
	defer ix.Close()
	return ix.KnownCopies(ctx, keys, nil)
}

// Report is what one ingest found for one watch.
type Report struct {
	Watch string `json:"watch"`
	// New counts the passages new to the corpus that match the watch.
	New int `json:"new"`
	// FoundAt is when they were recorded: /api/watches/NAME/new with a
	// since just before it lists them.
	FoundAt time.Time `json:"found_at"`
}

// Percolate checks every pending passage (see Tracker) against every
// watch and records the matches, found at now. Run it once the index
// holds the pending documents (after the run's last commit and heal).
// It returns one report per watch, by name; nil when there are no
// watches.
func Percolate(ctx context.Context, d *datadir.Dir, now time.Time) ([]Report, error) {
	ws, err := List(ctx, d.Store)
	if err != nil {
		return nil, err
	}
	pending, err := d.Store.WatchPending(ctx)
	if err != nil {
		return nil, err
	}
	docs := make([]string, 0, len(pending))
	for id := range pending {
		docs = append(docs, id)
	}
	slices.Sort(docs)
	var matches []sqlite.WatchMatch
	if len(ws) > 0 && len(docs) > 0 {
		if matches, err = match(ctx, d, ws, pending, docs, now); err != nil {
			return nil, err
		}
	}
	added, err := d.Store.FinishWatchPending(ctx, matches, docs)
	if err != nil {
		return nil, err
	}
	if len(ws) == 0 {
		return nil, nil
	}
	return reports(ws, added, now), nil
}

// reports gives one report per watch of ws, with the matches
// FinishWatchPending added for it, found at now.
func reports(ws []Watch, added map[string]int, now time.Time) []Report {
	out := make([]Report, len(ws))
	for i, w := range ws {
		out[i] = Report{Watch: w.Name, New: added[w.Name], FoundAt: now.UTC()}
	}
	return out
}

// match runs each watch once over the pending documents and keeps the
// hits that are pending passages.
func match(ctx context.Context, d *datadir.Dir, ws []Watch, pending map[string][]int, docs []string, now time.Time) ([]sqlite.WatchMatch, error) {
	isNew := map[index.PassageRef]bool{}
	for doc, seqs := range pending {
		for _, s := range seqs {
			isNew[index.PassageRef{DocID: doc, Seq: s}] = true
		}
	}
	if len(isNew) == 0 {
		return nil, nil
	}
	ix, err := d.OpenIndex(ctx)
	if err != nil {
		return nil, fmt.Errorf("check new passages against watches: %w", err)
	}
	defer ix.Close()
	reqs := make([]index.Request, len(ws))
	for i, w := range ws {
		if reqs[i], err = w.Search.Request(); err != nil {
			return nil, fmt.Errorf("watch %s: %w", w.Name, err)
		}
	}
	return matchEach(ctx, ix, ws, reqs, docs, now, func(_ int, ref index.PassageRef) bool { return isNew[ref] })
}

// matchEach runs each watch of ws (its request reqs[i]) once over the
// passages of docs in ix and returns, as matches found at now, those that
// keep accepts for that watch.
func matchEach(ctx context.Context, ix *index.Index, ws []Watch, reqs []index.Request, docs []string, now time.Time, keep func(i int, ref index.PassageRef) bool) ([]sqlite.WatchMatch, error) {
	var out []sqlite.WatchMatch
	for i, w := range ws {
		err := ix.MatchingIn(ctx, reqs[i], docs, func(ref index.PassageRef) error {
			if keep(i, ref) {
				out = append(out, sqlite.WatchMatch{Watch: w.Name, DocID: ref.DocID, Seq: ref.Seq, At: now.UTC()})
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("watch %s: %w", w.Name, err)
		}
	}
	return out, nil
}
