package pipeline

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/pipeline/tag"
)

// BatchTagger tags documents somewhere other than in this process (on
// workers, for retag --nats), a batch of documents at a time. Retag still
// compares and writes here, in the store's order: only the tagging moves.
type BatchTagger interface {
	// TagBatch sets the Tags of every passage of docs (they come with
	// none) to what the run's tagger would set, or fails and sets none.
	// A *NotTaggedError instead says that it tagged every document but
	// those it names. Several batches may be out at once
	// (BatchLimits.InFlight).
	TagBatch(ctx context.Context, docs []*corpus.Document) error
	// BatchLimits bounds one batch and says how many may be out at once.
	BatchLimits() BatchLimits
}

// BatchLimits bound the batches Retag hands a BatchTagger.
type BatchLimits struct {
	// Docs is the most documents in one batch.
	Docs int
	// Bytes is the most passage text in one batch; a document with more
	// goes alone.
	Bytes int
	// InFlight is how many batches may be out at once.
	InFlight int
}

// NotTaggedError is what TagBatch returns when it tagged every document
// of the batch but some that could not be tagged (on workers: tagging
// them kept killing the worker processes). Retag keeps those documents'
// stored tags and rules version, so that a later run tries them again,
// lists them in RetagSummary.NotRetagged and goes on with the rest.
type NotTaggedError struct {
	// Why holds, by document id, why that document was not tagged.
	Why map[string]string
}

func (e *NotTaggedError) Error() string {
	return fmt.Sprintf("%d document(s) could not be tagged", len(e.Why))
}

// Defaults of BatchLimits' zero fields.
const (
	defaultBatchDocs     = 64
	defaultBatchBytes    = 1 << 20
	defaultBatchInFlight = 8
	// batchItems bounds the documents of one batch, skipped ones (already
	// tagged by the rules version) included, so that a long run of
	// skipped documents does not pile up in memory.
	batchItems = 512
)

// BatchBytes is what a document counts against BatchLimits.Bytes: its
// passages' text and a little for the rest of each passage.
func BatchBytes(doc *corpus.Document) int {
	n := 0
	for i := range doc.Passages {
		n += len(doc.Passages[i].Text) + 64
	}
	return n
}

// eachSource picks how Retag's documents get their new tags: with the
// tagger here, or through opts.Batches.
func eachSource(opts RetagOptions) func(context.Context, *datadir.Dir, func() (*tag.Tagger, error), bool, func(*retagged) error) error {
	if opts.Batches == nil {
		return eachTagged
	}
	return func(ctx context.Context, d *datadir.Dir, load func() (*tag.Tagger, error), all bool, fn func(*retagged) error) error {
		// The batches skip documents by the rules version: it is
		// needed before reading.
		tagger, err := load()
		if err != nil {
			return err
		}
		return eachBatchTagged(ctx, d, tagger.Version(), opts.Batches, all, fn)
	}
}

// retagBatch is a run of documents in the store's order, tagged together;
// done is closed once err is set.
type retagBatch struct {
	items []*retagged
	todo  []*corpus.Document
	bytes int
	err   error
	done  chan struct{}
}

// eachBatchTagged is eachTagged with the tagging done by bt, in batches:
// one goroutine reads the documents and cuts them into batches, up to
// InFlight batches are out at once, and fn is called on the caller's
// goroutine with each document in the store's order, as eachTagged does,
// so that counts, examples and writes are the same.
func eachBatchTagged(ctx context.Context, d *datadir.Dir, version string, bt BatchTagger, all bool, fn func(*retagged) error) error {
	lim := bt.BatchLimits()
	if lim.Docs <= 0 {
		lim.Docs = defaultBatchDocs
	}
	if lim.Bytes <= 0 {
		lim.Bytes = defaultBatchBytes
	}
	if lim.InFlight <= 0 {
		lim.InFlight = defaultBatchInFlight
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ordered := make(chan *retagBatch, lim.InFlight)
	slots := make(chan struct{}, lim.InFlight)
	var wg sync.WaitGroup
	send := func(b *retagBatch) error {
		if len(b.todo) == 0 {
			close(b.done)
		} else {
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return ctx.Err()
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-slots }()
				err := bt.TagBatch(ctx, b.todo)
				var nt *NotTaggedError
				switch {
				case errors.As(err, &nt):
					for _, it := range b.items {
						if why, ok := nt.Why[it.doc.ID]; ok && !it.skipped {
							// Never empty: an empty reason would
							// read as tagged, with no tags.
							it.notTagged = cmp.Or(why, "the batch tagger gave no reason")
						}
					}
				case err != nil:
					b.err = fmt.Errorf("tag %d documents from %s: %w", len(b.todo), b.todo[0].ID, err)
				}
				close(b.done)
			}()
		}
		select {
		case ordered <- b:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	var readErr error
	go func() {
		defer close(ordered)
		cur := &retagBatch{done: make(chan struct{})}
		readErr = d.Store.EachDocument(ctx, corpus.WithPassages, func(doc *corpus.Document) error {
			it := &retagged{doc: doc}
			if doc.RulesVersion == version && !all {
				it.skipped = true
			} else {
				size := BatchBytes(doc)
				if len(cur.todo) > 0 && (len(cur.todo) >= lim.Docs || cur.bytes+size > lim.Bytes) {
					if err := send(cur); err != nil {
						return err
					}
					cur = &retagBatch{done: make(chan struct{})}
				}
				// The tags stored are kept aside; the batch is sent
				// without them.
				it.setAside()
				cur.todo = append(cur.todo, doc)
				cur.bytes += size
			}
			cur.items = append(cur.items, it)
			if len(cur.items) >= batchItems {
				if err := send(cur); err != nil {
					return err
				}
				cur = &retagBatch{done: make(chan struct{})}
			}
			return nil
		})
		if readErr == nil && len(cur.items) > 0 {
			readErr = send(cur)
		}
	}()
	var err error
	for b := range ordered {
		if err != nil {
			continue // draining, so that the reader can finish
		}
		<-b.done
		if err = b.err; err == nil {
			for _, it := range b.items {
				if err = ctx.Err(); err == nil {
					err = fn(it)
				}
				if err != nil {
					break
				}
			}
		}
		if err != nil {
			cancel()
		}
	}
	wg.Wait()
	if err != nil {
		return err
	}
	return readErr
}
