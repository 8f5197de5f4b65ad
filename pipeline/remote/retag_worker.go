package remote

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/internal/lazyregexp"
	"github.com/normtag/normtag/pipeline/tag"
)

// maxRetagBatch bounds what a worker decodes of one retag job.
const maxRetagBatch = 1 << 30

var jobIDPattern = lazyregexp.New(`^[0-9a-f]{64}$`)

// serveRetag serves retag jobs (retag --nats) beside ingest's, on as many
// goroutines, until ctx is cancelled; the channel is closed when it has
// stopped. It waits for a coordinator to create the queue.
func (w *Worker) serveRetag(ctx context.Context) <-chan struct{} {
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		cons, files, results, err := w.awaitRetag(ctx)
		if err != nil {
			return
		}
		info := cons.CachedInfo()
		wait := info.Config.AckWait
		if wait <= 0 {
			wait = ackWait
		}
		w.log.Info("serving retag jobs", "id", w.opts.ID, "queue", w.opts.Names.RetagStream())
		var wg sync.WaitGroup
		for range w.opts.Workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for ctx.Err() == nil {
					msg, err := cons.Next(jetstream.FetchMaxWait(2 * time.Second))
					if err != nil {
						if !errors.Is(err, nats.ErrTimeout) && ctx.Err() == nil {
							w.log.Debug("fetch retag job", "err", err)
							sleep(ctx, time.Second)
						}
						continue
					}
					w.serveRetagJob(ctx, msg, files, results, info.Config.MaxDeliver, wait)
				}
			}()
		}
		wg.Wait()
	}()
	return stopped
}

// awaitRetag returns the retag consumer and buckets once a coordinator
// has created them.
func (w *Worker) awaitRetag(ctx context.Context) (jetstream.Consumer, jetstream.ObjectStore, jetstream.ObjectStore, error) {
	n := w.opts.Names
	for {
		cons, err := w.js.Consumer(ctx, n.RetagStream(), n.RetagConsumer())
		if err == nil {
			var files, results jetstream.ObjectStore
			if files, err = w.js.ObjectStore(ctx, n.Files()); err == nil {
				if results, err = w.js.ObjectStore(ctx, n.RetagResults()); err == nil {
					return cons, files, results, nil
				}
			}
		}
		if ctx.Err() != nil {
			return nil, nil, nil, ctx.Err()
		}
		// No word: a worker of a corpus never re-tagged through NATS
		// waits here all its life.
		sleep(ctx, 2*time.Second)
	}
}

// serveRetagJob tags one batch and acknowledges the job once its result
// is stored. A job it cannot do (rules it cannot make, a job from another
// normtag version, one on which workers died) gets a refusal as its
// result, so that the coordinator stops with the reason instead of
// waiting for ever.
func (w *Worker) serveRetagJob(ctx context.Context, msg jetstream.Msg, files, results jetstream.ObjectStore, maxDeliver int, wait time.Duration) {
	id := msg.Subject()[strings.LastIndexByte(msg.Subject(), '.')+1:]
	if !jobIDPattern().MatchString(id) {
		w.log.Error("dropping a retag job on an unknown subject", "subject", msg.Subject())
		_ = msg.Term()
		return
	}
	refuse := func(version, why string, lost int) {
		w.log.Warn("refusing retag job", "job", id[:12], "why", why)
		w.storeRetag(ctx, msg, results, &RetagResult{ID: id, RulesVersion: version, Worker: w.opts.ID, Refused: why, WorkersLost: lost})
	}
	var job RetagJob
	if err := decodeVersioned(msg.Data(), &job); err != nil || job.ID != id {
		refuse("", fmt.Sprintf("cannot read the job: %v", err), 0)
		return
	}
	meta, err := msg.Metadata()
	if err != nil {
		_ = msg.Nak()
		return
	}
	if maxDeliver > 0 && int(meta.NumDelivered) >= maxDeliver {
		// Every earlier delivery ended without an answer: the workers
		// that had it died. Tagging it again would kill this one too.
		lost := int(meta.NumDelivered) - 1
		refuse(job.RulesVersion, fmt.Sprintf("%d worker processes ended while tagging this batch", lost), lost)
		return
	}
	tagger, err := w.tagger(ctx, files, job.Rules)
	var bad *rulesError
	switch {
	case errors.As(err, &bad):
		refuse(job.RulesVersion, err.Error(), 0)
		return
	case err != nil:
		w.log.Warn("retag job left for another delivery", "job", id[:12], "err", err)
		_ = msg.NakWithDelay(2 * time.Second)
		return
	case tagger.Version() != job.RulesVersion:
		// The same rules file always gives the same version; built-in
		// rules of another normtag version do not.
		refuse(job.RulesVersion, fmt.Sprintf("this worker's rules are version %s, the coordinator's %s: run workers of the coordinator's normtag version", tagger.Version(), job.RulesVersion), 0)
		return
	}
	data := job.Docs
	if data == nil {
		if data, err = w.retagObject(ctx, files, id); err != nil {
			w.log.Warn("retag job left for another delivery", "job", id[:12], "err", err)
			_ = msg.NakWithDelay(2 * time.Second)
			return
		}
	}
	docs, err := decodeRetagDocs(data, min(job.Size, maxRetagBatch)+1)
	if err != nil {
		refuse(job.RulesVersion, err.Error(), 0)
		return
	}
	res := &RetagResult{ID: id, RulesVersion: tagger.Version(), Worker: w.opts.ID, Tags: make([][][]corpus.Tag, len(docs))}
	w.inProgress(ctx, msg, wait, func() {
		retagTestHook(docs)
		for i := range docs {
			ps := docs[i].Passages
			for j := range ps {
				ps[j].Tags = nil
			}
			tagger.Tag(ps)
			res.Tags[i] = make([][]corpus.Tag, len(ps))
			for j := range ps {
				res.Tags[i][j] = ps[j].Tags
			}
		}
	})
	w.storeRetag(ctx, msg, results, res)
}

// storeRetag stores a result and only then acknowledges its job.
func (w *Worker) storeRetag(ctx context.Context, msg jetstream.Msg, results jetstream.ObjectStore, res *RetagResult) {
	data, err := encodeRetagResult(res)
	if err == nil {
		_, err = results.PutBytes(context.WithoutCancel(ctx), res.ID, data)
	}
	if err != nil {
		w.log.Error("store retag result", "job", res.ID[:12], "err", err)
		_ = msg.NakWithDelay(2 * time.Second)
		return
	}
	if err := msg.DoubleAck(context.WithoutCancel(ctx)); err != nil {
		// The job will come again and its result be stored again.
		w.log.Warn("acknowledge retag job", "job", res.ID[:12], "err", err)
	}
	w.log.Debug("retag job done", "job", res.ID[:12], "documents", len(res.Tags), "refused", res.Refused)
}

// inProgress runs f, telling the server every wait/3 that the job is
// still being worked on.
func (w *Worker) inProgress(ctx context.Context, msg jetstream.Msg, wait time.Duration, f func()) {
	done := make(chan struct{})
	defer close(done)
	go func() {
		t := time.NewTicker(wait / 3)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				_ = msg.InProgress()
			}
		}
	}()
	f()
}

// retagObject fetches a batch too large for a message.
func (w *Worker) retagObject(ctx context.Context, files jetstream.ObjectStore, id string) ([]byte, error) {
	info, err := files.GetInfo(ctx, retagObject(id))
	if err != nil {
		return nil, fmt.Errorf("fetch retag batch %s: %w", id[:12], err)
	}
	if info.Size > maxRetagBatch {
		return nil, fmt.Errorf("fetch retag batch %s: %d bytes, over the limit of %d", id[:12], info.Size, maxRetagBatch)
	}
	data, err := files.GetBytes(ctx, retagObject(id))
	if err != nil {
		return nil, fmt.Errorf("fetch retag batch %s: %w", id[:12], err)
	}
	return data, nil
}

// rulesError is a rules file this worker cannot compile: no delivery to
// it will do better.
type rulesError struct{ err error }

func (e *rulesError) Error() string { return e.err.Error() }
func (e *rulesError) Unwrap() error { return e.err }

// tagger is the tagger of a job's rules, ingest's or retag's, from one
// cache: the built-in rules for "", else the rules file of that SHA-256
// in the files bucket. Rules that do not compile are a *rulesError;
// failing to fetch them is not (another delivery may do better). Callers
// asking for rules being built wait for that build instead of making
// their own.
func (w *Worker) tagger(ctx context.Context, files jetstream.ObjectStore, rules string) (*tag.Tagger, error) {
	for {
		w.mu.Lock()
		if t := w.taggers[rules]; t != nil {
			w.mu.Unlock()
			return t, nil
		}
		building, busy := w.building[rules]
		if !busy {
			done := make(chan struct{})
			w.building[rules] = done
			w.mu.Unlock()
			t, err := w.loadRules(ctx, files, rules)
			w.mu.Lock()
			if err == nil {
				w.taggers[rules] = t
			}
			delete(w.building, rules)
			w.mu.Unlock()
			close(done)
			return t, err
		}
		w.mu.Unlock()
		// A build that failed leaves the next look to build again.
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-building:
		}
	}
}

// loadRules makes the tagger of rules as tagger names them, through the
// compiled-rules cache when the worker has one.
func (w *Worker) loadRules(ctx context.Context, files jetstream.ObjectStore, rules string) (*tag.Tagger, error) {
	var t *tag.Tagger
	var err error
	if rules == "" {
		t, err = w.opts.Rules.Default()
	} else {
		var data []byte
		if data, err = files.GetBytes(ctx, rules); err != nil {
			return nil, fmt.Errorf("fetch rules %s: %w", rules, err)
		}
		t, err = w.opts.Rules.Load(data)
	}
	if err != nil {
		return nil, &rulesError{fmt.Errorf("load rules %s: %w", rules, err)}
	}
	return t, nil
}
