package remote

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"fmt"
	"io"

	"github.com/normtag/normtag/corpus"
)

// Retag jobs: `retag --nats` sends batches of stored documents' passages
// to workers, which tag them with the coordinator's rules and return the
// tags; the coordinator compares and writes as a local retag does. They
// have a stream, a consumer and a results bucket of their own, beside
// ingest's, so that neither kind of job is read as the other.

// RetagStream is the work-queue stream of retag jobs.
func (n Names) RetagStream() string { return n.Prefix + "_retag" }

// RetagSubjects are the subjects of RetagStream: one per job, so that the
// coordinator can tell whether a job still waits in the stream.
func (n Names) RetagSubjects() string { return n.Prefix + ".retag.*" }

// RetagSubject is the subject of the job with that id.
func (n Names) RetagSubject(id string) string { return n.Prefix + ".retag." + id }

// RetagConsumer is the durable pull consumer of retag jobs all workers
// share.
func (n Names) RetagConsumer() string { return n.Prefix + "_retaggers" }

// RetagResults is the object store of retag results, by job id.
func (n Names) RetagResults() string { return n.Prefix + "_retag_results" }

// retagFormat changes whenever RetagJob, RetagDoc or RetagResult change,
// so that a worker or coordinator of another build refuses what it
// cannot read instead of misreading it.
const retagFormat = 1

// RetagJob is one batch of documents to tag.
type RetagJob struct {
	// ID is the SHA-256 of the rules and the documents (see retagJobID):
	// the message id, the subject's last token and the result's name.
	ID string
	// Rules is the SHA-256 of the rules file in the files bucket; empty
	// for the built-in rules.
	Rules string
	// RulesVersion is the coordinator's tagger version: the worker's
	// must be the same, or it refuses the job.
	RulesVersion string
	// Docs is the batch, gzip'd gob of []RetagDoc; nil when it was too
	// large for a message and waits in the files bucket under
	// retagObject(ID).
	Docs []byte
	// Size is the batch's size decoded, which a worker reads no more of.
	Size int64
}

// RetagDoc is a document to tag: its passages, with no tags.
type RetagDoc struct {
	ID       string
	Passages []corpus.Passage
}

// RetagResult is what a worker stores for a retag job.
type RetagResult struct {
	ID           string
	RulesVersion string
	Worker       string
	// Tags holds, per document of the job and per passage, the tags.
	Tags [][][]corpus.Tag
	// Refused says why the worker did not tag the batch (it cannot make
	// the job's rules, or workers died on it); Tags is then nil.
	Refused string
	// WorkersLost is set with Refused when workers died on the batch:
	// how many worker processes ended while they had it. The
	// coordinator then tags its documents one by one and leaves out
	// only those that kill workers. A result of an earlier build has
	// none, which reads as any refusal (the run stops, as that build's
	// did): no format change.
	WorkersLost int
}

// retagObject names a batch too large for a message in the files bucket.
func retagObject(id string) string { return "retag-" + id }

// encodeRetagDocs encodes a batch and returns it with its job id and its
// size decoded.
func encodeRetagDocs(rules, version string, docs []*corpus.Document) (data []byte, id string, size int64, err error) {
	list := make([]RetagDoc, len(docs))
	for i, d := range docs {
		list[i] = RetagDoc{ID: d.ID, Passages: d.Passages}
	}
	var plain bytes.Buffer
	if err := gob.NewEncoder(&plain).Encode(list); err != nil {
		return nil, "", 0, fmt.Errorf("encode retag batch: %w", err)
	}
	// The id covers the rules and the documents as sent: a batch of the
	// same documents under the same rules, published again by a
	// coordinator started again, is the same job.
	h := sha256.New()
	fmt.Fprintf(h, "normtag retag %d\x00%s\x00%s\x00", retagFormat, rules, version)
	h.Write(plain.Bytes())
	id = hex.EncodeToString(h.Sum(nil))
	var z bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&z, gzip.BestSpeed)
	if _, err := zw.Write(plain.Bytes()); err != nil {
		return nil, "", 0, fmt.Errorf("encode retag batch: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, "", 0, fmt.Errorf("encode retag batch: %w", err)
	}
	return z.Bytes(), id, int64(plain.Len()), nil
}

// decodeRetagDocs reads what encodeRetagDocs wrote, at most max bytes of
// it decompressed.
func decodeRetagDocs(data []byte, max int64) ([]RetagDoc, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("decode retag batch: %w", err)
	}
	var docs []RetagDoc
	if err := gob.NewDecoder(io.LimitReader(zr, max)).Decode(&docs); err != nil {
		return nil, fmt.Errorf("decode retag batch: %w", err)
	}
	return docs, nil
}

// encodeVersioned gob-encodes v behind a format byte.
func encodeVersioned(v any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte(retagFormat)
	if err := gob.NewEncoder(&b).Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// decodeVersioned reads what encodeVersioned wrote into v.
func decodeVersioned(data []byte, v any) error {
	if len(data) == 0 || data[0] != retagFormat {
		return fmt.Errorf("written by another normtag version (format %d, want %d)", firstByte(data), retagFormat)
	}
	return gob.NewDecoder(bytes.NewReader(data[1:])).Decode(v)
}

// encodeRetagResult compresses a result: evidence repeats rule names.
func encodeRetagResult(r *RetagResult) ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte(retagFormat)
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestSpeed)
	if err := gob.NewEncoder(zw).Encode(r); err != nil {
		return nil, fmt.Errorf("encode retag result: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("encode retag result: %w", err)
	}
	return b.Bytes(), nil
}

// decodeRetagResult reads what encodeRetagResult wrote, at most max
// bytes of it decompressed.
func decodeRetagResult(data []byte, max int64) (*RetagResult, error) {
	if len(data) == 0 || data[0] != retagFormat {
		return nil, fmt.Errorf("decode retag result: written by another normtag version (format %d, want %d)", firstByte(data), retagFormat)
	}
	zr, err := gzip.NewReader(bytes.NewReader(data[1:]))
	if err != nil {
		return nil, fmt.Errorf("decode retag result: %w", err)
	}
	var r RetagResult
	if err := gob.NewDecoder(io.LimitReader(zr, max)).Decode(&r); err != nil {
		return nil, fmt.Errorf("decode retag result: %w", err)
	}
	return &r, nil
}
