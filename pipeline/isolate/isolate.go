// Package isolate extracts files in child processes, so that a parser that
// panics, loops forever or exhausts memory on a hostile file takes down
// only its child: the document is reported with a reason (crashed,
// timeout, too-large) and the child is replaced.
//
// Children are re-executions of the running binary; main (and TestMain
// in tests that use a Pool) must call ServeChildIfRequested first thing.
// They are pooled and reused, so the cost per document is a round trip
// over a pipe rather than a process start.
package isolate

import (
	"bytes"
	"context"
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/pipeline/extract"
)

// Defaults.
const (
	DefaultTimeout     = 60 * time.Second
	DefaultMemoryLimit = 2 << 30
	// docsPerChild bounds how many documents one child extracts before it
	// is replaced, so leaks in a parser cannot accumulate.
	docsPerChild = 200
)

// Environment variables that turn a process into a child.
const (
	envWorker = "NORMTAG_ISOLATE_WORKER"
	envConfig = "NORMTAG_ISOLATE_CONFIG"
)

// Options configures a Pool.
type Options struct {
	// Workers is the most children alive at once (default runtime.NumCPU()).
	Workers int
	// Timeout bounds one document's extraction, wall clock.
	Timeout time.Duration
	// MemoryLimit caps each child's address space, in bytes.
	MemoryLimit int64
	// Extract is passed to extract.File in the child.
	Extract extract.Options
	Logger  *slog.Logger
}

// childConfig is what a child needs, passed in its environment.
type childConfig struct {
	MemoryLimit int64
	Extract     extract.Options
}

type request struct{ Path string }

type response struct {
	Doc    *corpus.Document
	Reason corpus.Reason
	Err    string
}

// Pool runs extractions in child processes. It is safe for concurrent use.
type Pool struct {
	opts   Options
	log    *slog.Logger
	exe    string
	config string
	slots  chan struct{}
	mu     sync.Mutex
	idle   []*child
	closed bool
}

// NewPool prepares a pool; children start on first use.
func NewPool(opts Options) (*Pool, error) {
	if opts.Workers <= 0 {
		opts.Workers = runtime.NumCPU()
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.MemoryLimit <= 0 {
		opts.MemoryLimit = DefaultMemoryLimit
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("isolate: find own executable: %w", err)
	}
	cfg, err := json.Marshal(childConfig{MemoryLimit: opts.MemoryLimit, Extract: opts.Extract})
	if err != nil {
		return nil, err
	}
	return &Pool{opts: opts, log: log, exe: exe, config: string(cfg), slots: make(chan struct{}, opts.Workers)}, nil
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

func (p *Pool) start() (*child, error) {
	cmd := exec.Command(p.exe)
	cmd.Env = append(os.Environ(), envWorker+"=1", envConfig+"="+p.config)
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	c := &child{cmd: cmd, in: in, enc: gob.NewEncoder(in), dec: gob.NewDecoder(out), stderr: &tail{max: 4096}, done: make(chan struct{})}
	cmd.Stderr = c.stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("isolate: start child: %w", err)
	}
	go func() {
		cmd.Wait()
		close(c.done)
	}()
	return c, nil
}

// kill ends a child and waits for it.
func (c *child) kill() {
	c.cmd.Process.Kill()
	<-c.done
}

// Extract extracts the file at path in a child process.
func (p *Pool) Extract(ctx context.Context, path string) (*corpus.Document, error) {
	select {
	case p.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-p.slots }()
	c, err := p.get()
	if err != nil {
		return nil, err
	}
	type answer struct {
		resp response
		err  error
	}
	ch := make(chan answer, 1)
	go func() {
		var a answer
		if a.err = c.enc.Encode(request{Path: path}); a.err == nil {
			a.err = c.dec.Decode(&a.resp)
		}
		ch <- a
	}()
	timer := time.NewTimer(p.opts.Timeout)
	defer timer.Stop()
	select {
	case a := <-ch:
		if a.err != nil {
			c.kill()
			return nil, p.classifyDeath(path, c)
		}
		p.put(c)
		if a.resp.Err != "" {
			return nil, &corpus.Error{Reason: a.resp.Reason, Err: errors.New(a.resp.Err)}
		}
		return a.resp.Doc, nil
	case <-timer.C:
		c.kill()
		<-ch
		p.log.Warn("extraction timed out; child killed", "path", path, "timeout", p.opts.Timeout)
		return nil, corpus.Errorf(corpus.ReasonTimeout, "%s: extraction took longer than %s", path, p.opts.Timeout)
	case <-ctx.Done():
		c.kill()
		<-ch
		return nil, ctx.Err()
	}
}

// classifyDeath explains why a child died while extracting path.
func (p *Pool) classifyDeath(path string, c *child) error {
	msg := c.stderr.String()
	state := c.cmd.ProcessState
	p.log.Warn("extraction process died", "path", path, "state", state, "stderr", lastLine(msg))
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

func (p *Pool) get() (*child, error) {
	p.mu.Lock()
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
	p.mu.Unlock()
	return p.start()
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
	idle := p.idle
	p.idle = nil
	p.mu.Unlock()
	var wg sync.WaitGroup
	for _, c := range idle {
		wg.Add(1)
		go func() { defer wg.Done(); c.stop() }()
	}
	wg.Wait()
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
