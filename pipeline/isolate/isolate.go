// Package isolate extracts files in child processes, so that a parser that
// panics, loops forever or exhausts memory on a hostile file takes down
// only its child: the document is reported with a reason (crashed,
// timeout, too-large) and the child is replaced.
//
// A child is the normtag binary run with the hidden subcommand
// ChildCommand, which calls ServeChild. It talks to its parent over two
// pipes of its own (not standard output), starting with a versioned hello,
// so a binary that is not a normtag child fails the handshake clearly.
// Children are pooled and reused, so the cost per document is a round trip
// over a pipe rather than a process start. They die with their parent and
// carry a CPU-time limit, so a killed normtag leaves no parser spinning.
package isolate

import (
	"bufio"
	"bytes"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/pipeline/extract"
	"github.com/normtag/normtag/pipeline/extract/ocr"
)

// Defaults.
const (
	DefaultTimeout     = 60 * time.Second
	DefaultMemoryLimit = 2 << 30
	// docsPerChild bounds how many documents one child extracts before it
	// is replaced, so leaks in a parser cannot accumulate.
	docsPerChild = 200
	// defaultHandshakeTimeout bounds how long a starting child may take
	// to say hello.
	defaultHandshakeTimeout = 15 * time.Second
)

// Options configures a Pool.
type Options struct {
	// Executable is the normtag binary whose ChildCommand serves as the
	// child (the CLI passes its own executable). Required.
	Executable string
	// Workers is the most children alive at once (default runtime.NumCPU()).
	Workers int
	// Timeout bounds one document's extraction, wall clock.
	Timeout time.Duration
	// MemoryLimit caps each child's memory, in bytes: its address space
	// on Unix, its committed memory (through a job object) on Windows.
	MemoryLimit int64
	// CPULimit bounds the CPU time one document may use (default twice
	// Timeout plus ten seconds). It holds even when the parent is gone.
	// Not enforced on Windows, where children die with their parent.
	CPULimit time.Duration
	// Extract is passed to extract.File in the child.
	Extract extract.Options
	// OCRTimeout is the wall-clock time a document gets on top of
	// Timeout once its child says it reads pages by OCR (the OCR has its
	// own limits inside the child; this one is the parent's backstop).
	OCRTimeout time.Duration
	Logger     *slog.Logger
}

// WithOCR gives the pool's children an OCR config, and a document that
// its child reads by OCR its OCR time on top of Timeout (parsing keeps
// the shorter limit): the child's own limits stop a slow OCR first, with
// the pages read so far, and the parent's is the backstop.
func (o Options) WithOCR(cfg ocr.Config) Options {
	o.Extract.OCR = cfg
	if cfg.Ready() {
		o.OCRTimeout = cfg.DocumentTimeout + 10*time.Second
	}
	return o
}

// Pool runs extractions in child processes. It is safe for concurrent use.
type Pool struct {
	opts      Options
	log       *slog.Logger
	handshake time.Duration
	jobs      *jobs
	slots     chan struct{}
	mu        sync.Mutex
	// ready is signalled when a child started ahead (Warm) is ready or
	// failed to start.
	ready  *sync.Cond
	idle   []*child
	closed bool
	// warming counts the children Warm is starting.
	warming int
	// started counts the children started, for tests.
	started atomic.Int32
}

// NewPool prepares a pool; children start on first use.
func NewPool(opts Options) (*Pool, error) {
	if opts.Executable == "" {
		return nil, errors.New("isolate: no executable to run extraction children")
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.NumCPU()
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.MemoryLimit <= 0 {
		opts.MemoryLimit = DefaultMemoryLimit
	}
	if opts.CPULimit <= 0 {
		opts.CPULimit = 2*opts.Timeout + 10*time.Second
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	j, err := newJobs(opts.MemoryLimit)
	if err != nil {
		return nil, err
	}
	p := &Pool{opts: opts, log: log, handshake: defaultHandshakeTimeout, jobs: j, slots: make(chan struct{}, opts.Workers)}
	p.ready = sync.NewCond(&p.mu)
	return p, nil
}

// Warm starts n children (at most Workers) in the background, so that
// the first extractions find them started: a child's start (the
// executable's start, the handshake) then overlaps whatever the caller
// does before its first extraction. A child that fails to start is
// logged at debug level; the extraction that needs it starts one
// itself, and reports the error if that fails too.
func (p *Pool) Warm(n int) {
	n = min(n, p.opts.Workers)
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.warming += n
	p.mu.Unlock()
	for range n {
		go func() {
			c, err := p.start(context.Background())
			p.mu.Lock()
			p.warming--
			if err != nil {
				p.log.Debug("start an extraction child ahead", "err", err)
			} else {
				p.idle = append(p.idle, c) // Close stops it if the pool is closed
			}
			p.mu.Unlock()
			p.ready.Broadcast()
		}()
	}
}

// child is one running extraction process.
type child struct {
	cmd    *exec.Cmd
	in     io.WriteCloser
	enc    *gob.Encoder
	dec    *gob.Decoder
	stderr *tail
	done   chan struct{} // closed when the process has been waited for
	served int
}

// start runs a child and completes the handshake with it.
func (p *Pool) start(ctx context.Context) (*child, error) {
	reqR, reqW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("isolate: pipe: %w", err)
	}
	respR, respW, err := os.Pipe()
	if err != nil {
		reqR.Close()
		reqW.Close()
		return nil, fmt.Errorf("isolate: pipe: %w", err)
	}
	// Each child gets a temporary directory of its own, removed once it
	// has exited: a child killed at its time or memory limit cannot
	// remove the scratch files of the page it was reading (a rendered
	// page is tens of megabytes), and an unattended batch would fill the
	// disk with them.
	scratch, err := os.MkdirTemp("", "normtag-child-")
	if err != nil {
		reqR.Close()
		reqW.Close()
		respR.Close()
		respW.Close()
		return nil, fmt.Errorf("isolate: temporary directory: %w", err)
	}
	p.started.Add(1)
	cmd := exec.Command(p.opts.Executable, ChildCommand)
	cmd.Env = append(os.Environ(), "TMPDIR="+scratch, "TMP="+scratch, "TEMP="+scratch)
	c := &child{cmd: cmd, in: reqW, stderr: &tail{max: 4096}, done: make(chan struct{})}
	// Parsers may print; their output is kept for diagnostics only.
	cmd.Stdout = c.stderr
	cmd.Stderr = c.stderr
	err = prepareChild(cmd, reqR, respW)
	if err == nil {
		err = cmd.Start()
	}
	// The child holds its own copies of its ends; closing ours lets each
	// side see end-of-file when the other goes away.
	reqR.Close()
	respW.Close()
	if err != nil {
		reqW.Close()
		respR.Close()
		os.RemoveAll(scratch)
		return nil, fmt.Errorf("isolate: start %s %s: %w", p.opts.Executable, ChildCommand, err)
	}
	go func() {
		cmd.Wait()
		respR.Close()
		if err := os.RemoveAll(scratch); err != nil {
			p.log.Warn("remove an extraction child's temporary directory", "dir", scratch, "err", err)
		}
		close(c.done)
	}()
	if err := p.jobs.add(cmd); err != nil {
		c.kill()
		reqW.Close()
		return nil, err
	}
	br := bufio.NewReader(respR)
	if err := p.greet(ctx, c, br); err != nil {
		c.kill()
		reqW.Close()
		return nil, err
	}
	c.enc = gob.NewEncoder(reqW)
	c.dec = gob.NewDecoder(br)
	cfg := childConfig{MemoryLimit: p.opts.MemoryLimit, CPULimit: p.opts.CPULimit, Extract: p.opts.Extract}
	if err := c.enc.Encode(cfg); err != nil {
		c.kill()
		reqW.Close()
		return nil, fmt.Errorf("isolate: configure child: %w", err)
	}
	return c, nil
}

// greet waits for the child's hello and checks its protocol version.
func (p *Pool) greet(ctx context.Context, c *child, br *bufio.Reader) error {
	got := make(chan string, 1)
	go func() {
		// A stranger may write a lot without a newline: read a bounded line.
		line, _ := br.ReadSlice('\n')
		got <- string(line)
	}()
	timer := time.NewTimer(p.handshake)
	defer timer.Stop()
	var line string
	select {
	case line = <-got:
	case <-timer.C:
		c.kill()
		<-got
		return fmt.Errorf("isolate: %s did not answer as a normtag extraction child within %s; is it a normtag binary of this version?", p.opts.Executable, p.handshake)
	case <-ctx.Done():
		c.kill()
		<-got
		return ctx.Err()
	}
	if line == hello() {
		return nil
	}
	if line == "" {
		c.kill()
		return fmt.Errorf("isolate: %s is not a normtag extraction child: it exited (%s) without a hello: %s", p.opts.Executable, c.cmd.ProcessState, lastLine(c.stderr.String()))
	}
	if rest, ok := strings.CutPrefix(line, helloPrefix+" "); ok {
		return fmt.Errorf("isolate: %s speaks extraction protocol %s, this normtag speaks %d: use the binary from the same build", p.opts.Executable, strings.TrimSpace(rest), protocolVersion)
	}
	return fmt.Errorf("isolate: %s is not a normtag extraction child: its first line was %q", p.opts.Executable, abbreviate(line, 80))
}

func abbreviate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// kill ends a child (and anything it started) and waits for it.
func (c *child) kill() {
	select {
	case <-c.done:
		return // already reaped: its id may belong to another process now
	default:
	}
	killChild(c.cmd)
	<-c.done
}

// Extract extracts the file at path in a child process.
func (p *Pool) Extract(ctx context.Context, path string) (*corpus.Document, error) {
	return p.ExtractAs(ctx, path, path)
}

// ExtractAs extracts the file at path in a child process as if it were
// at name (see extract.FileAs): messages, reasons and the document's
// file name are those a local extraction of name gives.
func (p *Pool) ExtractAs(ctx context.Context, path, name string) (*corpus.Document, error) {
	return p.extract(ctx, request{Path: path, Name: name})
}

// ExtractBytesAs extracts a file's bytes in a child process as if they
// were the file at name (see extract.Bytes), sending them through the
// protocol pipe: a caller holding a small file in memory (a remote
// worker's job) writes, and the child reads, no file. The document has no
// modification time.
func (p *Pool) ExtractBytesAs(ctx context.Context, data []byte, name string) (*corpus.Document, error) {
	return p.extract(ctx, request{Name: name, InMemory: true, Data: data})
}

func (p *Pool) extract(ctx context.Context, req request) (*corpus.Document, error) {
	name := req.Name
	select {
	case p.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-p.slots }()
	c, err := p.get(ctx)
	if err != nil {
		return nil, err
	}
	type answer struct {
		resp response
		err  error
	}
	ch := make(chan answer, 1)
	// One OCR notice per document is all a child sends; more are not
	// waited for.
	ocrNotice := make(chan struct{}, 1)
	go func() {
		var a answer
		if a.err = c.enc.Encode(req); a.err == nil {
			for {
				a.resp = response{}
				if a.err = c.dec.Decode(&a.resp); a.err != nil || !a.resp.notice() {
					break
				}
				select {
				case ocrNotice <- struct{}{}:
				default:
				}
			}
		}
		ch <- a
	}()
	timer := time.NewTimer(p.opts.Timeout)
	defer timer.Stop()
	deadline := time.Now().Add(p.opts.Timeout)
	limit := p.opts.Timeout
	for {
		select {
		case <-ocrNotice:
			if p.opts.OCRTimeout > 0 {
				deadline = deadline.Add(p.opts.OCRTimeout)
				limit += p.opts.OCRTimeout
				timer.Reset(time.Until(deadline))
			}
			continue
		case a := <-ch:
			if a.err != nil {
				c.kill()
				return nil, p.classifyDeath(name, c)
			}
			p.put(c)
			if a.resp.Err != "" {
				return nil, &corpus.Error{Reason: a.resp.Reason, Err: errors.New(a.resp.Err)}
			}
			return a.resp.Doc, nil
		case <-timer.C:
			c.kill()
			<-ch
			p.log.Debug("extraction timed out; child killed", "path", name, "timeout", limit)
			return nil, corpus.Errorf(corpus.ReasonTimeout, "%s: extraction took longer than %s", name, limit)
		case <-ctx.Done():
			c.kill()
			<-ch
			return nil, ctx.Err()
		}
	}
}

// classifyDeath explains why a child died while extracting path. It
// logs at debug level only: the caller reports the returned error.
func (p *Pool) classifyDeath(path string, c *child) error {
	msg := c.stderr.String()
	state := c.cmd.ProcessState
	p.log.Debug("extraction process died", "path", path, "state", state, "stderr", lastLine(msg))
	if state != nil && state.ExitCode() == exitCPULimit {
		return corpus.Errorf(corpus.ReasonTimeout, "%s: extraction used more than %s of CPU time", path, p.opts.CPULimit)
	}
	low := strings.ToLower(msg)
	if strings.Contains(low, "out of memory") || strings.Contains(low, "cannot allocate memory") {
		return corpus.Errorf(corpus.ReasonTooLarge, "%s: extraction exceeded the memory limit of %d MiB", path, p.opts.MemoryLimit>>20)
	}
	detail := "process died"
	if state != nil {
		detail = state.String()
	}
	if l := lastLine(msg); l != "" {
		detail += ": " + l
	}
	return corpus.Errorf(corpus.ReasonCrashed, "%s: extraction %s", path, detail)
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i := range lines {
		l := strings.TrimSpace(lines[i])
		if strings.HasPrefix(l, "fatal error:") || strings.HasPrefix(l, "panic:") || strings.HasPrefix(l, "runtime:") {
			return l
		}
	}
	return strings.TrimSpace(lines[len(lines)-1])
}

func (p *Pool) get(ctx context.Context) (*child, error) {
	p.mu.Lock()
	for {
		if p.closed {
			p.mu.Unlock()
			return nil, errors.New("isolate: pool closed")
		}
		if n := len(p.idle); n > 0 {
			c := p.idle[n-1]
			p.idle = p.idle[:n-1]
			p.mu.Unlock()
			return c, nil
		}
		if p.warming == 0 {
			break
		}
		// A child Warm is starting will be idle sooner than a new one
		// would be, and a new one would be one child too many. The wait
		// is bounded by the handshake's time limit.
		p.ready.Wait()
	}
	p.mu.Unlock()
	return p.start(ctx)
}

func (p *Pool) put(c *child) {
	c.served++
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || c.served >= docsPerChild {
		go c.stop()
		return
	}
	p.idle = append(p.idle, c)
}

// stop asks a child to exit by closing its input, killing it if it does
// not within a second.
func (c *child) stop() {
	c.in.Close()
	select {
	case <-c.done:
	case <-time.After(time.Second):
		c.kill()
	}
}

// Close stops every idle child and waits for them.
func (p *Pool) Close() error {
	p.mu.Lock()
	p.closed = true
	for p.warming > 0 {
		p.ready.Wait() // the children Warm starts end up idle, stopped below
	}
	idle := p.idle
	p.idle = nil
	p.mu.Unlock()
	var wg sync.WaitGroup
	for _, c := range idle {
		wg.Add(1)
		go func() { defer wg.Done(); c.stop() }()
	}
	wg.Wait()
	p.jobs.close()
	return nil
}

// tail keeps the first and the last bytes written to it: a child's
// stderr, where the runtime's "fatal error" line comes first and a
// goroutine dump follows.
type tail struct {
	mu   sync.Mutex
	head []byte
	buf  []byte
	max  int
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if room := t.max - len(t.head); room > 0 {
		t.head = append(t.head, p[:min(room, len(p))]...)
	}
	t.buf = append(t.buf, p...)
	if len(t.buf) > t.max {
		t.buf = t.buf[len(t.buf)-t.max:]
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(bytes.Clone(t.head)) + "\n…\n" + string(bytes.Clone(t.buf))
}
