// Package remote spreads ingest's costly stages — extraction, segmenting,
// tagging — over worker processes through NATS JetStream, while one
// coordinator stays the single writer of the store and the index.
//
// The coordinator (Coordinator, a pipeline.Analyser) publishes one job per
// document to a work-queue stream with the SHA-256 as message id, so a
// retried publish is not a second job. A small file's bytes travel in its
// job; a larger one is uploaded once to an object store, named by its
// SHA-256. A worker (Worker) pulls a job, extracts the bytes in an
// isolated child exactly as a local ingest does, publishes the analysed
// document (or its failure) to a results stream under a subject named by
// the SHA-256 (a result too large for one message goes to an object store,
// the message pointing at it) and only then acknowledges the job. The
// coordinator receives each result as it is stored, without asking for
// it. Results are durable: a coordinator killed and started again finds
// the results of jobs it published before, and the corpus is written by
// pipeline.Ingest either way, so nothing is lost and nothing is stored
// twice.
package remote

import (
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/internal/lazyregexp"
)

// DefaultPrefix names the streams, buckets and subjects of a corpus when
// --nats-prefix is not given. Two corpora sharing one NATS cluster need
// different prefixes.
const DefaultPrefix = "normtag"

// Defaults of the work queue.
const (
	// DefaultMaxDeliveries bounds how often one job is handed to a
	// worker. A worker that receives a job for the last time records it
	// as crashed without parsing it: the earlier deliveries each ended
	// with their worker gone, so the file is taken to kill workers.
	DefaultMaxDeliveries = 4
	// ackWait is how long a worker may hold a job without a word; a
	// worker sends "in progress" every ackWait/3 while it parses.
	ackWait = 30 * time.Second
	// dedupWindow is how long a job's id is remembered by the stream.
	dedupWindow = 30 * time.Minute
	// resultTTL bounds how long results and uploaded files wait for a
	// coordinator that never comes back.
	resultTTL = 7 * 24 * time.Hour
)

var prefixPattern = lazyregexp.New(`^[A-Za-z0-9_-]{1,64}$`)

// Names are the JetStream resources of one corpus.
type Names struct {
	Prefix string
}

// NewNames checks a prefix: one subject token that is also a valid
// stream and bucket name.
func NewNames(prefix string) (Names, error) {
	if prefix == "" {
		prefix = DefaultPrefix
	}
	if !prefixPattern().MatchString(prefix) {
		return Names{}, fmt.Errorf("--nats-prefix %q: use 1 to 64 letters, digits, '-' or '_'", prefix)
	}
	return Names{Prefix: prefix}, nil
}

// JobStream is the work-queue stream of jobs.
func (n Names) JobStream() string { return n.Prefix + "_jobs" }

// JobSubject is where jobs are published.
func (n Names) JobSubject() string { return n.Prefix + ".jobs" }

// Consumer is the durable pull consumer all workers share.
func (n Names) Consumer() string { return n.Prefix + "_workers" }

// Files is the object store of file bytes too large to travel in their
// job (and of rules files), by SHA-256.
func (n Names) Files() string { return n.Prefix + "_files" }

// ResultStream is the stream of analysed documents (or failures), one
// subject per SHA-256, each keeping its last result.
func (n Names) ResultStream() string { return n.Prefix + "_results" }

// ResultSubject is where the result of the document with SHA-256 sum is
// published.
func (n Names) ResultSubject(sum string) string { return n.Prefix + ".results." + sum }

// ResultSubjects are the subjects of ResultStream.
func (n Names) ResultSubjects() string { return n.Prefix + ".results.*" }

// LargeResults is the object store of results too large for one message,
// by SHA-256.
func (n Names) LargeResults() string { return n.Prefix + "_results_large" }

// Heartbeats is the subject workers announce themselves on.
func (n Names) Heartbeats() string { return n.Prefix + ".workers" }

// QueueReady is the subject on which a coordinator says that the job
// queue and its buckets exist, so that workers waiting for them start at
// once instead of at their next look.
func (n Names) QueueReady() string { return n.Prefix + ".ready" }

// ChangeStream is the stream of document changes search replicas follow
// (package pipeline/replica).
func (n Names) ChangeStream() string { return n.Prefix + "_changes" }

// ChangeSubjects are the subjects of ChangeStream: one per document.
func (n Names) ChangeSubjects() string { return n.Prefix + ".changes.>" }

// ChangeSubject is the subject of one document's changes (key is its id).
func (n Names) ChangeSubject(key string) string { return n.Prefix + ".changes." + key }

// LargeChanges is the object store holding changes too large for one
// message.
func (n Names) LargeChanges() string { return n.Prefix + "_changes_large" }

// ConnOptions says how to reach and authenticate to NATS. Secrets are
// read from here only; they are never printed.
type ConnOptions struct {
	URL string
	// Name identifies the connection in the server's monitoring.
	Name string
	// CredsFile is a JWT + seed credentials file.
	CredsFile string
	// NkeySeedFile is a file holding an nkey seed.
	NkeySeedFile string
	User         string
	Password     string
	// CAFile, CertFile and KeyFile set up TLS: a CA to trust and a client
	// certificate. A tls:// URL alone asks for TLS with the system roots.
	CAFile, CertFile, KeyFile string
}

// Connect opens a NATS connection with JetStream.
func Connect(o ConnOptions) (*nats.Conn, jetstream.JetStream, error) {
	if o.URL == "" {
		return nil, nil, errors.New("no NATS server URL")
	}
	opts := []nats.Option{nats.Name(o.Name), nats.MaxReconnects(-1)}
	if o.CredsFile != "" {
		opts = append(opts, nats.UserCredentials(o.CredsFile))
	}
	if o.NkeySeedFile != "" {
		opt, err := nats.NkeyOptionFromSeed(o.NkeySeedFile)
		if err != nil {
			return nil, nil, fmt.Errorf("nkey seed %s: %w", o.NkeySeedFile, err)
		}
		opts = append(opts, opt)
	}
	if o.User != "" {
		opts = append(opts, nats.UserInfo(o.User, o.Password))
	}
	if o.CAFile != "" {
		opts = append(opts, nats.RootCAs(o.CAFile))
	}
	if o.CertFile != "" || o.KeyFile != "" {
		opts = append(opts, nats.ClientCert(o.CertFile, o.KeyFile))
	}
	nc, err := nats.Connect(o.URL, opts...)
	if err != nil {
		// The URL may carry a user and password: name only its host.
		return nil, nil, fmt.Errorf("connect to NATS at %s: %w", redact(o.URL), err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, nil, fmt.Errorf("JetStream: %w", err)
	}
	return nc, js, nil
}

var userInfoPattern = lazyregexp.New(`//[^@/]*@`)

// redact removes user information from server URLs.
func redact(url string) string {
	return userInfoPattern().ReplaceAllString(url, "//***@")
}

// Limits are the limits a local ingest applies, sent with each job so that
// every worker applies the coordinator's.
type Limits struct {
	MaxFileSize int64
	MaxTextSize int64
	MaxPassages int
	Timeout     time.Duration
	MemoryLimit int64
	// OCR is how scanned pages are read (--ocr, --ocr-lang and the OCR
	// time limits); each worker reads them with its own Tesseract.
	OCR OCRSettings `json:",omitempty"`
}

// OCRSettings are the coordinator's OCR flags. The zero value reads no
// page by OCR.
type OCRSettings struct {
	Mode        string        `json:",omitempty"` // auto, never or always
	Langs       string        `json:",omitempty"`
	PageTimeout time.Duration `json:",omitempty"`
	Timeout     time.Duration `json:",omitempty"`
}

// Job asks a worker to analyse one document.
type Job struct {
	// SHA256 names the document, its bytes in the files bucket and its
	// result.
	SHA256 string `json:"sha256"`
	// Name is the file's path on the coordinator, for messages and the
	// document's file name.
	Name string `json:"name"`
	// Path is where the coordinator reads the file, absolute, when
	// workers read it in place instead of from the object store or the
	// job (see FileAccess).
	Path string `json:"path,omitempty"`
	// Verify is set when workers were only seen to share the
	// coordinator's files (AccessDetect): the worker reads the file at
	// Path only when it holds the job's bytes, their SHA-256 checked, and
	// otherwise answers reasonNeedBytes for the coordinator to send them.
	Verify bool `json:"verify,omitempty"`
	// Inline is set when the file's bytes are Data, small enough to
	// travel in the job (see inlineMax): no upload, no fetch, nothing to
	// delete afterwards. They follow the job's fields in its message as
	// they are (see encodeJob), not in its JSON.
	Inline bool   `json:"inline,omitempty"`
	Data   []byte `json:"-"`
	Size   int64  `json:"size"`
	// Rules is the SHA-256 of the rules file in the files bucket; empty
	// for the built-in rules.
	Rules  string `json:"rules,omitempty"`
	Limits Limits `json:"limits"`
	// Key is jobKey(Rules, Limits), copied into the result.
	Key string `json:"key"`
}

// reasonNeedBytes, a Result's Reason, is a worker's answer to a job whose
// file it cannot read at the coordinator's path: the coordinator sends
// the bytes instead. It is never a document's failure.
const reasonNeedBytes = "need-bytes"

// FileAccess says how workers get the bytes of the files to analyse.
type FileAccess int

const (
	// AccessDetect, the default, sends paths while every worker heard
	// from reads the coordinator's probe file (see Probe) at its path,
	// and bytes otherwise. Each worker checks the SHA-256 of a file it
	// reads in place; one that cannot read it, or finds other bytes,
	// gets them through NATS.
	AccessDetect FileAccess = iota
	// AccessPaths sends paths only (--shared-fs): every worker sees the
	// files at the coordinator's paths.
	AccessPaths
	// AccessBytes sends bytes only (--shared-fs=false): in the job for
	// small files, through the files bucket for the others.
	AccessBytes
)

// readyWord is what a coordinator says on QueueReady: its run's limits,
// for workers to start extraction processes for them, and the path of
// its probe file (AccessDetect), for workers to say whether they see
// its files. Limits' fields stay at the top level, where workers of the
// same format that know no probe read them.
type readyWord struct {
	Limits
	Probe string `json:"probe,omitempty"`
}

// Result is what a worker stores for a job: a document, or a failure.
type Result struct {
	SHA256 string
	Name   string
	Key    string
	Doc    *corpus.Document
	// Reason and Detail describe a failure (corpus.Failure's fields).
	Reason string
	Detail string
	Worker string
}
