package replica

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/corpus/sqlite"
	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/pipeline/remote"
)

// cursorSetting is the store setting holding the last stream sequence a
// replica applied.
const cursorSetting = "replica_stream_seq"

// streamSetting is the store setting naming the stream the cursor counts
// in: its creation time.
const streamSetting = "replica_stream_created"

// Tuning of the follower: records are applied in batches of up to
// batchSize, or whatever arrived within batchWait; when nothing arrives
// for idleWait the index gets what is queued at once, and while records
// keep arriving the index writer commits at least every second (its
// flush policy), so a document is searchable about a second after it
// reached the stream.
const (
	batchSize = 128
	batchWait = 200 * time.Millisecond
	idleWait  = 100 * time.Millisecond
)

// FollowerOptions configures a Follower.
type FollowerOptions struct {
	Names  remote.Names
	Logger *slog.Logger
}

// Follower applies the change stream of a corpus to a data directory it
// holds open for writing.
type Follower struct {
	opts  FollowerOptions
	js    jetstream.JetStream
	d     *datadir.Dir
	log   *slog.Logger
	large jetstream.ObjectStore
}

// NewFollower returns a follower writing to d, which must be open for
// writing (it keeps the data directory's writer lock while it follows,
// so nothing else writes the replica).
func NewFollower(js jetstream.JetStream, d *datadir.Dir, opts FollowerOptions) *Follower {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Follower{opts: opts, js: js, d: d, log: log}
}

// Cursor is the last stream sequence the replica applied (0: none).
func Cursor(ctx context.Context, st *sqlite.Store) (uint64, error) {
	m, err := st.Settings(ctx, cursorSetting)
	if err != nil {
		return 0, err
	}
	if m[cursorSetting] == "" {
		return 0, nil
	}
	n, err := strconv.ParseUint(m[cursorSetting], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("replica cursor %q: %w", m[cursorSetting], err)
	}
	return n, nil
}

// Run follows the change stream until ctx ends; it returns nil then, or
// the error that stopped it (a record it cannot read or apply).
func (f *Follower) Run(ctx context.Context) error {
	stream, err := f.waitForStream(ctx)
	if err != nil || stream == nil {
		return err
	}
	cursor, err := Cursor(ctx, f.d.Store)
	if err != nil {
		return err
	}
	// A stream made anew (its NATS server lost its storage) is not the
	// one the cursor counts in: its writer sends the whole corpus again,
	// and it is replayed whole.
	info, err := stream.Info(ctx)
	if err != nil {
		return fmt.Errorf("stream %s: %w", f.opts.Names.ChangeStream(), err)
	}
	created := strconv.FormatInt(info.Created.UnixNano(), 10)
	m, err := f.d.Store.Settings(ctx, streamSetting)
	if err != nil {
		return err
	}
	if m[streamSetting] != created {
		if cursor > 0 {
			f.log.Warn("the change stream was made anew since this replica last followed it: replaying it whole", "stream", f.opts.Names.ChangeStream(), "applied", cursor)
		}
		if err := f.d.Store.SetSettings(ctx, map[string]string{streamSetting: created}, cursorSetting); err != nil {
			return err
		}
		cursor = 0
	}
	if info.State.Msgs == 0 {
		// A writer sends its corpus only once a replica reads the
		// stream (Followed): this one now does.
		f.log.Info("the change stream is empty: the writer sends the corpus within a second if it is running with --nats, else on its next run with --nats or with `normtag publish --data DIR --nats URL`", "stream", f.opts.Names.ChangeStream())
	}
	cfg := jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverAllPolicy}
	if cursor > 0 {
		cfg = jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverByStartSequencePolicy, OptStartSeq: cursor + 1}
	}
	cons, err := stream.OrderedConsumer(ctx, cfg)
	if err != nil {
		return fmt.Errorf("follow %s: %w", f.opts.Names.ChangeStream(), err)
	}
	it, err := cons.Messages()
	if err != nil {
		return fmt.Errorf("follow %s: %w", f.opts.Names.ChangeStream(), err)
	}
	defer it.Stop()
	w, err := f.d.NewIndexWriter()
	if err != nil {
		return err
	}
	f.log.Info("following the corpus's changes", "stream", f.opts.Names.ChangeStream(), "after", cursor)
	var batch []jetstream.Msg
	var started time.Time
	for {
		wait := idleWait
		if len(batch) > 0 {
			wait = max(time.Millisecond, batchWait-time.Since(started))
		}
		msg, err := it.Next(jetstream.NextMaxWait(wait))
		switch {
		case ctx.Err() != nil:
			// What was applied is in the store; Heal indexes what the
			// index has not taken yet.
			return w.Flush(context.WithoutCancel(ctx))
		case errors.Is(err, nats.ErrTimeout):
		case err != nil:
			f.log.Warn("reading the change stream; retrying", "err", err)
			time.Sleep(time.Second)
			continue
		default:
			if len(batch) == 0 {
				started = time.Now()
			}
			batch = append(batch, msg)
			if len(batch) < batchSize && time.Since(started) < batchWait {
				continue
			}
		}
		if len(batch) == 0 {
			// Idle: whatever the index writer holds goes in now.
			if err := w.Flush(ctx); err != nil && ctx.Err() == nil {
				return err
			}
			continue
		}
		if err := f.apply(ctx, w, batch); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		batch = batch[:0]
	}
}

// waitForStream returns the change stream once it exists: a replica may
// start before its writer ever published. It returns nil when ctx ends.
func (f *Follower) waitForStream(ctx context.Context) (jetstream.Stream, error) {
	logged := false
	for {
		s, err := f.js.Stream(ctx, f.opts.Names.ChangeStream())
		if err == nil {
			return s, nil
		}
		if !errors.Is(err, jetstream.ErrStreamNotFound) && !logged {
			f.log.Warn("looking up the change stream; retrying", "stream", f.opts.Names.ChangeStream(), "err", err)
			logged = true
		} else if !logged {
			f.log.Info("no change stream yet: waiting for a writer to publish", "stream", f.opts.Names.ChangeStream())
			logged = true
		}
		select {
		case <-ctx.Done():
			return nil, nil
		case <-time.After(streamPoll):
		}
	}
}

// streamPoll is how often a replica waiting for the change stream looks
// for it. A writer run with --nats makes the stream as it starts and
// sends its changes only if a replica reads it by its end (see
// Followed): a short run, a second or less, would end before a replica
// that looked once a second began to read, and the replica would wait
// for the next run. One lookup is a small request.
const streamPoll = 100 * time.Millisecond

// apply stores a batch of records in one transaction with the sequence
// of its last message, then hands the documents to the index writer.
func (f *Follower) apply(ctx context.Context, w *datadir.IndexWriter, msgs []jetstream.Msg) error {
	b := sqlite.ReplicaBatch{Cursor: cursorSetting}
	// A key may come twice in a batch: its last record is its state.
	last := map[string]int{}
	var recs []*Record
	for _, m := range msgs {
		meta, err := m.Metadata()
		if err != nil {
			return fmt.Errorf("change message: %w", err)
		}
		rec, err := f.read(ctx, m.Data())
		if err != nil {
			return fmt.Errorf("change %d (%s): %w", meta.Sequence.Stream, m.Subject(), err)
		}
		if b.Source != "" && rec.Source != b.Source {
			// Apply what came before in its own batch, so that the
			// store refuses the other corpus's record alone.
			return errors.Join(f.apply(ctx, w, msgs[:len(recs)]), fmt.Errorf("change %d: %w", meta.Sequence.Stream, sqlite.ErrOtherSource))
		}
		b.Source = rec.Source
		b.CursorValue = strconv.FormatUint(meta.Sequence.Stream, 10)
		last[rec.Key] = len(recs)
		recs = append(recs, rec)
	}
	var docs []*corpus.Document
	var deleted []string
	for i, rec := range recs {
		if last[rec.Key] != i {
			continue
		}
		if rec.Key == sqlite.FailuresKey {
			fs := rec.Failures
			b.Failures = &fs
			continue
		}
		b.Docs = append(b.Docs, sqlite.Replicated{ID: rec.Key, State: rec.State})
		if rec.State == nil {
			deleted = append(deleted, rec.Key)
		} else {
			docs = append(docs, rec.State.Doc)
		}
	}
	if err := f.d.Store.ApplyReplicated(ctx, b); err != nil {
		return err
	}
	w.Delete(deleted...)
	for _, doc := range docs {
		if err := w.Add(ctx, doc); err != nil {
			return err
		}
	}
	f.log.Debug("applied changes", "records", len(msgs), "documents", len(docs), "deleted", len(deleted), "through", b.CursorValue)
	return nil
}

// read decodes a record, fetching it from the large-changes bucket when
// it did not fit a message.
func (f *Follower) read(ctx context.Context, data []byte) (*Record, error) {
	rec, err := decodeRecord(data)
	if err != nil || rec.Object == "" {
		return rec, err
	}
	if f.large == nil {
		if f.large, err = f.js.ObjectStore(ctx, f.opts.Names.LargeChanges()); err != nil {
			return nil, fmt.Errorf("object store %s: %w", f.opts.Names.LargeChanges(), err)
		}
	}
	big, err := f.large.GetBytes(ctx, rec.Object)
	if errors.Is(err, jetstream.ErrObjectNotFound) {
		// The document was deleted since: its deletion follows in the
		// stream. Until then it is taken as deleted here too.
		return &Record{Source: rec.Source, Key: rec.Key}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read large change of %s: %w", rec.Key, err)
	}
	inner, err := decodeRecord(big)
	if err != nil {
		return nil, err
	}
	if inner.Key != rec.Key || inner.Source != rec.Source {
		return nil, fmt.Errorf("large change %s holds %s of %s", rec.Object, inner.Key, inner.Source)
	}
	return inner, nil
}
