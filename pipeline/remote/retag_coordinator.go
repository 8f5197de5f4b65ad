package remote

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/pipeline"
)

// ErrRefused is wrapped by the error of a retag batch a worker would not
// tag: it cannot make the coordinator's rules (another normtag version's
// built-in rules, a rules file it cannot compile), or workers kept dying
// on it.
var ErrRefused = errors.New("a worker refused the batch")

// retagResultTTL bounds how long retag results wait for a coordinator
// that never comes back. A coordinator deletes each result once it has
// read it.
const retagResultTTL = 24 * time.Hour

// RetagCoordinatorOptions configures a RetagCoordinator.
type RetagCoordinatorOptions struct {
	Names Names
	// Rules is the rules file; nil for the built-in rules.
	Rules []byte
	// RulesVersion is the version of the coordinator's tagger: workers
	// must tag with rules of the same version.
	RulesVersion string
	// Replicas of the stream and buckets (1 for a single server).
	Replicas int
	// MaxDeliveries bounds the deliveries of one job (default
	// DefaultMaxDeliveries); the last one is refused, since the workers
	// that had it before died.
	MaxDeliveries int
	// AckWait is how long a job may go without word from its worker
	// before it is handed to another (default 30s).
	AckWait time.Duration
	// BatchDocs is the most documents in one job (default 64).
	BatchDocs int
	// InFlight is how many jobs may wait for an answer at once (default 16).
	InFlight int
	Logger   *slog.Logger
}

// RetagCoordinator sends retag's documents to workers in batches and
// returns their tags. It implements pipeline.BatchTagger; pipeline.Retag
// stays the one writer.
type RetagCoordinator struct {
	opts     RetagCoordinatorOptions
	nc       *nats.Conn
	js       jetstream.JetStream
	log      *slog.Logger
	stream   jetstream.Stream
	cons     jetstream.Consumer
	files    jetstream.ObjectStore
	res      jetstream.ObjectStore
	rules    string // SHA-256 of the rules file, "" for the built-in rules
	msgLimit int    // the largest job sent as a message

	watcher jetstream.ObjectWatcher
	sub     *nats.Subscription

	mu      sync.Mutex
	waiters map[string][]chan struct{}
	workers map[string]time.Time

	outstanding atomic.Int64
	done        atomic.Int64
}

// NewRetagCoordinator creates (or updates) the corpus's retag queue and
// buckets and starts watching for results.
func NewRetagCoordinator(ctx context.Context, nc *nats.Conn, js jetstream.JetStream, opts RetagCoordinatorOptions) (*RetagCoordinator, error) {
	if opts.Replicas <= 0 {
		opts.Replicas = 1
	}
	if opts.MaxDeliveries <= 0 {
		opts.MaxDeliveries = DefaultMaxDeliveries
	}
	if opts.AckWait <= 0 {
		opts.AckWait = ackWait
	}
	if opts.BatchDocs <= 0 {
		opts.BatchDocs = 64
	}
	if opts.InFlight <= 0 {
		opts.InFlight = 16
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	// Jobs are messages up to the server's payload limit less room for
	// headers, as the change feed's are; a larger batch (one large
	// document) goes through the files bucket.
	payload := int(nc.MaxPayload())
	c := &RetagCoordinator{opts: opts, nc: nc, js: js, log: log, msgLimit: max(payload-16<<10, 64<<10),
		waiters: map[string][]chan struct{}{}, workers: map[string]time.Time{}}
	n := opts.Names
	var err error
	if c.stream, c.cons, err = workQueue(ctx, js, n.RetagStream(), n.RetagSubjects(), n.RetagConsumer(), int32(payload), opts.Replicas, opts.AckWait, opts.MaxDeliveries); err != nil {
		return nil, err
	}
	// The files bucket is ingest's (same settings), holding the rules
	// file and batches too large for a message.
	if c.files, err = objectStore(ctx, js, n.Files(), resultTTL, opts.Replicas); err != nil {
		return nil, err
	}
	if c.res, err = objectStore(ctx, js, n.RetagResults(), retagResultTTL, opts.Replicas); err != nil {
		return nil, err
	}
	if opts.Rules != nil {
		sum := sha256.Sum256(opts.Rules)
		c.rules = hex.EncodeToString(sum[:])
		if _, err := c.files.GetInfo(ctx, c.rules); errors.Is(err, jetstream.ErrObjectNotFound) {
			if _, err := c.files.PutBytes(ctx, c.rules, opts.Rules); err != nil {
				return nil, fmt.Errorf("upload rules: %w", err)
			}
		} else if err != nil {
			return nil, fmt.Errorf("look up rules: %w", err)
		}
	}
	// Watching starts before the first job is published, so that no
	// result can be missed.
	if c.watcher, err = c.res.Watch(ctx, jetstream.UpdatesOnly(), jetstream.IgnoreDeletes()); err != nil {
		return nil, fmt.Errorf("watch retag results: %w", err)
	}
	go c.dispatch()
	if c.sub, err = nc.Subscribe(n.Heartbeats(), func(m *nats.Msg) {
		c.mu.Lock()
		c.workers[string(m.Data)] = time.Now()
		c.mu.Unlock()
	}); err != nil {
		c.watcher.Stop()
		return nil, fmt.Errorf("subscribe %s: %w", n.Heartbeats(), err)
	}
	return c, nil
}

// Close stops watching. It leaves the queue and buckets in place.
func (c *RetagCoordinator) Close() {
	if c.sub != nil {
		c.sub.Unsubscribe()
	}
	if c.watcher != nil {
		c.watcher.Stop()
	}
}

// BatchLimits implements pipeline.BatchTagger: a batch of passage text
// fits in one message once compressed.
func (c *RetagCoordinator) BatchLimits() pipeline.BatchLimits {
	return pipeline.BatchLimits{Docs: c.opts.BatchDocs, Bytes: c.msgLimit, InFlight: c.opts.InFlight}
}

// TagBatch implements pipeline.BatchTagger: it takes the batch's result
// if a run that was killed left one, else publishes the batch as a job
// and waits for its result. A batch the workers died on is tagged again
// one document at a time, since which of its documents kills them is
// unknown: the others get their tags, and a *pipeline.NotTaggedError
// names those that kill workers, which keep their stored tags. Each is
// refused after MaxDeliveries, so none is tried for ever.
func (c *RetagCoordinator) TagBatch(ctx context.Context, docs []*corpus.Document) error {
	err := c.tagBatch(ctx, docs)
	var lost *workersLostError
	if !errors.As(err, &lost) {
		return err
	}
	why := map[string]string{}
	if len(docs) == 1 {
		why[docs[0].ID] = lost.Error()
		return &pipeline.NotTaggedError{Why: why}
	}
	c.log.Warn("workers died on a retag batch: tagging its documents one at a time", "documents", len(docs), "first", docs[0].ID, "why", lost.Error())
	for _, d := range docs {
		err := c.tagBatch(ctx, []*corpus.Document{d})
		switch {
		case errors.As(err, &lost):
			why[d.ID] = lost.Error()
		case err != nil:
			return err
		}
	}
	if len(why) == 0 {
		return nil
	}
	return &pipeline.NotTaggedError{Why: why}
}

// workersLostError is a batch refused because the worker processes that
// had it before all ended while they tagged it.
type workersLostError struct {
	lost   int
	worker string
}

func (e *workersLostError) Error() string {
	return fmt.Sprintf("%d worker processes ended while tagging it, then worker %s refused it", e.lost, e.worker)
}

// Unwrap makes it an ErrRefused.
func (e *workersLostError) Unwrap() error { return ErrRefused }

// tagBatch sends docs as one job and sets their tags from its result.
func (c *RetagCoordinator) tagBatch(ctx context.Context, docs []*corpus.Document) error {
	data, id, size, err := encodeRetagDocs(c.rules, c.opts.RulesVersion, docs)
	if err != nil {
		return err
	}
	wake := c.await(id)
	defer func() { c.forget(id, wake) }()
	res, err := c.result(ctx, id)
	if err != nil {
		return err
	}
	if res == nil {
		job := RetagJob{ID: id, Rules: c.rules, RulesVersion: c.opts.RulesVersion, Docs: data, Size: size}
		msg, err := encodeVersioned(job)
		if err != nil {
			return fmt.Errorf("encode retag job: %w", err)
		}
		if len(msg) > c.msgLimit {
			if err := c.upload(ctx, retagObject(id), data); err != nil {
				return err
			}
			defer c.files.Delete(context.WithoutCancel(ctx), retagObject(id))
			job.Docs = nil
			if msg, err = encodeVersioned(job); err != nil {
				return fmt.Errorf("encode retag job: %w", err)
			}
		}
		c.outstanding.Add(1)
		defer c.outstanding.Add(-1)
		if err := c.publish(ctx, id, msg); err != nil {
			return err
		}
		for res == nil {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-wake:
			case <-time.After(time.Minute):
				// The watcher may have been interrupted by a
				// reconnect: look again now and then.
			}
			c.forget(id, wake)
			wake = c.await(id)
			if res, err = c.result(ctx, id); err != nil {
				return err
			}
		}
	}
	c.done.Add(1)
	// Read once: a later run publishes the batch again if it needs it.
	if err := c.res.Delete(context.WithoutCancel(ctx), id); err != nil && !errors.Is(err, jetstream.ErrObjectNotFound) {
		c.log.Warn("delete retag result", "job", id[:12], "err", err)
	}
	return c.apply(res, docs)
}

// apply sets the tags of a result on the batch's passages, once it has
// checked that the result is the batch's.
func (c *RetagCoordinator) apply(res *RetagResult, docs []*corpus.Document) error {
	if res.Refused != "" && res.WorkersLost > 0 {
		return &workersLostError{lost: res.WorkersLost, worker: res.Worker}
	}
	if res.Refused != "" {
		return fmt.Errorf("%w: worker %s: %s", ErrRefused, res.Worker, res.Refused)
	}
	if res.RulesVersion != c.opts.RulesVersion {
		return fmt.Errorf("%w: worker %s tagged with rules %s, not %s", ErrRefused, res.Worker, res.RulesVersion, c.opts.RulesVersion)
	}
	if len(res.Tags) != len(docs) {
		return fmt.Errorf("%w: retag result of %d documents for a batch of %d", ErrUnavailable, len(res.Tags), len(docs))
	}
	for i, d := range docs {
		if len(res.Tags[i]) != len(d.Passages) {
			return fmt.Errorf("%w: retag result of %d passages for document %s of %d", ErrUnavailable, len(res.Tags[i]), d.ID, len(d.Passages))
		}
	}
	for i, d := range docs {
		for j := range d.Passages {
			d.Passages[j].Tags = res.Tags[i][j]
		}
	}
	return nil
}

// publish sends a job. A publish the stream takes for a duplicate (a
// coordinator killed and started again publishes the same batches) is
// the earlier job if that still waits in the stream or has its result;
// otherwise (its result was read and deleted, or refused) it is sent
// again under a new message id, or nobody would ever answer it.
func (c *RetagCoordinator) publish(ctx context.Context, id string, msg []byte) error {
	subject := c.opts.Names.RetagSubject(id)
	msgID := id
	for {
		var ack *jetstream.PubAck
		err := retry(ctx, func() (err error) {
			ack, err = c.js.PublishMsg(ctx, &nats.Msg{Subject: subject, Data: msg}, jetstream.WithMsgID(msgID))
			return err
		})
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("%w: publish retag job %s: %w", ErrUnavailable, id[:12], err)
		}
		if !ack.Duplicate {
			return nil
		}
		_, err = c.stream.GetLastMsgForSubject(ctx, subject)
		if err == nil {
			return nil // still waiting for a worker
		}
		if !errors.Is(err, jetstream.ErrMsgNotFound) {
			return fmt.Errorf("%w: look up retag job %s: %w", ErrUnavailable, id[:12], err)
		}
		if res, err := c.result(ctx, id); err != nil || res != nil {
			return err
		}
		msgID = fmt.Sprintf("%s-%d", id, time.Now().UnixNano())
	}
}

// upload puts a batch too large for a message in the files bucket.
func (c *RetagCoordinator) upload(ctx context.Context, name string, data []byte) error {
	err := retry(ctx, func() error {
		if _, err := c.files.GetInfo(ctx, name); err == nil {
			return nil
		} else if !errors.Is(err, jetstream.ErrObjectNotFound) {
			return err
		}
		_, err := c.files.PutBytes(ctx, name, data)
		return err
	})
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("%w: upload retag batch %s: %w", ErrUnavailable, name, err)
	}
	return nil
}

// result returns the job's stored result, or nil when there is none yet.
func (c *RetagCoordinator) result(ctx context.Context, id string) (*RetagResult, error) {
	var data []byte
	err := retry(ctx, func() (err error) {
		data, err = c.res.GetBytes(ctx, id)
		return err
	})
	if errors.Is(err, jetstream.ErrObjectNotFound) {
		return nil, nil
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%w: read retag result %s: %w", ErrUnavailable, id[:12], err)
	}
	// Tags are a few times smaller than the passages they are for; a
	// batch's passages fit in a message, or one document's text in
	// --max-text-size.
	res, err := decodeRetagResult(data, 1<<30)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	if res.ID != id {
		return nil, nil
	}
	return res, nil
}

// await registers a channel closed when the result named id arrives.
func (c *RetagCoordinator) await(id string) chan struct{} {
	wake := make(chan struct{})
	c.mu.Lock()
	c.waiters[id] = append(c.waiters[id], wake)
	c.mu.Unlock()
	return wake
}

func (c *RetagCoordinator) forget(id string, wake chan struct{}) {
	c.mu.Lock()
	defer c.mu.Unlock()
	forgetWaiter(c.waiters, id, wake)
}

// dispatch wakes the callers waiting for each result that arrives.
func (c *RetagCoordinator) dispatch() {
	for info := range c.watcher.Updates() {
		if info == nil || info.Deleted {
			continue
		}
		c.mu.Lock()
		ws := c.waiters[info.Name]
		delete(c.waiters, info.Name)
		c.mu.Unlock()
		for _, ch := range ws {
			close(ch)
		}
	}
}

// Progress counts workers heard from lately, jobs waiting, jobs being
// worked on and results received this run.
func (c *RetagCoordinator) Progress(ctx context.Context) Progress {
	return countProgress(ctx, &c.mu, c.workers, c.cons, &c.outstanding, &c.done)
}

// A retag coordinator takes the place of the local tagger in retag --nats.
var _ pipeline.BatchTagger = (*RetagCoordinator)(nil)
