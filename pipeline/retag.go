package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/internal/batchgc"
	"github.com/normtag/normtag/internal/watch"
	"github.com/normtag/normtag/pipeline/tag"
)

// RetagSummary says what re-tagging changed.
type RetagSummary struct {
	Documents int `json:"documents"` // documents re-tagged
	// Changed counts re-tagged documents whose tags changed: only these
	// are written to the store and the index.
	Changed  int `json:"changed"`
	Skipped  int `json:"skipped"` // already tagged by this rules version
	Passages int `json:"passages"`
	// Added and Removed count, per norm, passages that gained or lost it.
	Added        map[string]int `json:"added"`
	Removed      map[string]int `json:"removed"`
	RulesVersion string         `json:"rules_version"`
	Duration     time.Duration  `json:"duration_ns"`
	// DryRun says nothing was written: the figures are what a real run
	// would change.
	DryRun bool `json:"dry_run,omitempty"`
	// Examples holds, per norm, a few passages that gained or lost it.
	Examples map[string]*RetagExamples `json:"examples,omitempty"`
	// Watches says, per saved search, how many passages the new tags
	// made match it (watch.RetagTracker); absent when there are none.
	Watches []watch.Report `json:"watches,omitempty"`
	// NotRetagged lists the documents the batch tagger could not tag
	// (see NotTaggedError): they keep their stored tags and rules
	// version, and are not counted in Documents or Passages.
	NotRetagged []NotRetagged `json:"not_retagged,omitempty"`
}

// NotRetagged is a document a run could not re-tag, and why.
type NotRetagged struct {
	Doc      string `json:"doc"`
	Title    string `json:"title"`
	Passages int    `json:"passages"`
	Reason   string `json:"reason"`
}

// RetagExamples are sample passages that gained (Added) or lost (Removed)
// a norm, the first found in document order.
type RetagExamples struct {
	Added   []RetagExample `json:"added,omitempty"`
	Removed []RetagExample `json:"removed,omitempty"`
}

// RetagExample is one passage whose norms changed.
type RetagExample struct {
	Doc     string   `json:"doc"`
	Title   string   `json:"title"`
	Page    int      `json:"page"`
	Passage int      `json:"passage"`
	Text    string   `json:"text"`
	Before  []string `json:"before"`
	After   []string `json:"after"`
}

// DefaultRetagExamples is how many passages per norm and direction a
// summary shows when RetagOptions.Examples is 0.
const DefaultRetagExamples = 3

// RetagOptions configures Retag.
type RetagOptions struct {
	// All re-tags documents already tagged by this rules version too.
	All bool
	// DryRun tags and counts but writes nothing, to the store or the
	// index: the summary says what a real run would change.
	DryRun bool
	// Examples is how many passages per norm and direction the summary
	// keeps (0: DefaultRetagExamples; negative: none).
	Examples int
	Logger   *slog.Logger
	// Batches, when set, tags the documents (in batches, on workers:
	// retag --nats) instead of the tagger given to Retag, which still
	// names the rules version; see retagbatch.go.
	Batches BatchTagger
}

// Retag re-tags every stored passage with tagger, without re-extracting,
// and updates the index. Each document's tags are replaced in one
// transaction; an interrupted run leaves some documents on the old rules
// and is finished by running again. A document whose tags come out the
// same is not written at all (only its rules version, when that changed),
// so re-tagging with rules that change little costs little more than
// reading and tagging.
func Retag(ctx context.Context, d *datadir.Dir, tagger *tag.Tagger, opts RetagOptions) (*RetagSummary, error) {
	return RetagLoading(ctx, d, func() (*tag.Tagger, error) { return tagger, nil }, opts)
}

// RetagLoading is Retag with a tagger that is still being loaded (read
// from the compiled-rules cache, or built): load waits for it. Reading
// the store starts at once and each document waits for the tagger only
// once read, so that loading the rules, which takes a run of the
// command a few milliseconds, and reading overlap. When load fails,
// nothing is written and its error is returned. load has returned when
// RetagLoading does, whatever happened.
func RetagLoading(ctx context.Context, d *datadir.Dir, load func() (*tag.Tagger, error), opts RetagOptions) (*RetagSummary, error) {
	// A few documents are in flight at a time, whatever the corpus.
	defer batchgc.TuneBounded()()
	start := time.Now()
	load = sync.OnceValues(load)
	// It may use the data directory, which the caller closes next.
	defer load()
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	sum := &RetagSummary{Added: map[string]int{}, Removed: map[string]int{}, DryRun: opts.DryRun, Examples: map[string]*RetagExamples{}}
	// The rules version is known once the tagger is loaded, which it is
	// by the time a document reaches the comparison below: each was
	// tagged, or found up to date, by it.
	known := false
	version := func() string {
		if t, err := load(); err == nil && !known {
			sum.RulesVersion, known = t.Version(), true
		}
		return sum.RulesVersion
	}
	keep := opts.Examples
	if keep == 0 {
		keep = DefaultRetagExamples
	}
	// Writes must not be torn by cancellation; the run stops between
	// documents.
	wctx := context.WithoutCancel(ctx)
	var ixw *datadir.IndexWriter
	var watches *watch.RetagTracker
	if !opts.DryRun {
		var err error
		if ixw, err = d.NewIndexWriter(); err != nil {
			return nil, fmt.Errorf("retag: %w", err)
		}
		if watches, err = watch.NewRetagTracker(ctx, d); err != nil {
			return nil, fmt.Errorf("retag: %w", err)
		}
	}
	// Documents whose tags did not change but whose rules version did are
	// recorded in batches: one transaction each, not one per document.
	var sameTags []string
	recordSame := func() error {
		if opts.DryRun || len(sameTags) == 0 {
			sameTags = sameTags[:0]
			return nil
		}
		err := d.Store.SetRulesVersion(wctx, sameTags, version())
		sameTags = sameTags[:0]
		return err
	}
	judged, err := d.Store.JudgedDocuments(ctx)
	if err != nil {
		return nil, fmt.Errorf("retag: %w", err)
	}
	// Reading the store, tagging and comparing overlap: one goroutine
	// reads the documents, workers tag them, and this one takes them in
	// the store's order, so that counts, examples and writes are those of
	// a run one document at a time.
	err = eachSource(opts)(ctx, d, load, opts.All, func(it *retagged) error {
		if it.skipped {
			sum.Skipped++
			return nil
		}
		if it.notTagged != "" {
			// Nothing is written: its stored tags stay, and so does its
			// rules version, which makes the next run try it again.
			sum.NotRetagged = append(sum.NotRetagged, NotRetagged{Doc: it.doc.ID, Title: it.doc.Title, Passages: len(it.doc.Passages), Reason: it.notTagged})
			log.Warn("not re-tagged: its stored tags are kept", "doc", it.doc.ID, "why", it.notTagged)
			return nil
		}
		doc, old := it.doc, it.old
		sum.Documents++
		sum.Passages += len(doc.Passages)
		// The store holds the tags passages carry once analysts' judgements
		// override the rules: compare like with like.
		carried, changed, err := applyJudgements(ctx, d, doc, judged[doc.ID])
		if err != nil {
			return err
		}
		var seqs []int // passages whose tags change, for the watches
		for i, p := range carried {
			if tagsEqual(old[i], p.Tags) {
				continue
			}
			changed = true
			seqs = append(seqs, p.Seq)
			before := make(map[string]bool, len(old[i]))
			for _, t := range old[i] {
				before[t.Norm] = true
			}
			after := make(map[string]bool, len(p.Tags))
			for _, t := range p.Tags {
				after[t.Norm] = true
				if !before[t.Norm] {
					sum.Added[t.Norm]++
					sum.example(keep, t.Norm, true, doc, p, old[i])
				}
			}
			for _, t := range old[i] {
				if !after[t.Norm] {
					sum.Removed[t.Norm]++
					sum.example(keep, t.Norm, false, doc, p, old[i])
				}
			}
		}
		if !changed {
			if doc.RulesVersion != version() {
				sameTags = append(sameTags, doc.ID)
				if len(sameTags) >= sameTagsBatch {
					return recordSame()
				}
			}
			return nil
		}
		sum.Changed++
		if opts.DryRun {
			return nil
		}
		if err := watches.Changed(wctx, doc.ID, seqs); err != nil {
			return err
		}
		if err := d.Store.ReplaceTags(wctx, doc.ID, doc.Passages, version()); err != nil {
			return err
		}
		log.Debug("retagged", "doc", doc.ID, "passages", len(doc.Passages))
		return ixw.Add(wctx, doc)
	})
	if _, lerr := load(); lerr != nil {
		// No document reached the comparison: nothing was written.
		return nil, lerr
	}
	version()
	if rerr := recordSame(); rerr != nil && err == nil {
		err = rerr
	}
	if ixw != nil {
		ferr := ixw.Flush(wctx)
		if ferr != nil && err == nil {
			err = ferr
		}
		// The index now holds what was re-tagged, by a run stopped
		// early too: the watches are told of it.
		if ferr == nil {
			var werr error
			if sum.Watches, werr = watches.Finish(wctx, time.Now()); werr != nil && err == nil {
				err = werr
			}
		}
	}
	sum.Duration = time.Since(start)
	if err != nil {
		return sum, fmt.Errorf("retag: %w", err)
	}
	return sum, nil
}

// retagged is a stored document re-tagged by eachTagged: its passages
// carry the new tags, old the ones stored. skipped says it was already
// tagged by the rules version and is left alone.
type retagged struct {
	id      string
	doc     *corpus.Document
	old     [][]corpus.Tag
	skipped bool
	// notTagged says why the batch tagger could not tag it (see
	// NotTaggedError); its passages then carry no tags, and nothing of
	// it is written.
	notTagged string
	gone      bool          // deleted since the ids were listed
	err       error         // reading it failed
	done      chan struct{} // closed once read and tagged
}

// eachTagged reads every stored document with its passages and re-tags
// those that need it (all when all is set), both on as many goroutines as
// there are CPUs, and calls fn with each in the store's order. Reading a
// document's passages costs about as much as tagging them, so one reader
// would leave the other cores idle. Readers and taggers are apart, so
// that reading goes on while the tagger is still being loaded. fn runs
// on the caller's goroutine; its error stops the run and is returned.
// Cancelling ctx stops the run between two documents.
func eachTagged(ctx context.Context, d *datadir.Dir, load func() (*tag.Tagger, error), all bool, fn func(*retagged) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ids, err := d.Store.DocumentIDs(ctx)
	if err != nil {
		return err
	}
	workers := runtime.NumCPU()
	// A few documents in flight per worker keep every stage busy while
	// bounding memory to some documents' passages.
	ordered := make(chan *retagged, 4*workers)
	work := make(chan *retagged, 4*workers)
	go func() {
		defer close(ordered)
		defer close(work)
		for _, id := range ids {
			it := &retagged{id: id, done: make(chan struct{})}
			select {
			case work <- it:
			case <-ctx.Done():
				return
			}
			select {
			case ordered <- it:
			case <-ctx.Done():
				return
			}
		}
	}()
	read := make(chan *retagged, workers)
	var readers, taggers sync.WaitGroup
	for range workers {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for it := range work {
				readDocument(ctx, d, it)
				read <- it
			}
		}()
		taggers.Add(1)
		go func() {
			defer taggers.Done()
			for it := range read {
				retagDocument(load, all, it)
				close(it.done)
			}
		}()
	}
	go func() {
		readers.Wait()
		close(read)
	}()
	for it := range ordered {
		if err != nil {
			continue // draining, so that the workers can finish
		}
		<-it.done
		switch {
		case it.gone:
			continue
		case it.err != nil:
			err = it.err
		default:
			if err = ctx.Err(); err == nil {
				err = fn(it)
			}
		}
		if err != nil {
			cancel()
		}
	}
	taggers.Wait()
	if err == nil {
		err = ctx.Err()
	}
	return err
}

// readDocument loads it's document with its passages.
func readDocument(ctx context.Context, d *datadir.Dir, it *retagged) {
	doc, err := d.Store.Document(ctx, it.id, corpus.WithPassages)
	switch {
	case errors.Is(err, corpus.ErrNotFound):
		it.gone = true
	case err != nil:
		it.err = err
	default:
		it.doc = doc
	}
}

// retagDocument, unless it's document is already tagged by the tagger's
// rules version and all is unset, keeps its stored tags in it.old and
// tags its passages anew, once the tagger is loaded.
func retagDocument(load func() (*tag.Tagger, error), all bool, it *retagged) {
	if it.doc == nil {
		return // gone, or not read
	}
	doc := it.doc
	tagger, err := load()
	if err != nil {
		it.err = err
		return
	}
	if doc.RulesVersion == tagger.Version() && !all {
		it.skipped = true
		return
	}
	it.setAside()
	tagger.Tag(doc.Passages)
}

// setAside keeps the tags stored on it's passages in it.old and takes
// them off the passages, which are then tagged anew.
func (it *retagged) setAside() {
	it.old = make([][]corpus.Tag, len(it.doc.Passages))
	for i := range it.doc.Passages {
		it.old[i] = it.doc.Passages[i].Tags
		it.doc.Passages[i].Tags = nil
	}
}

// example keeps passage p of doc as an example of norm gaining (added)
// or losing it, while fewer than keep are kept.
func (s *RetagSummary) example(keep int, norm string, added bool, doc *corpus.Document, p corpus.Passage, old []corpus.Tag) {
	ex := s.Examples[norm]
	if ex == nil {
		ex = &RetagExamples{}
		s.Examples[norm] = ex
	}
	list := &ex.Removed
	if added {
		list = &ex.Added
	}
	if len(*list) >= keep {
		return
	}
	before := make([]string, len(old))
	for i, t := range old {
		before[i] = t.Norm
	}
	*list = append(*list, RetagExample{Doc: doc.ID, Title: doc.Title, Page: p.Page, Passage: p.Seq, Text: p.Text, Before: before, After: p.Norms()})
}

// sameTagsBatch is the most unchanged documents whose new rules version
// is recorded in one transaction.
const sameTagsBatch = 512

// tagsEqual reports whether two tag lists are the same, in the same order,
// down to scores and evidence: only then may a document keep what the
// store and the index hold.
func tagsEqual(a, b []corpus.Tag) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.Norm != y.Norm || x.Score != y.Score || x.Inherited != y.Inherited || len(x.Evidence) != len(y.Evidence) {
			return false
		}
		for j := range x.Evidence {
			if x.Evidence[j] != y.Evidence[j] {
				return false
			}
		}
	}
	return true
}

// applyJudgements returns the tags doc's passages (as the rules tagged
// them) carry once the store applies the analysts' judgements on them,
// and whether what the judgements record of the rules changes, which
// must then be stored even if the carried tags stay the same.
func applyJudgements(ctx context.Context, d *datadir.Dir, doc *corpus.Document, judged bool) ([]corpus.Passage, bool, error) {
	if !judged {
		return doc.Passages, false, nil
	}
	js, err := d.Store.Judgements(ctx, doc.ID)
	if err != nil {
		return nil, false, err
	}
	before := make([]corpus.Judgement, len(js))
	for i, j := range js {
		before[i] = *j
	}
	carried := slices.Clone(doc.Passages)
	corpus.JudgePassages(carried, js)
	for i, j := range js {
		b := before[i]
		if b.Seq != j.Seq || (b.RuleTag == nil) != (j.RuleTag == nil) || b.RuleTag != nil && !tagsEqual([]corpus.Tag{*b.RuleTag}, []corpus.Tag{*j.RuleTag}) {
			return carried, true, nil
		}
	}
	return carried, false, nil
}
