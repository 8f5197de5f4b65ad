package replica

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/normtag/normtag/corpus/sqlite"
	"github.com/normtag/normtag/pipeline/remote"
)

// PublisherOptions configures a Publisher.
type PublisherOptions struct {
	Names remote.Names
	// Replicas of the change stream when the publisher creates it.
	Replicas int
	// Poll is how often the change feed is read while changes are made
	// (default 200 ms): a replica's delay is about this plus its own.
	Poll time.Duration
	// MaxMessage is the largest record sent as one message; larger ones
	// go through the large-changes bucket. 0: the server's limit less a
	// margin for headers.
	MaxMessage int
	Logger     *slog.Logger
}

// Publisher sends the store's change feed to the corpus's change stream.
// It belongs to the one writer of the store.
type Publisher struct {
	opts   PublisherOptions
	js     jetstream.JetStream
	st     *sqlite.Store
	source string
	log    *slog.Logger
	large  jetstream.ObjectStore
	sent   int
}

// NewPublisher turns the store's change feed on and makes sure the change
// stream exists. A stream that holds nothing while the store holds
// documents is new or was lost: the whole corpus is queued for it.
func NewPublisher(ctx context.Context, js jetstream.JetStream, st *sqlite.Store, opts PublisherOptions) (*Publisher, error) {
	if opts.Poll <= 0 {
		opts.Poll = 200 * time.Millisecond
	}
	if opts.MaxMessage <= 0 {
		opts.MaxMessage = int(js.Conn().MaxPayload()) - 16<<10
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	source, err := st.ID(ctx)
	if err != nil {
		return nil, err
	}
	p := &Publisher{opts: opts, js: js, st: st, source: source, log: log}
	stream, err := changeStream(ctx, js, opts.Names, opts.Replicas)
	if err != nil {
		return nil, err
	}
	first, err := st.EnableChangeFeed(ctx)
	if err != nil {
		return nil, err
	}
	if !first {
		info, err := stream.Info(ctx)
		if err != nil {
			return nil, fmt.Errorf("stream %s: %w", opts.Names.ChangeStream(), err)
		}
		if info.State.Msgs == 0 {
			if err := st.FeedEverything(ctx); err != nil {
				return nil, err
			}
		}
	}
	return p, nil
}

// Followed reports whether the corpus's change stream is wanted: it holds
// changes (replicas followed it and come back to it) or a replica reads
// it now. It creates the stream when there is none, so that a replica
// started later finds it and shows it is there by reading it. A corpus no
// replica ever followed need not spend its writer's time on the feed:
// its changes wait in the store (see NewPublisher) until one does.
func Followed(ctx context.Context, js jetstream.JetStream, n remote.Names, replicas int) (bool, error) {
	stream, err := changeStream(ctx, js, n, replicas)
	if err != nil {
		return false, err
	}
	info, err := stream.Info(ctx)
	if err != nil {
		return false, fmt.Errorf("stream %s: %w", n.ChangeStream(), err)
	}
	return info.State.Msgs > 0 || info.State.Consumers > 0, nil
}

// Run publishes the change feed until ctx ends, reading it every Poll.
// Errors reaching NATS are logged and retried: the feed keeps what was
// not sent.
func (p *Publisher) Run(ctx context.Context) {
	t := time.NewTicker(p.opts.Poll)
	defer t.Stop()
	failing := false
	for {
		_, err := p.Publish(ctx)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil && !failing:
			p.log.Warn("sending changes to search replicas; retrying", "err", err)
			failing = true
		case err == nil && failing:
			p.log.Info("sending changes to search replicas again")
			failing = false
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Publish sends everything in the change feed now and returns how many
// entries it sent.
func (p *Publisher) Publish(ctx context.Context) (int, error) {
	n := 0
	for {
		entries, err := p.st.PendingChanges(ctx, 64)
		if err != nil || len(entries) == 0 {
			return n, err
		}
		sent, err := p.publishBatch(ctx, entries)
		if err != nil {
			// What was sent is recorded; the rest is tried again.
			return n + sent, errors.Join(err, p.st.ChangesSent(ctx, entries[:sent]))
		}
		if err := p.st.ChangesSent(ctx, entries); err != nil {
			return n, err
		}
		n += len(entries)
		p.sent += len(entries)
	}
}

// ackWait bounds the wait for the stream's acknowledgements of a batch.
const ackWait = 30 * time.Second

// publishBatch publishes the entries' states without waiting for each
// acknowledgement before sending the next, then waits for them in order;
// it returns how many of the first entries the stream acknowledged.
// Entries of one batch have distinct keys, each on its own subject, so
// the order the stream stores them in does not matter.
func (p *Publisher) publishBatch(ctx context.Context, entries []sqlite.FeedEntry) (int, error) {
	acks := make([]jetstream.PubAckFuture, 0, len(entries))
	var err error
	for _, e := range entries {
		var msg *nats.Msg
		if msg, err = p.message(ctx, e); err != nil {
			break
		}
		// The id names this entry of the feed: a publish retried after
		// a crash is stored once, while a later change of the same
		// document, even back to an earlier state, is a new entry.
		f, perr := p.js.PublishMsgAsync(msg, jetstream.WithMsgID(fmt.Sprintf("%s-%d", p.source, e.Seq)))
		if perr != nil {
			err = fmt.Errorf("publish change of %s: %w", e.Key, perr)
			break
		}
		acks = append(acks, f)
	}
	timeout := time.NewTimer(ackWait)
	defer timeout.Stop()
	for i, f := range acks {
		select {
		case <-f.Ok():
		case aerr := <-f.Err():
			return i, errors.Join(err, fmt.Errorf("publish change of %s: %w", entries[i].Key, aerr))
		case <-ctx.Done():
			return i, errors.Join(err, ctx.Err())
		case <-timeout.C:
			return i, errors.Join(err, fmt.Errorf("publish change of %s: no acknowledgement in %s", entries[i].Key, ackWait))
		}
	}
	return len(acks), err
}

// Pending counts the changes not yet sent.
func (p *Publisher) Pending(ctx context.Context) (int, error) {
	es, err := p.st.PendingChanges(ctx, 1<<30)
	return len(es), err
}

// Drain publishes what is left in the feed, trying for up to wait; it
// returns how many changes are left unsent (they wait in the store for
// the next writer that publishes).
func (p *Publisher) Drain(ctx context.Context, wait time.Duration) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	var err error
	for {
		if _, err = p.Publish(ctx); err == nil || ctx.Err() != nil {
			break
		}
		select {
		case <-ctx.Done():
		case <-time.After(500 * time.Millisecond):
		}
	}
	// The store is read without the drained context: it is the time
	// allowed for NATS, not for counting.
	left, cerr := p.Pending(context.WithoutCancel(ctx))
	if cerr != nil {
		return left, cerr
	}
	return left, err
}

// message reads one key's current state and returns the message that
// publishes it, storing it in the large-changes bucket first when it is
// too large for one message.
func (p *Publisher) message(ctx context.Context, e sqlite.FeedEntry) (*nats.Msg, error) {
	rec := &Record{Source: p.source, Key: e.Key}
	if e.Key == sqlite.FailuresKey {
		fs, err := p.st.Failures(ctx)
		if err != nil {
			return nil, err
		}
		rec.Failures = fs
	} else {
		st, err := p.st.DocumentState(ctx, e.Key)
		if err != nil {
			return nil, err
		}
		rec.State = st
	}
	data, err := encodeRecord(rec)
	if err != nil {
		return nil, err
	}
	switch {
	case rec.State == nil && e.Key != sqlite.FailuresKey:
		// A deletion is small; the state it ends may have been large.
		if err := p.deleteLarge(ctx, e.Key); err != nil {
			return nil, err
		}
	case len(data) > p.opts.MaxMessage:
		if data, err = p.putLarge(ctx, rec, data); err != nil {
			return nil, err
		}
	}
	return &nats.Msg{Subject: p.opts.Names.ChangeSubject(e.Key), Data: data}, nil
}

// putLarge stores a record too large for a message in the large-changes
// bucket under its key and returns the small record pointing at it. The
// object is replaced by the key's next large state; a replica reading
// an older pointer reads that newer state, which is as good.
func (p *Publisher) putLarge(ctx context.Context, rec *Record, data []byte) ([]byte, error) {
	if p.large == nil {
		var err error
		if p.large, err = largeBucket(ctx, p.js, p.opts.Names, p.opts.Replicas); err != nil {
			return nil, err
		}
	}
	if _, err := p.large.Put(ctx, jetstream.ObjectMeta{Name: rec.Key}, bytes.NewReader(data)); err != nil {
		return nil, fmt.Errorf("store large change of %s: %w", rec.Key, err)
	}
	return encodeRecord(&Record{Source: rec.Source, Key: rec.Key, Object: rec.Key})
}

// deleteLarge removes a deleted document's large state, if it had one.
func (p *Publisher) deleteLarge(ctx context.Context, key string) error {
	if p.large == nil {
		var err error
		p.large, err = p.js.ObjectStore(ctx, p.opts.Names.LargeChanges())
		if errors.Is(err, jetstream.ErrBucketNotFound) {
			p.large = nil
			return nil
		}
		if err != nil {
			return err
		}
	}
	err := p.large.Delete(ctx, key)
	if errors.Is(err, jetstream.ErrObjectNotFound) {
		return nil
	}
	return err
}
