package remote

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// How bytes travel. Each object-store transfer costs several requests
// and, to read, a consumer made and deleted on the server; a message
// costs one publish. So small files ride in their job and results in one
// message each; the object stores take only what does not fit.
const (
	// jobMaxSize bounds one job message: an inlined file and the rest.
	jobMaxSize = 512 << 10
	// headerRoom is left in a message for headers and the subject, and
	// in a job for its fields.
	headerRoom = 16 << 10
	// inlineLimit is the largest file sent in its job; its bytes travel
	// as they are (see encodeJob). Larger ones go through the files
	// bucket, read by the worker into a file.
	inlineLimit = 256 << 10
	// largeResultHeader, on a result message without a body, says the
	// result is in the large-results bucket under the message's SHA-256.
	largeResultHeader = "Normtag-Large-Result"
)

// inlineMax is the largest file sent in its job on a connection whose
// server accepts messages of at most maxPayload bytes.
func inlineMax(maxPayload int64) int64 {
	return max(0, min(inlineLimit, min(maxPayload, jobMaxSize)-headerRoom))
}

// fileChunk is the chunk size of an uploaded file: as large as a message
// may be, up to 1 MiB. Each chunk is a message the server stores and
// delivers and a worker reads, so fewer, larger ones cost less than the
// object store's default of 128 KiB; more than 1 MiB would only hold
// more in memory at once.
func fileChunk(maxPayload int64) uint32 {
	return uint32(min(1<<20, max(4<<10, maxPayload-headerRoom)))
}

// jobFits is the largest encoded job sent on such a connection: the
// message less room for its headers (the message id) and subject.
func jobFits(maxPayload int64) int64 {
	return min(maxPayload, jobMaxSize) - 1<<10
}

// workQueue creates (or updates) a work-queue stream named stream on
// subject, holding messages of at most maxMsg bytes and dropping a
// publish repeated under the same message id, and the durable consumer
// through which workers take its jobs, each redelivered after ackWait
// without word, at most maxDeliver times.
func workQueue(ctx context.Context, js jetstream.JetStream, stream, subject, consumer string, maxMsg int32, replicas int, ackWait time.Duration, maxDeliver int) (jetstream.Stream, jetstream.Consumer, error) {
	s, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:       stream,
		Subjects:   []string{subject},
		Retention:  jetstream.WorkQueuePolicy,
		Storage:    jetstream.FileStorage,
		Replicas:   replicas,
		Duplicates: dedupWindow,
		MaxMsgSize: maxMsg,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("create job stream %s: %w", stream, err)
	}
	c, err := js.CreateOrUpdateConsumer(ctx, stream, jetstream.ConsumerConfig{
		Durable:    consumer,
		AckPolicy:  jetstream.AckExplicitPolicy,
		AckWait:    ackWait,
		MaxDeliver: maxDeliver,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("create consumer %s: %w", consumer, err)
	}
	return s, c, nil
}

// objectStore creates (or updates) a file-backed bucket whose objects
// expire after ttl.
func objectStore(ctx context.Context, js jetstream.JetStream, bucket string, ttl time.Duration, replicas int) (jetstream.ObjectStore, error) {
	o, err := js.CreateOrUpdateObjectStore(ctx, jetstream.ObjectStoreConfig{Bucket: bucket, TTL: ttl, Replicas: replicas, Storage: jetstream.FileStorage})
	if err != nil {
		return nil, fmt.Errorf("create object store %s: %w", bucket, err)
	}
	return o, nil
}

// resultStream creates (or updates) the results stream.
func resultStream(ctx context.Context, js jetstream.JetStream, n Names, replicas int) (jetstream.Stream, error) {
	s, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:     n.ResultStream(),
		Subjects: []string{n.ResultSubjects()},
		// A document's latest result is the only one read.
		MaxMsgsPerSubject: 1,
		MaxAge:            resultTTL,
		Storage:           jetstream.FileStorage,
		Replicas:          replicas,
		// Looking a result up is then one request to any replica.
		AllowDirect: true,
	})
	if err != nil {
		return nil, fmt.Errorf("create result stream %s: %w", n.ResultStream(), err)
	}
	return s, nil
}

// resultTransport stores and reads results: one message each, or an
// object in the large-results bucket and a message pointing at it.
type resultTransport struct {
	names  Names
	js     jetstream.JetStream
	stream jetstream.Stream
	large  jetstream.ObjectStore
	// maxMsg is the largest result sent as one message.
	maxMsg int
}

func newResultTransport(ctx context.Context, js jetstream.JetStream, n Names, stream jetstream.Stream, large jetstream.ObjectStore) *resultTransport {
	return &resultTransport{names: n, js: js, stream: stream, large: large, maxMsg: int(js.Conn().MaxPayload()) - headerRoom}
}

// put stores an encoded result of the document sum. A large one is in
// its bucket before the message that points at it is published.
func (t *resultTransport) put(ctx context.Context, sum string, data []byte) error {
	msg := &nats.Msg{Subject: t.names.ResultSubject(sum), Data: data}
	if len(data) > t.maxMsg {
		if _, err := t.large.PutBytes(ctx, sum, data); err != nil {
			return fmt.Errorf("store large result %s: %w", sum[:12], err)
		}
		msg.Data = nil
		msg.Header = nats.Header{largeResultHeader: []string{"1"}}
	}
	if _, err := t.js.PublishMsg(ctx, msg); err != nil {
		return fmt.Errorf("publish result %s: %w", sum[:12], err)
	}
	return nil
}

// body returns a result message's encoded result, fetching it from the
// large-results bucket when the message points there.
func (t *resultTransport) body(ctx context.Context, sum string, header nats.Header, data []byte) ([]byte, error) {
	if header.Get(largeResultHeader) == "" {
		return data, nil
	}
	big, err := t.large.GetBytes(ctx, sum)
	if err != nil {
		return nil, fmt.Errorf("read large result %s: %w", sum[:12], err)
	}
	return big, nil
}

// latest returns the stored encoded result of the document sum, or nil
// when there is none.
func (t *resultTransport) latest(ctx context.Context, sum string) ([]byte, error) {
	m, err := t.stream.GetLastMsgForSubject(ctx, t.names.ResultSubject(sum))
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	data, err := t.body(ctx, sum, m.Header, m.Data)
	if errors.Is(err, jetstream.ErrObjectNotFound) {
		return nil, nil // expired meanwhile: as if there were none
	}
	return data, err
}
