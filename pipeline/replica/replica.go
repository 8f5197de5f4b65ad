// Package replica keeps search replicas of a corpus over NATS JetStream.
//
// A writer of the corpus (ingest with --nats, retag or review with
// --nats) runs a Publisher: it reads the store's change feed — the keys
// of documents whose stored state changed, recorded by the store in the
// same transaction as the change — and publishes each document's whole
// current state (row, pages, passages, tags, paths, judgements), or its
// deletion, to the stream PREFIX_changes under the subject
// PREFIX.changes.<document id>. The stream keeps only the last message of
// each subject, so it is the corpus compacted: a replica started from
// nothing replays it and has everything. The failures table travels
// whole under one more subject.
//
// A Follower (serve --follow) applies the records in stream order to its
// own data directory, each batch in one store transaction that also
// records the last stream sequence applied, and indexes the documents
// through the data directory's index writer; a follower stopped anywhere
// resumes after the last sequence it applied, and applying a record twice
// leaves the same rows.
package replica

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/corpus/sqlite"
	"github.com/normtag/normtag/pipeline/remote"
)

// recordVersion changes whenever Record changes, so that a replica never
// applies a record of another normtag build as if it were its own.
const recordVersion = 1

// Record is one message of the change stream: the state of one key.
type Record struct {
	// Source is the store id of the corpus the record comes from.
	Source string
	// Key is a document id or sqlite.FailuresKey.
	Key string
	// State is the document's state; nil when it was deleted.
	State *sqlite.DocumentState
	// Failures is the whole failures table, for sqlite.FailuresKey.
	Failures []corpus.Failure
	// Object, when set, names the object in the large-changes bucket that
	// holds the encoded record: it is too large for one message.
	Object string
}

// encodeRecord compresses a record: documents are mostly text.
func encodeRecord(r *Record) ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte(recordVersion)
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestSpeed)
	if err := gob.NewEncoder(zw).Encode(r); err != nil {
		return nil, fmt.Errorf("encode change of %s: %w", r.Key, err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("encode change of %s: %w", r.Key, err)
	}
	return b.Bytes(), nil
}

// ErrVersion is wrapped when a record was written by a normtag whose
// record format this one does not read.
var ErrVersion = errors.New("change written by another normtag version: run the same normtag version on the writer and its replicas")

// maxRecord bounds what one record may decompress to.
const maxRecord = 1 << 30

// decodeRecord reads what encodeRecord wrote.
func decodeRecord(data []byte) (*Record, error) {
	if len(data) == 0 || data[0] != recordVersion {
		v := -1
		if len(data) > 0 {
			v = int(data[0])
		}
		return nil, fmt.Errorf("decode change: format %d, want %d: %w", v, recordVersion, ErrVersion)
	}
	zr, err := gzip.NewReader(bytes.NewReader(data[1:]))
	if err != nil {
		return nil, fmt.Errorf("decode change: %w", err)
	}
	var r Record
	if err := gob.NewDecoder(io.LimitReader(zr, maxRecord)).Decode(&r); err != nil {
		return nil, fmt.Errorf("decode change: %w", err)
	}
	return &r, nil
}

// dedupWindow is how long the stream remembers message ids: a publish
// retried after a crash within it is stored once.
const dedupWindow = 10 * time.Minute

// changeStream returns the corpus's change stream, creating it when it
// does not exist (the writer or a replica may come first). An existing
// stream is used as it is, so that its replicas setting stays whatever
// the first creator gave it.
func changeStream(ctx context.Context, js jetstream.JetStream, n remote.Names, replicas int) (jetstream.Stream, error) {
	s, err := js.Stream(ctx, n.ChangeStream())
	if err == nil {
		return s, nil
	}
	if !errors.Is(err, jetstream.ErrStreamNotFound) {
		return nil, fmt.Errorf("look up stream %s: %w", n.ChangeStream(), err)
	}
	if replicas <= 0 {
		replicas = 1
	}
	s, err = js.CreateStream(ctx, jetstream.StreamConfig{
		Name:     n.ChangeStream(),
		Subjects: []string{n.ChangeSubjects()},
		// The last state of each document is all a replica needs.
		MaxMsgsPerSubject: 1,
		Storage:           jetstream.FileStorage,
		Replicas:          replicas,
		Duplicates:        dedupWindow,
	})
	if errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
		return js.Stream(ctx, n.ChangeStream())
	}
	if err != nil {
		return nil, fmt.Errorf("create stream %s: %w", n.ChangeStream(), err)
	}
	return s, nil
}

// largeBucket returns the object store of records too large for one
// message.
func largeBucket(ctx context.Context, js jetstream.JetStream, n remote.Names, replicas int) (jetstream.ObjectStore, error) {
	os, err := js.ObjectStore(ctx, n.LargeChanges())
	if err == nil {
		return os, nil
	}
	if !errors.Is(err, jetstream.ErrBucketNotFound) {
		return nil, fmt.Errorf("look up object store %s: %w", n.LargeChanges(), err)
	}
	if replicas <= 0 {
		replicas = 1
	}
	os, err = js.CreateObjectStore(ctx, jetstream.ObjectStoreConfig{Bucket: n.LargeChanges(), Storage: jetstream.FileStorage, Replicas: replicas})
	if err != nil && errors.Is(err, jetstream.ErrBucketExists) {
		return js.ObjectStore(ctx, n.LargeChanges())
	}
	if err != nil {
		return nil, fmt.Errorf("create object store %s: %w", n.LargeChanges(), err)
	}
	return os, nil
}
