package remote

import (
	"bytes"
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
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/internal/safefile"
	"github.com/normtag/normtag/pipeline"
	"github.com/normtag/normtag/pipeline/extract"
)

// ErrUnavailable is wrapped by the coordinator's errors that are not a
// file's fault (NATS unreachable, a result that cannot be read); it
// wraps pipeline.ErrAnalyserUnavailable, so the file is left for the
// next run instead of being recorded as failed.
var ErrUnavailable = fmt.Errorf("workers unreachable: %w", pipeline.ErrAnalyserUnavailable)

// CoordinatorOptions configures a Coordinator.
type CoordinatorOptions struct {
	Names Names
	// Access says how workers get the files' bytes (default
	// AccessDetect).
	Access FileAccess
	// ProbeDir is a folder of the coordinator's (its data directory)
	// where, with AccessDetect, it writes the probe file by which
	// workers tell that they see its files. Without it, AccessDetect
	// sends bytes.
	ProbeDir string
	// Limits are the run's limits, applied by every worker.
	Limits Limits
	// Rules is the rules file; nil for the built-in rules. Results are
	// matched to them by jobKey.
	Rules []byte
	// Replicas of the streams and buckets (1 for a single server).
	Replicas int
	// MaxDeliveries bounds the deliveries of one job (default
	// DefaultMaxDeliveries).
	MaxDeliveries int
	// AckWait is how long a job may go without word from its worker
	// before it is handed to another (default 30s); workers say "in
	// progress" three times per AckWait.
	AckWait time.Duration
	Logger  *slog.Logger
}

// Coordinator sends a run's files to workers and collects the results.
// It implements pipeline.Analyser; pipeline.Ingest stays the one writer.
type Coordinator struct {
	opts    CoordinatorOptions
	nc      *nats.Conn
	js      jetstream.JetStream
	log     *slog.Logger
	files   jetstream.ObjectStore
	results *resultTransport
	cons    jetstream.Consumer
	rules   string // SHA-256 of the rules file, "" for the built-in rules
	key     string
	// inline is the largest file sent in its job.
	inline int64
	// earlier is set when the result stream held results when this run
	// began: only then can a document's result be there before its job
	// is published (a killed run published it), so only then is it
	// looked up first.
	earlier bool

	// lane orders uploads (see uploadLane).
	lane uploadLane

	arrivals jetstream.ConsumeContext
	sub      *nats.Subscription

	mu      sync.Mutex
	waiters map[string][]chan resultMsg
	workers map[string]time.Time
	// slots holds the jobs each worker heard from works on at once.
	slots map[string]int
	used  map[string]bool // files uploaded this run (or by a killed one)
	// unstored holds the files whose documents Analyse returned and
	// the writer has not stored yet (see Stored); paced is closed and
	// replaced whenever the writer stores some.
	unstored map[string]bool
	paced    chan struct{}
	// arrivedSums holds the documents whose results arrived this run.
	arrivedSums map[string]bool
	// probed holds the workers that looked at this run's probe file,
	// and sees those that read it.
	probed, sees map[string]bool
	// ready is the word on QueueReady, set before heartbeats are heard;
	// readyAgain when it may be said again to a worker that did not hear
	// it.
	ready      []byte
	readyAgain time.Time
	// probeDeadline is set by the run's first job: until then, jobs wait
	// for the workers heard from to look at the probe file.
	probeDeadline time.Time
	// bounced is set once a worker could not read a file in place: the
	// rest of the run sends bytes (AccessDetect).
	bounced bool

	// probePath and probeSum are the probe file's path and the SHA-256
	// of its random content (AccessDetect).
	probePath, probeSum string

	outstanding atomic.Int64
	done        atomic.Int64
}

// resultMsg is a result message as it arrived: its body is the encoded
// result, or nothing when a header says it is in the large-results bucket.
type resultMsg struct {
	header nats.Header
	data   []byte
}

// NewCoordinator creates (or updates) the corpus's queue and buckets and
// starts watching for results.
func NewCoordinator(ctx context.Context, nc *nats.Conn, js jetstream.JetStream, opts CoordinatorOptions) (_ *Coordinator, err error) {
	if opts.Replicas <= 0 {
		opts.Replicas = 1
	}
	if opts.MaxDeliveries <= 0 {
		opts.MaxDeliveries = DefaultMaxDeliveries
	}
	if opts.AckWait <= 0 {
		opts.AckWait = ackWait
	}
	if opts.Limits.MaxFileSize <= 0 {
		opts.Limits.MaxFileSize = extract.DefaultMaxFileSize
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c := &Coordinator{opts: opts, nc: nc, js: js, log: log, waiters: map[string][]chan resultMsg{}, workers: map[string]time.Time{},
		slots: map[string]int{}, used: map[string]bool{}, unstored: map[string]bool{}, paced: make(chan struct{}), arrivedSums: map[string]bool{},
		probed: map[string]bool{}, sees: map[string]bool{}}
	c.inline = inlineMax(nc.MaxPayload())
	if opts.Access == AccessDetect {
		var perr error
		if c.probePath, c.probeSum, perr = writeProbe(opts.ProbeDir); perr != nil {
			log.Debug("workers get bytes: no probe file", "err", perr)
		}
	}
	// The run's limits go to waiting workers before the queue is made:
	// they start their extraction processes for them meanwhile, not when
	// the first job comes. The word is made before any heartbeat is
	// heard: heard says it again to workers that missed it.
	if c.ready, err = json.Marshal(readyWord{Limits: opts.Limits, Probe: c.probePath}); err != nil {
		c.Close()
		return nil, fmt.Errorf("encode limits: %w", err)
	}
	n := opts.Names
	// Workers answer the word on QueueReady with a heartbeat: listening
	// first, the coordinator knows at once how many jobs they take.
	if c.sub, err = nc.Subscribe(n.Heartbeats(), c.heard); err != nil {
		c.Close()
		return nil, fmt.Errorf("subscribe %s: %w", n.Heartbeats(), err)
	}
	if err := nc.Publish(n.QueueReady(), c.ready); err != nil {
		log.Debug("send the run's limits to waiting workers", "err", err)
	}
	defer func() {
		if err != nil {
			c.Close()
		}
	}()
	// The queue, the buckets and the results stream are made (or
	// checked) at once: each is a request or two to JetStream, and a run
	// waits for them before its first job.
	var (
		wg     sync.WaitGroup
		errs   [4]error
		stream jetstream.Stream
		large  jetstream.ObjectStore
	)
	wg.Add(4)
	go func() {
		defer wg.Done()
		// A job names a file and holds its bytes only when they are
		// small; larger ones travel in the files bucket.
		_, c.cons, errs[0] = workQueue(ctx, js, n.JobStream(), n.JobSubject(), n.Consumer(), int32(min(jobMaxSize, nc.MaxPayload())), opts.Replicas, opts.AckWait, opts.MaxDeliveries)
	}()
	go func() {
		defer wg.Done()
		if c.files, errs[1] = objectStore(ctx, js, n.Files(), resultTTL, opts.Replicas); errs[1] == nil && opts.Rules != nil {
			errs[1] = c.uploadRules(ctx, opts.Rules)
		}
	}()
	go func() {
		defer wg.Done()
		if stream, errs[2] = resultStream(ctx, js, n, opts.Replicas); errs[2] == nil {
			errs[2] = c.follow(ctx, stream)
		}
	}()
	go func() {
		defer wg.Done()
		large, errs[3] = objectStore(ctx, js, n.LargeResults(), resultTTL, opts.Replicas)
	}()
	wg.Wait()
	for _, err = range errs {
		if err != nil {
			return nil, err
		}
	}
	c.results = newResultTransport(ctx, js, n, stream, large)
	c.key = jobKey(c.rules, opts.Limits)
	// Workers started with this run wait for the queue; they look again
	// only every second unless told. A lost word costs that second only.
	if err := nc.Publish(n.QueueReady(), c.ready); err != nil {
		log.Debug("say the job queue is ready", "err", err)
	}
	return c, nil
}

// uploadRules puts the rules file in the files bucket unless it is there.
func (c *Coordinator) uploadRules(ctx context.Context, rules []byte) error {
	sum := sha256.Sum256(rules)
	c.rules = hex.EncodeToString(sum[:])
	if _, err := c.files.GetInfo(ctx, c.rules); errors.Is(err, jetstream.ErrObjectNotFound) {
		if _, err := c.files.PutBytes(ctx, c.rules, rules); err != nil {
			return fmt.Errorf("upload rules: %w", err)
		}
	} else if err != nil {
		return fmt.Errorf("look up rules: %w", err)
	}
	return nil
}

// follow starts receiving the results stored in stream from now on.
// Results are delivered from the stream's end as it was before the first
// job is published, so that none is missed; the ones already there are
// looked up one by one.
func (c *Coordinator) follow(ctx context.Context, stream jetstream.Stream) error {
	state := stream.CachedInfo().State
	c.earlier = state.Msgs > 0
	arrivals, err := stream.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{
		DeliverPolicy: jetstream.DeliverByStartSequencePolicy, OptStartSeq: state.LastSeq + 1,
	})
	if err != nil {
		return fmt.Errorf("follow results: %w", err)
	}
	if c.arrivals, err = arrivals.Consume(c.dispatch); err != nil {
		return fmt.Errorf("follow results: %w", err)
	}
	return nil
}

// heard records a worker's heartbeat: its id, and how many jobs it works
// on at once (slotsHeader; one when it does not say).
func (c *Coordinator) heard(m *nats.Msg) {
	slots := 1
	if n, err := strconv.Atoi(m.Header.Get(slotsHeader)); err == nil && n > 0 {
		slots = min(n, maxSlots)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	id := string(m.Data)
	c.workers[id] = time.Now()
	c.probed[id] = c.probePath != "" && m.Header.Get(probedHeader) == c.probePath
	c.sees[id] = c.probeSum != "" && m.Header.Get(seesHeader) == c.probeSum
	if c.probePath != "" && !c.probed[id] && time.Now().After(c.readyAgain) {
		// A worker that started after the word on QueueReady: it is
		// said again, at most once a second, for it to look at the
		// probe file.
		c.readyAgain = time.Now().Add(time.Second)
		_ = c.nc.Publish(c.opts.Names.QueueReady(), c.ready)
	}
	if c.slots[string(m.Data)] != slots {
		// More places may let held-back jobs go (see pace).
		c.slots[string(m.Data)] = slots
		close(c.paced)
		c.paced = make(chan struct{})
	}
}

// dispatch hands each result that arrives to the callers waiting for
// it; they decode it, in parallel.
func (c *Coordinator) dispatch(m jetstream.Msg) {
	sum := strings.TrimPrefix(m.Subject(), c.opts.Names.ResultSubject(""))
	c.mu.Lock()
	ws := c.waiters[sum]
	c.arrivedSums[sum] = true
	c.mu.Unlock()
	for _, w := range ws {
		select {
		case w <- resultMsg{header: m.Headers(), data: m.Data()}:
		default:
			// Its waiter has results it has not looked at yet; it
			// looks the latest up itself now and then.
		}
	}
}

// Close stops receiving results and removes the probe file. It leaves
// the queue and buckets in place.
func (c *Coordinator) Close() {
	if c.probePath != "" {
		os.Remove(c.probePath)
	}
	if c.sub != nil {
		c.sub.Unsubscribe()
	}
	if c.arrivals != nil {
		c.arrivals.Stop()
	}
}

// Analyse implements pipeline.Analyser: it publishes the file's job
// unless a result is there already (from a run that was killed), with
// the file's path, its bytes or after uploading them, and waits for the
// result.
func (c *Coordinator) Analyse(ctx context.Context, cand pipeline.Candidate, sum string) (*corpus.Document, error) {
	wake := make(chan resultMsg, 4)
	c.mu.Lock()
	c.waiters[sum] = append(c.waiters[sum], wake)
	// A result that arrived before this file's turn (another file with
	// the same bytes had the job published) is not delivered again.
	arrived := c.arrivedSums[sum]
	c.mu.Unlock()
	defer c.forget(sum, wake)

	// needBytes is set once a worker said it cannot read the file in
	// place, in this run or a killed one.
	needBytes := false
	if c.earlier || arrived {
		res, err := c.latest(ctx, sum)
		if res != nil && res.Reason == reasonNeedBytes {
			res, needBytes = nil, true
		}
		if err != nil || res != nil {
			if res != nil && c.opts.Access != AccessPaths && cand.Info.Size() > c.inline {
				// The killed run may have uploaded the bytes: they
				// go with this run's.
				c.markUsed(sum)
			}
			return c.finish(cand, res, err)
		}
	}
	if m, arrived, err := c.pace(ctx, wake); err != nil {
		return nil, err
	} else if arrived {
		// Another file with the same bytes had the job published: its
		// result serves this one too, without a job of its own.
		res, err := c.arrived(ctx, sum, m)
		if res != nil && res.Reason == reasonNeedBytes {
			res, needBytes = nil, true
		}
		if err != nil || res != nil {
			return c.finish(cand, res, err)
		}
	}
	// Small files travel in their jobs whatever the workers see: that
	// costs less than a worker opening, hashing and handing on a path.
	byPath := !needBytes && (c.opts.Access == AccessPaths || cand.Info.Size() > c.inline) && c.inPlace(ctx)
	if err := c.send(ctx, cand, sum, byPath); err != nil {
		return nil, err
	}
	c.outstanding.Add(1)
	defer c.outstanding.Add(-1)
	for {
		var res *Result
		var err error
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case m := <-wake:
			res, err = c.arrived(ctx, sum, m)
		case <-time.After(time.Minute):
			// The delivery may have been interrupted by a
			// reconnect: look again now and then rather than wait
			// forever.
			res, err = c.latest(ctx, sum)
		}
		if err == nil && res != nil && res.Reason == reasonNeedBytes {
			// The worker cannot read the file where this machine
			// does: its bytes go instead, once.
			if !needBytes {
				needBytes = true
				c.bounce(res)
				if err := c.send(ctx, cand, sum, false); err != nil {
					return nil, err
				}
			}
			continue
		}
		if err != nil || res != nil {
			return c.finish(cand, res, err)
		}
	}
}

// send publishes the job for cand: its path when inPlace, else its bytes
// in the job or in the files bucket.
func (c *Coordinator) send(ctx context.Context, cand pipeline.Candidate, sum string, inPlace bool) error {
	job := Job{SHA256: sum, Name: cand.Path, Size: cand.Info.Size(), Rules: c.rules, Limits: c.opts.Limits, Key: c.key}
	switch {
	case inPlace:
		path, err := filepath.Abs(cand.Path)
		if err != nil {
			return fmt.Errorf("%w: path of %s: %w", ErrUnavailable, cand.Path, err)
		}
		job.Path, job.Verify = path, c.opts.Access != AccessPaths
	case cand.Info.Size() <= c.inline:
		data, err := c.read(ctx, cand.Path, sum)
		if err != nil {
			return err
		}
		if int64(len(data)) <= c.inline {
			job.Inline, job.Data = true, data
			break
		}
		// It grew since it was found: it goes as a large file.
		fallthrough
	default:
		if err := c.upload(ctx, cand.Path, sum); err != nil {
			return err
		}
	}
	data, err := encodeJob(&job)
	if err != nil {
		return err
	}
	if int64(len(data)) > jobFits(c.nc.MaxPayload()) {
		// A name so long that the bytes (or the path) no longer fit
		// beside it: they go through the files bucket.
		job.Inline, job.Data, job.Path, job.Verify = false, nil, "", false
		if err := c.upload(ctx, cand.Path, sum); err != nil {
			return err
		}
		if data, err = encodeJob(&job); err != nil {
			return err
		}
	}
	// The id is the document's SHA-256 with the rules and limits it is
	// analysed under, and how its bytes travel: a publish retried (by a
	// coordinator started again) is the same job, while the same bytes
	// under new rules are another, and so are they sent after a worker
	// could not read them in place.
	id := sum + "-" + c.key
	if job.Path != "" {
		id += "-path"
	}
	if err := retry(ctx, func() error {
		_, err := c.js.PublishMsg(ctx, &nats.Msg{Subject: c.opts.Names.JobSubject(), Data: data}, jetstream.WithMsgID(id))
		return err
	}); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("%w: publish job for %s: %w", ErrUnavailable, cand.Path, err)
	}
	return nil
}

// inPlace reports whether jobs go out with paths: always with
// AccessPaths; with AccessDetect, while workers heard from lately have
// read the probe file and none has failed to (or to read a file in
// place); those yet to look at it are waited for until probeWait after
// the run's first job.
func (c *Coordinator) inPlace(ctx context.Context) bool {
	switch c.opts.Access {
	case AccessPaths:
		return true
	case AccessBytes:
		return false
	}
	c.mu.Lock()
	if c.probeDeadline.IsZero() {
		c.probeDeadline = time.Now().Add(probeWait)
	}
	deadline := c.probeDeadline
	c.mu.Unlock()
	for {
		yes, unknown, no := c.probeAnswers()
		if unknown && !no && time.Now().Before(deadline) && ctx.Err() == nil {
			sleep(ctx, 5*time.Millisecond)
			continue
		}
		return yes && !no
	}
}

// probeAnswers sums up the workers heard from lately: some read the probe
// file (yes), some have not looked at it yet (unknown), some could not
// read it or could not read a file in place (no).
func (c *Coordinator) probeAnswers() (yes, unknown, no bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.bounced || c.probeSum == "" {
		return false, false, true
	}
	for id, at := range c.workers {
		switch {
		case !heardLately(at):
		case c.sees[id]:
			yes = true
		case c.probed[id]:
			no = true
		default:
			unknown = true
		}
	}
	return yes, unknown, no
}

// bounce records that a worker could not read a file in place: the rest
// of the run sends bytes.
func (c *Coordinator) bounce(res *Result) {
	c.mu.Lock()
	first := !c.bounced
	c.bounced = true
	c.mu.Unlock()
	if first {
		c.log.Info("a worker cannot read the files in place: sending their bytes", "worker", res.Worker, "file", res.Name, "why", res.Detail)
	}
}

func (c *Coordinator) forget(sum string, wake chan resultMsg) {
	c.mu.Lock()
	defer c.mu.Unlock()
	forgetWaiter(c.waiters, sum, wake)
}

// forgetWaiter takes wake out of the waiters of key, and key out of
// waiters once none is left; the caller holds the lock guarding waiters.
func forgetWaiter[C comparable](waiters map[string][]C, key string, wake C) {
	ws := waiters[key]
	for i, w := range ws {
		if w == wake {
			waiters[key] = append(ws[:i:i], ws[i+1:]...)
			break
		}
	}
	if len(waiters[key]) == 0 {
		delete(waiters, key)
	}
}

// latest returns this job's stored result, or nil when there is none
// yet.
func (c *Coordinator) latest(ctx context.Context, sum string) (*Result, error) {
	var data []byte
	err := retry(ctx, func() (err error) {
		data, err = c.results.latest(ctx, sum)
		return err
	})
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%w: read result %s: %w", ErrUnavailable, sum[:12], err)
	}
	if data == nil {
		return nil, nil
	}
	return c.decode(data, sum)
}

// arrived reads a result message as it was delivered.
func (c *Coordinator) arrived(ctx context.Context, sum string, m resultMsg) (*Result, error) {
	var data []byte
	err := retry(ctx, func() (err error) {
		data, err = c.results.body(ctx, sum, m.header, m.data)
		return err
	})
	if errors.Is(err, jetstream.ErrObjectNotFound) {
		// Expired or replaced meanwhile: what is stored now counts.
		return c.latest(ctx, sum)
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%w: read result %s: %w", ErrUnavailable, sum[:12], err)
	}
	return c.decode(data, sum)
}

// decode reads an encoded result. A result made under other rules or
// limits is not this job's: it returns nil.
func (c *Coordinator) decode(data []byte, sum string) (*Result, error) {
	// Text is bounded by --max-text-size; passages, tags and framing
	// add a few times that.
	max := 8*c.opts.Limits.MaxTextSize + 64<<20
	res, err := decodeResult(data, max)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	if res.Key != c.key || res.SHA256 != sum {
		return nil, nil
	}
	return res, nil
}

// finish turns a worker's result into what a local analysis of cand
// returns.
func (c *Coordinator) finish(cand pipeline.Candidate, res *Result, err error) (*corpus.Document, error) {
	if err != nil {
		return nil, err
	}
	c.done.Add(1)
	if res.Reason != "" {
		detail := res.Detail
		if res.Name != cand.Path {
			// The same bytes under another path were analysed: say
			// which file this is, as a local run would.
			detail = strings.ReplaceAll(detail, res.Name, cand.Path)
		}
		return nil, &corpus.Error{Reason: corpus.Reason(res.Reason), Err: errors.New(detail)}
	}
	if res.Doc == nil {
		return nil, fmt.Errorf("%w: result for %s holds no document", ErrUnavailable, cand.Path)
	}
	res.Doc.FileName = filepath.Base(cand.Path)
	c.mu.Lock()
	c.unstored[cand.Path] = true
	c.mu.Unlock()
	return res.Doc, nil
}

// Pacing. Workers that analyse faster than the writer stores would run
// far ahead of it with every job the run may have in flight: on a machine
// they share with the coordinator, they then take the cores while the
// writer has the most to do, and leave them idle at the end while it
// stores the documents that piled up. So a job is published only while
// the jobs unanswered and the documents not stored yet are fewer than
// the workers' places twice over, plus two store batches for the writer
// (storeAhead) and a few for jobs on their way (jobsAhead). When the
// writer keeps up (slow extraction, OCR), nothing waits for it and the
// run's own limit on jobs in flight (ingest --jobs) is what counts.
const (
	storeAhead = 64
	jobsAhead  = 8
	// maxSlots bounds the places one worker's heartbeat may claim.
	maxSlots = 1024
	// paceWait bounds one wait for the writer: a document the writer
	// never reports (its store failed) must not stop the run.
	paceWait = 5 * time.Second
)

// pace waits until a job may be published (see storeAhead), or until a
// result for the job arrives on wake (arrived), published by another
// file with the same bytes: the writer may be holding that file's copies
// back until this file is stored (see pipeline's copyOrder), and they
// must not keep it waiting for the writer.
func (c *Coordinator) pace(ctx context.Context, wake <-chan resultMsg) (m resultMsg, arrived bool, err error) {
	var timeout <-chan time.Time
	for {
		c.mu.Lock()
		slots := 0
		for id, n := range c.slots {
			if heardLately(c.workers[id]) {
				slots += n
			}
		}
		ahead := int(c.outstanding.Load()) + len(c.unstored)
		paced := c.paced
		c.mu.Unlock()
		if ahead < storeAhead+jobsAhead+2*slots {
			return m, false, nil
		}
		if timeout == nil {
			t := time.NewTimer(paceWait)
			defer t.Stop()
			timeout = t.C
		}
		select {
		case <-ctx.Done():
			return m, false, ctx.Err()
		case <-timeout:
			return m, false, nil
		case m = <-wake:
			return m, true, nil
		case <-paced:
		}
	}
}

// Stored tells the coordinator that the writer is done with the file at
// path (stored, or failed): jobs held back for it may go (see pace). A
// file it did not analyse is ignored.
func (c *Coordinator) Stored(path string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.unstored[path] {
		return
	}
	delete(c.unstored, path)
	close(c.paced)
	c.paced = make(chan struct{})
}

// upload sends the file's bytes to the files bucket unless an object of
// that SHA-256 is there already.
func (c *Coordinator) upload(ctx context.Context, path, sum string) error {
	c.markUsed(sum)
	err := retry(ctx, func() error { return c.uploadOnce(ctx, path, sum) })
	var ce *corpus.Error
	switch {
	case err == nil || errors.As(err, &ce):
		return err // a *corpus.Error names the file
	case ctx.Err() != nil:
		return ctx.Err()
	}
	return fmt.Errorf("%w: upload %s: %w", ErrUnavailable, path, err)
}

func (c *Coordinator) markUsed(sum string) {
	c.mu.Lock()
	c.used[sum] = true
	c.mu.Unlock()
}

// read returns a small file's bytes, checking they are still those
// hashed as sum.
func (c *Coordinator) read(ctx context.Context, path, sum string) ([]byte, error) {
	f, info, err := safefile.Open(path, c.opts.Limits.MaxFileSize)
	if err != nil {
		return nil, err // a *corpus.Error naming the file
	}
	defer f.Close()
	var b bytes.Buffer
	b.Grow(int(min(info.Size(), c.inline)) + 1)
	h := sha256.New()
	if _, err := safefile.Copy(ctx, io.MultiWriter(&b, h), f, c.opts.Limits.MaxFileSize); err != nil {
		return nil, err // a *corpus.Error, or ctx's
	}
	if hex.EncodeToString(h.Sum(nil)) != sum {
		// Changed since it was hashed: the worker would extract other
		// bytes than the document's id says.
		return nil, corpus.Errorf(corpus.ReasonUnreadable, "%s: the file changed while it was being ingested", path)
	}
	return b.Bytes(), nil
}

func (c *Coordinator) uploadOnce(ctx context.Context, path, sum string) error {
	if _, err := c.files.GetInfo(ctx, sum); err == nil {
		return nil
	} else if !errors.Is(err, jetstream.ErrObjectNotFound) {
		return fmt.Errorf("look up %s: %w", sum[:12], err)
	}
	f, info, err := safefile.Open(path, c.opts.Limits.MaxFileSize)
	if err != nil {
		return err // a *corpus.Error naming the file
	}
	defer f.Close()
	if err := c.lane.enter(ctx, info.Size()); err != nil {
		return err
	}
	defer c.lane.leave()
	meta := jetstream.ObjectMeta{Name: sum, Opts: &jetstream.ObjectMetaOptions{ChunkSize: fileChunk(c.nc.MaxPayload())}}
	stored, err := c.files.Put(ctx, meta, &limitedReader{ctx: ctx, r: f, left: c.opts.Limits.MaxFileSize})
	if err != nil {
		return err
	}
	if stored.Digest != objectDigest(sum) {
		// Changed since it was hashed: the worker would extract other
		// bytes than the document's id says.
		_ = c.files.Delete(ctx, sum)
		return corpus.Errorf(corpus.ReasonUnreadable, "%s: the file changed while it was being ingested", path)
	}
	return nil
}

// retryFor is how long the coordinator keeps retrying a JetStream call
// that fails for a reason that is not the file's: long enough for a
// cluster that lost a node to elect new leaders, short enough that a
// NATS gone for good leaves the files for the next run soon.
const retryFor = 30 * time.Second

// retry calls f until it succeeds, fails for a reason retrying cannot
// mend (the file's: a *corpus.Error; an object that is not there), ctx
// ends or retryFor has passed, and returns its last error.
func retry(ctx context.Context, f func() error) error {
	deadline := time.Now().Add(retryFor)
	wait := 200 * time.Millisecond
	for {
		err := f()
		var ce *corpus.Error
		if err == nil || ctx.Err() != nil || errors.As(err, &ce) || errors.Is(err, jetstream.ErrObjectNotFound) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
		wait = min(2*wait, 2*time.Second)
	}
}

// Progress is what the coordinator knows of the workers.
type Progress struct {
	Workers int `json:"workers"`
	Queued  int `json:"queued"`
	Running int `json:"running"`
	Done    int `json:"done"`
}

// Progress counts workers heard from lately, jobs waiting, jobs being
// worked on and results received this run.
func (c *Coordinator) Progress(ctx context.Context) Progress {
	return countProgress(ctx, &c.mu, c.workers, c.cons, &c.outstanding, &c.done)
}

// countProgress is Progress for both coordinators: workers, the heartbeat
// times guarded by mu (those not heard from lately are forgotten); cons,
// the job queue's consumer; outstanding, the jobs sent and not answered;
// done, the results received.
func countProgress(ctx context.Context, mu *sync.Mutex, workers map[string]time.Time, cons jetstream.Consumer, outstanding, done *atomic.Int64) Progress {
	var p Progress
	mu.Lock()
	for id, at := range workers {
		if heardLately(at) {
			p.Workers++
		} else {
			delete(workers, id)
		}
	}
	mu.Unlock()
	if info, err := cons.Info(ctx); err == nil {
		p.Running = info.NumAckPending
	}
	p.Queued = max(0, int(outstanding.Load())-p.Running)
	p.Done = int(done.Load())
	return p
}

// Cleanup deletes the uploaded files of this run, once their documents
// are committed. Results stay until they expire: a job published again
// within the stream's de-duplication window is not run again, and its
// result must still be there.
func (c *Coordinator) Cleanup(ctx context.Context) error {
	c.mu.Lock()
	used := make([]string, 0, len(c.used))
	for sum := range c.used {
		used = append(used, sum)
	}
	c.mu.Unlock()
	var errs []error
	for _, sum := range used {
		if err := c.files.Delete(ctx, sum); err != nil && !errors.Is(err, jetstream.ErrObjectNotFound) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
