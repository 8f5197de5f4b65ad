package remote

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/internal/batchgc"
	"github.com/normtag/normtag/internal/rulecache"
	"github.com/normtag/normtag/pipeline"
	"github.com/normtag/normtag/pipeline/extract"
	"github.com/normtag/normtag/pipeline/extract/ocr"
	"github.com/normtag/normtag/pipeline/isolate"
	"github.com/normtag/normtag/pipeline/tag"
)

// WorkerOptions configures a Worker.
type WorkerOptions struct {
	Names Names
	// Workers is how many jobs run at once (default runtime.NumCPU()).
	Workers int
	// Executable is the normtag binary run as extraction child.
	Executable string
	// Password opens encrypted PDFs; it stays on the worker.
	Password string
	// TempDir holds the local copies of files fetched from the object
	// store while they are extracted; bytes that travel in a job go to
	// the extraction child directly.
	TempDir string
	// ID names this worker in the coordinator's progress.
	ID     string
	Logger *slog.Logger
	// Rules, when set, loads the taggers of jobs' rules from the
	// compiled-rules cache; nil builds them.
	Rules *rulecache.Cache
	// BytesOnly takes every file's bytes through NATS: the worker reads
	// no file at a coordinator's path and does not say it sees any.
	BytesOnly bool
}

// Worker pulls jobs and stores their results. It keeps no state beyond
// caches: extraction pools per set of limits and taggers per rules file.
type Worker struct {
	opts    WorkerOptions
	nc      *nats.Conn
	js      jetstream.JetStream
	log     *slog.Logger
	files   jetstream.ObjectStore
	results *resultTransport

	mu      sync.Mutex
	pools   map[Limits]*isolate.Pool
	taggers map[string]*tag.Tagger
	// building holds the rules whose tagger is being built, closed when
	// the build ends.
	building map[string]chan struct{}
	// lookEvery is how often a worker waiting for the job queue looks
	// for it without being told it is there.
	lookEvery time.Duration
	// probed is the path of the last coordinator's probe file, and sees
	// the SHA-256 of its content as read here, "" when it could not be
	// (probedHeader, seesHeader).
	probed, sees string
}

// NewWorker prepares a worker on a connection.
func NewWorker(nc *nats.Conn, js jetstream.JetStream, opts WorkerOptions) *Worker {
	if opts.Workers <= 0 {
		opts.Workers = runtime.NumCPU()
	}
	if opts.TempDir == "" {
		opts.TempDir = os.TempDir()
	}
	if opts.ID == "" {
		host, _ := os.Hostname()
		opts.ID = fmt.Sprintf("%s-%d", host, os.Getpid())
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Worker{opts: opts, nc: nc, js: js, log: log, pools: map[Limits]*isolate.Pool{}, taggers: map[string]*tag.Tagger{}, building: map[string]chan struct{}{}, lookEvery: time.Second}
}

// Run serves jobs until ctx is cancelled. It waits for a coordinator to
// create the queue if there is none yet.
func (w *Worker) Run(ctx context.Context) error {
	// A worker allocates for each job and keeps little between jobs, as
	// a batch command does: the batch collector settings spare it most
	// collections.
	defer batchgc.Tune()()
	defer w.closePools()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ready := w.listenReady(ctx)
	go w.heartbeat(ctx)
	// Most coordinators tag with the built-in rules: their tagger is
	// built while the worker waits for jobs rather than in the first
	// job's time.
	go w.tagger(ctx, nil, "")
	// Retag jobs (retag_worker.go) have a queue of their own.
	retagStopped := w.serveRetag(ctx)
	defer func() { <-retagStopped }()
	cons, err := w.await(ctx, ready)
	if err != nil {
		return err
	}
	info := cons.CachedInfo()
	maxDeliver := info.Config.MaxDeliver
	wait := info.Config.AckWait
	if wait <= 0 {
		wait = ackWait
	}
	w.log.Info("worker ready", "id", w.opts.ID, "queue", w.opts.Names.JobStream(), "jobs at once", w.opts.Workers)
	var wg sync.WaitGroup
	for range w.opts.Workers {
		// Each slot copies the files it extracts into a folder of its
		// own, made once rather than per job.
		dir, err := os.MkdirTemp(w.opts.TempDir, "normtag-jobs-")
		if err != nil {
			cancel()
			wg.Wait()
			return fmt.Errorf("temporary folder: %w", err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer os.RemoveAll(dir)
			for ctx.Err() == nil {
				msg, err := cons.Next(jetstream.FetchMaxWait(2 * time.Second))
				if err != nil {
					if !errors.Is(err, nats.ErrTimeout) && ctx.Err() == nil {
						w.log.Debug("fetch job", "err", err)
						sleep(ctx, time.Second)
					}
					continue
				}
				w.serve(ctx, msg, dir, maxDeliver, wait)
			}
		}()
	}
	wg.Wait()
	return nil
}

// listenReady listens, until ctx ends, to what coordinators say on
// QueueReady: a coordinator sends its run's limits as it starts and again
// once it has made the queue. The worker answers with a heartbeat, so the
// coordinator knows at once how many jobs it takes; starts the extraction
// processes for those limits, so the first job does not wait for them;
// and tells await (through the channel returned) to look for the queue.
func (w *Worker) listenReady(ctx context.Context) <-chan struct{} {
	ready := make(chan struct{}, 1)
	sub, err := w.nc.Subscribe(w.opts.Names.QueueReady(), func(m *nats.Msg) {
		select {
		case ready <- struct{}{}:
		default:
		}
		var word readyWord
		known := len(m.Data) > 0 && json.Unmarshal(m.Data, &word) == nil
		if known {
			w.lookAtProbe(word.Probe)
		}
		w.announce()
		if known {
			go w.warm(word.Limits)
		}
	})
	if err != nil {
		w.log.Debug("subscribe "+w.opts.Names.QueueReady(), "err", err)
		return ready
	}
	context.AfterFunc(ctx, func() { _ = sub.Unsubscribe() })
	return ready
}

// lookAtProbe reads the probe file a coordinator named, to say in its
// heartbeats whether it sees the coordinator's files.
func (w *Worker) lookAtProbe(path string) {
	sees := ""
	if path != "" && !w.opts.BytesOnly {
		var err error
		if sees, err = readProbe(path); err != nil {
			w.log.Debug("the coordinator's files are not visible here: they come through NATS", "probe", path, "err", err)
		}
	}
	w.mu.Lock()
	w.probed, w.sees = path, sees
	w.mu.Unlock()
}

// maxWarmPools bounds the sets of limits a worker starts extraction
// processes for before a job asks for them.
const maxWarmPools = 4

// warm starts the extraction processes for limits l unless they run
// already.
func (w *Worker) warm(l Limits) {
	w.mu.Lock()
	_, ok := w.pools[l]
	full := len(w.pools) >= maxWarmPools
	w.mu.Unlock()
	if ok || full {
		return
	}
	if _, err := w.pool(l); err != nil {
		w.log.Debug("start extraction processes", "err", err)
	}
}

// await returns the shared consumer once a coordinator has created it,
// along with the buckets. It looks every lookEvery, and at once when a
// coordinator says on QueueReady that it made them (ready, from
// listenReady).
func (w *Worker) await(ctx context.Context, ready <-chan struct{}) (jetstream.Consumer, error) {
	n := w.opts.Names
	said := false
	for {
		cons, err := w.js.Consumer(ctx, n.JobStream(), n.Consumer())
		if err == nil {
			if w.files, err = w.js.ObjectStore(ctx, n.Files()); err == nil {
				var stream jetstream.Stream
				if stream, err = w.js.Stream(ctx, n.ResultStream()); err == nil {
					var large jetstream.ObjectStore
					if large, err = w.js.ObjectStore(ctx, n.LargeResults()); err == nil {
						w.results = newResultTransport(ctx, w.js, n, stream, large)
						return cons, nil
					}
				}
			}
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if !said {
			w.log.Info("waiting for a coordinator to create the job queue", "queue", n.JobStream(), "err", err)
			said = true
		}
		t := time.NewTimer(w.lookEvery)
		select {
		case <-ctx.Done():
		case <-ready:
		case <-t.C:
		}
		t.Stop()
	}
}

func (w *Worker) heartbeat(ctx context.Context) {
	t := time.NewTicker(heartbeatEvery)
	defer t.Stop()
	for {
		w.announce()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// heartbeatEvery is how often a worker announces itself.
const heartbeatEvery = 2 * time.Second

// heardLately reports whether a worker last heard from at at still counts
// as running: it missed fewer than five heartbeats.
func heardLately(at time.Time) bool { return time.Since(at) < 5*heartbeatEvery }

// slotsHeader, on a heartbeat, says how many jobs the worker works on at
// once.
const slotsHeader = "Normtag-Slots"

// announce publishes a heartbeat: the worker's id, and its places in
// slotsHeader.
func (w *Worker) announce() {
	m := &nats.Msg{Subject: w.opts.Names.Heartbeats(), Data: []byte(w.opts.ID), Header: nats.Header{}}
	m.Header.Set(slotsHeader, strconv.Itoa(w.opts.Workers))
	w.mu.Lock()
	if w.probed != "" {
		m.Header.Set(probedHeader, w.probed)
	}
	if w.sees != "" {
		m.Header.Set(seesHeader, w.sees)
	}
	w.mu.Unlock()
	_ = w.nc.PublishMsg(m)
}

// serve runs one job and acknowledges it once its result is stored.
func (w *Worker) serve(ctx context.Context, msg jetstream.Msg, dir string, maxDeliver int, wait time.Duration) {
	job, err := decodeJob(msg.Data())
	if err != nil || len(job.SHA256) != 64 {
		w.log.Error("dropping a malformed job", "err", err)
		_ = msg.Term()
		return
	}
	meta, err := msg.Metadata()
	if err != nil {
		_ = msg.Nak()
		return
	}
	if meta.NumDelivered > 1 && w.answered(ctx, job) {
		// Delivered again after its result was stored (the worker that
		// stored it died before acknowledging): the result stands. A
		// first delivery is not looked up: a coordinator publishes a
		// job only when it found no result, and storing one again
		// would store the same.
		_ = msg.Ack()
		return
	}
	var res *Result
	if maxDeliver > 0 && int(meta.NumDelivered) >= maxDeliver {
		// Every earlier delivery ended without an answer: the workers
		// that had it died. Parsing it again would kill this one too.
		res = &Result{Reason: string(corpus.ReasonCrashed),
			Detail: fmt.Sprintf("%s: %d worker processes ended while extracting it", job.Name, meta.NumDelivered-1)}
	} else {
		workerTestHook(job.Name)
		res, err = w.keepAlive(ctx, msg, wait, func() (*Result, error) { return w.analyse(ctx, job, dir) })
		if err != nil {
			// Not the file's fault (the worker is stopping, NATS is
			// unreachable): another delivery will do it.
			w.log.Warn("job left for another delivery", "file", job.Name, "err", err)
			_ = msg.NakWithDelay(2 * time.Second)
			return
		}
	}
	res.SHA256, res.Name, res.Key, res.Worker = job.SHA256, job.Name, job.Key, w.opts.ID
	data, err := encodeResult(res)
	if err == nil {
		err = w.results.put(context.WithoutCancel(ctx), job.SHA256, data)
	}
	if err != nil {
		w.log.Error("store result", "file", job.Name, "err", err)
		_ = msg.NakWithDelay(2 * time.Second)
		return
	}
	// A plain acknowledgement, not waited for: one lost (the connection
	// dropped, the worker was killed) only brings the job again, and a
	// delivery after the first finds the stored result and stops there.
	// Waiting for the server to confirm cost it a reply and this slot a
	// round trip per job.
	if err := msg.Ack(); err != nil {
		w.log.Warn("acknowledge job", "file", job.Name, "err", err)
	}
	w.log.Debug("job done", "file", job.Name, "reason", res.Reason, "bytes", bytesFrom(job))
}

// bytesFrom says where a job's file was read, for the log.
func bytesFrom(job Job) string {
	switch {
	case job.Path != "":
		return "path"
	case job.Inline:
		return "job"
	}
	return "files bucket"
}

// answered reports whether the job's result is stored already.
func (w *Worker) answered(ctx context.Context, job Job) bool {
	data, err := w.results.latest(ctx, job.SHA256)
	if err != nil || data == nil {
		return false
	}
	res, err := decodeResult(data, 1<<30)
	return err == nil && res.Key == job.Key && res.Reason != reasonNeedBytes
}

// keepAlive runs f as inProgress does, so a long parse is not handed to
// another worker, and returns what f returns.
func (w *Worker) keepAlive(ctx context.Context, msg jetstream.Msg, wait time.Duration, f func() (*Result, error)) (*Result, error) {
	var res *Result
	var err error
	w.inProgress(ctx, msg, wait, func() { res, err = f() })
	return res, err
}

// analyse extracts and analyses one file as a local ingest does: bytes
// that travelled in the job go to the extraction child as they are, a
// file from the object store is copied into dir first, one on a shared
// file system (--shared-fs) is read in place. Errors are those that are
// not the file's: the job should run again.
func (w *Worker) analyse(ctx context.Context, job Job, dir string) (*Result, error) {
	// First the pool: a new one starts its children while the rules
	// and the bytes are fetched.
	pool, err := w.pool(job.Limits)
	if err != nil {
		return nil, err
	}
	tagger, err := w.tagger(ctx, w.files, job.Rules)
	if err != nil {
		return nil, err
	}
	var doc *corpus.Document
	switch {
	case job.Path != "":
		if job.Verify || w.opts.BytesOnly {
			if why := w.inPlace(ctx, job); why != nil {
				return &Result{Reason: reasonNeedBytes, Detail: why.Error()}, nil
			}
		}
		doc, err = pool.ExtractAs(ctx, job.Path, job.Name)
	case job.Inline:
		// The bytes go to the child through its pipe: no local copy
		// to write, read back and delete.
		if err := checkInline(job); err != nil {
			return nil, err
		}
		doc, err = pool.ExtractBytesAs(ctx, job.Data, job.Name)
	default:
		// The copy keeps the file's base name: formats that cannot be
		// sniffed (Markdown) are told by it.
		base := filepath.Base(job.Name)
		if base == "." || base == ".." || base == string(filepath.Separator) {
			base = "file"
		}
		path := filepath.Join(dir, base)
		// One left by a job this slot gave up on would be taken for
		// this one's.
		_ = os.Remove(path)
		defer os.Remove(path)
		if err := w.fetch(ctx, job, path); err != nil {
			return nil, err
		}
		doc, err = pool.ExtractAs(ctx, path, job.Name)
	}
	if err == nil {
		err = pipeline.AnalyseExtracted(doc, tagger, job.Name, job.Limits.MaxPassages)
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return &Result{Reason: string(corpus.ReasonOf(err)), Detail: pipeline.FailureDetail(err)}, nil
	}
	return &Result{Doc: doc}, nil
}

// inPlace says why the worker cannot read the job's file at its path,
// nil when it can: the file there must hold the job's bytes.
func (w *Worker) inPlace(ctx context.Context, job Job) error {
	if w.opts.BytesOnly {
		return errors.New("this worker reads no file in place (--bytes-only)")
	}
	if inPlaceTestHook(job.Name) {
		return errors.New("hidden from this worker by a test")
	}
	sum, err := pipeline.HashFile(ctx, job.Path, max(job.Size, 1))
	if err != nil {
		return err
	}
	if sum != job.SHA256 {
		return fmt.Errorf("%s holds other bytes here", job.Path)
	}
	return nil
}

// checkInline checks that the bytes a job carries are the file's: its
// size limit and its SHA-256.
func checkInline(job Job) error {
	max := job.Limits.MaxFileSize
	if max <= 0 {
		max = extract.DefaultMaxFileSize
	}
	if sum := sha256.Sum256(job.Data); int64(len(job.Data)) > max || hex.EncodeToString(sum[:]) != job.SHA256 {
		return fmt.Errorf("job for %s: its bytes are not the file's (%d bytes)", job.Name, len(job.Data))
	}
	return nil
}

// fetch copies a file's bytes from the object store to path, checking
// their size and SHA-256: the object's digest must be the job's, and the
// object store checks the bytes against that digest as they end (a
// mismatch fails the read), so they are hashed once, not twice.
func (w *Worker) fetch(ctx context.Context, job Job, path string) error {
	obj, err := w.files.Get(ctx, job.SHA256)
	if err != nil {
		return fmt.Errorf("fetch %s (%s): %w", job.Name, job.SHA256[:12], err)
	}
	defer obj.Close()
	info, err := obj.Info()
	if err != nil {
		return fmt.Errorf("fetch %s (%s): %w", job.Name, job.SHA256[:12], err)
	}
	if info.Digest != objectDigest(job.SHA256) {
		return fmt.Errorf("fetch %s: the stored object is not the file's bytes (digest %s)", job.Name, info.Digest)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("local copy of %s: %w", job.Name, err)
	}
	defer f.Close()
	max := job.Limits.MaxFileSize
	if max <= 0 {
		max = extract.DefaultMaxFileSize
	}
	// The object store hands chunks over through an in-memory pipe: a
	// buffer of a chunk's size takes one in a read or two, where io.Copy's
	// 32 KiB took thirty-two, each a hand-over between goroutines and a
	// write to the file. (The struct hides the file's ReadFrom, which
	// would use 32 KiB.)
	buf := make([]byte, fileChunk(w.nc.MaxPayload()))
	n, err := io.CopyBuffer(struct{ io.Writer }{f}, io.LimitReader(obj, max+1), buf)
	if err != nil {
		return fmt.Errorf("fetch %s: %w", job.Name, err)
	}
	if n > max || uint64(n) != info.Size {
		return fmt.Errorf("fetch %s: the stored object is not the file's bytes (%d bytes)", job.Name, n)
	}
	return f.Close()
}

func (w *Worker) pool(l Limits) (*isolate.Pool, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if p := w.pools[l]; p != nil {
		return p, nil
	}
	p, err := isolate.NewPool(isolate.Options{
		Executable:  w.opts.Executable,
		Workers:     w.opts.Workers,
		Timeout:     l.Timeout,
		MemoryLimit: l.MemoryLimit,
		Extract:     extract.Options{Password: w.opts.Password, MaxFileSize: l.MaxFileSize, MaxTextSize: l.MaxTextSize},
		Logger:      w.log,
	}.WithOCR(w.ocrConfig(l.OCR)))
	if err != nil {
		return nil, err
	}
	p.Warm(w.opts.Workers)
	w.pools[l] = p
	return p, nil
}

// ocrConfig finds this worker's Tesseract for the coordinator's OCR
// settings. A worker without it (or without the language asked for)
// reads no page by OCR: scans then fail as no-text with the install
// hint, as in a local ingest on such a machine, and it says so once per
// setting.
func (w *Worker) ocrConfig(s OCRSettings) ocr.Config {
	if s.Mode == "" {
		return ocr.Config{Mode: ocr.Never}
	}
	mode, err := ocr.ParseMode(s.Mode)
	if err == nil {
		var cfg ocr.Config
		if cfg, err = ocr.Find(context.Background(), mode, s.Langs); err == nil {
			if s.PageTimeout > 0 {
				cfg.PageTimeout = s.PageTimeout
			}
			if s.Timeout > 0 {
				cfg.DocumentTimeout = s.Timeout
			}
			if mode != ocr.Never && !cfg.Ready() {
				w.log.Warn("this worker reads no scanned page: " + ocr.InstallHint)
			}
			return cfg
		}
	}
	w.log.Warn("this worker reads no scanned page", "ocr", s.Mode, "ocr-lang", s.Langs, "err", err)
	return ocr.Config{Mode: ocr.Never}
}

func (w *Worker) closePools() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, p := range w.pools {
		p.Close()
	}
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
