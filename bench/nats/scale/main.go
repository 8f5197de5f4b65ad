// Command scale measures the scaling model of ingest on NATS workers: how
// many pages one worker core extracts and tags per second of its CPU time,
// how many documents, passages and pages per second a coordinator commits
// when the results are already waiting, and so the number of worker cores
// at which the coordinator becomes the limit. bench/nats/run.sh builds
// the binaries and runs it; it starts its own nats-server.
//
// Each document set is measured in three steps:
//
//  1. One worker process with --workers 1 serves a coordinator: wall
//     pages/s, and the worker's CPU seconds (its own and its extraction
//     children's, from the rusage of the process once it has exited),
//     which give pages per worker-CPU-second, a figure that holds on a
//     loaded machine. The results bucket then holds every result.
//  2. Two such workers serve a coordinator under another prefix: wall
//     pages/s with two workers.
//  3. A coordinator runs again over the same files into a new data
//     directory, with no worker running: it finds every result of step 1
//     in the results bucket (as a coordinator started again after being
//     killed does), publishes nothing and only hashes the files,
//     downloads the results and commits them. Its wall time, less that of
//     a coordinator run over no file (start, NATS set-up, opening the
//     store), is the commit capacity in documents/s and passages/s; its
//     CPU seconds, less the same, give documents and passages per
//     coordinator-CPU-second.
//
// Saturation is commit capacity in pages/s over pages per worker-CPU
// second: the worker cores that produce as fast as the coordinator
// commits. Measured by CPU time (pages per coordinator-CPU-second over
// pages per worker-CPU-second) it holds on a loaded machine; by wall time
// it is this machine's at the load printed. Bytes per page are the
// largest size of the files bucket during step 1 (every file is uploaded
// before the run ends and deleted after) and the size of the results
// bucket after it.
//
// DIR sets are measured once per -ocr mode: OCR settings are part of a
// job's key, so a set's runs all use one.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/normtag/normtag/pipeline/remote"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("bench/nats/scale: ")
	b := bench{}
	flag.StringVar(&b.normtag, "normtag", "", "normtag binary (required)")
	natsServer := flag.String("nats-server", "", "nats-server binary (required)")
	gen := flag.String("gen", "", "bench/ingest/gen binary (required with -n above 0)")
	n := flag.Int("n", 300, "generated documents of typical size (2-7 pages); 0: no generated set, only DIRs")
	join := flag.Int("join", 10, "generated text documents joined into one large document; 0: no large set")
	ocr := flag.String("ocr", "auto,never", "--ocr modes each DIR is measured with, comma-separated")
	flag.IntVar(&b.repeat, "repeat", 3, "commit-only runs per set")
	flag.DurationVar(&b.timeout, "timeout", 10*time.Minute, "time limit of one ingest run")
	workDir := flag.String("work", "", "folder for documents, data directories and the NATS store, emptied of them at the end (default: a temporary one)")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: scale -normtag BIN -nats-server BIN [-gen BIN] [flags] [DIR...]\n\n"+
			"Measures pages per worker-CPU-second, the coordinator's commit capacity and where it saturates,\n"+
			"on generated documents of typical size, on large ones (text documents joined) and on each DIR.\n\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if b.normtag == "" || *natsServer == "" || (*gen == "" && *n > 0) || *n < 0 || b.repeat < 1 || (*n == 0 && flag.NArg() == 0) {
		flag.Usage()
		os.Exit(2)
	}
	// Interrupted, the ingest under way is killed and the work folder
	// and nats-server go with the rest.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, &b, *workDir, *natsServer, *gen, *n, *join, strings.Split(*ocr, ","), flag.Args())
	stop()
	if err != nil {
		log.Fatal(err)
	}
}

// bench holds what every measurement needs.
type bench struct {
	normtag string
	url     string
	work    string
	repeat  int
	timeout time.Duration
	natsPID int
	js      jetstream.JetStream
	runs    int // numbers data directories and prefixes
}

// docSet is a folder of documents measured together.
type docSet struct {
	name string
	dir  string
	// flags are the coordinator's extra ingest flags (--ocr): they are
	// part of a job's key, so every run of a set has the same.
	flags []string
}

func run(ctx context.Context, b *bench, workDir, natsServer, gen string, n, join int, ocrModes, dirs []string) error {
	if workDir != "" {
		if err := os.MkdirAll(workDir, 0o755); err != nil {
			return err
		}
	}
	work, err := os.MkdirTemp(workDir, "normtag-scale-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	b.work = work
	if err := os.Mkdir(filepath.Join(work, "empty"), 0o755); err != nil {
		return err
	}
	stopNATS, err := b.startNATS(natsServer)
	if err != nil {
		return err
	}
	defer stopNATS()

	var sets []docSet
	if n > 0 {
		typical := filepath.Join(work, "typical")
		if err := exec.Command(gen, "-n", strconv.Itoa(n), "-out", typical).Run(); err != nil {
			return fmt.Errorf("generate documents: %w", err)
		}
		sets = append(sets, docSet{name: fmt.Sprintf("generated, typical size (%d documents)", n), dir: typical})
	}
	if n > 0 && join > 0 {
		// Other documents than the typical set (seed 2), so that the
		// large documents are no copies of typical ones.
		small := filepath.Join(work, "small")
		if err := exec.Command(gen, "-n", strconv.Itoa(2*n), "-seed", "2", "-out", small).Run(); err != nil {
			return fmt.Errorf("generate documents: %w", err)
		}
		large := filepath.Join(work, "large")
		count, err := joinTexts(small, large, join)
		if err != nil {
			return err
		}
		sets = append(sets, docSet{name: fmt.Sprintf("generated, large (%d documents, each %d text documents joined)", count, join), dir: large})
	}
	for _, d := range dirs {
		abs, err := filepath.Abs(d)
		if err != nil {
			return err
		}
		for _, mode := range ocrModes {
			sets = append(sets, docSet{name: d + ", --ocr " + mode, dir: abs, flags: []string{"--ocr", mode}})
		}
	}

	fmt.Printf("machine: %d CPUs; load average at start %s\n", runtime.NumCPU(), loadavg())
	start := time.Now()
	var rows []setResult
	for _, s := range sets {
		r, err := b.measure(ctx, s)
		if err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		r.print(os.Stdout)
		rows = append(rows, r)
	}
	fmt.Println()
	fmt.Println("summary (pages per CPU-second hold on a loaded machine; wall figures are at the load shown):")
	for _, r := range rows {
		r.summary(os.Stdout)
	}
	fmt.Printf("scale measurements took %s; load average at the end %s\n", time.Since(start).Round(time.Second), loadavg())
	return nil
}

// joinTexts writes one document per k text documents of src into dst,
// their pages separated by form feeds, and returns how many it wrote.
func joinTexts(src, dst string, k int) (int, error) {
	var texts []string
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".txt") {
			texts = append(texts, p)
		}
		return err
	})
	if err != nil {
		return 0, err
	}
	sort.Strings(texts)
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return 0, err
	}
	count := 0
	for i := 0; i+k <= len(texts); i += k {
		var buf bytes.Buffer
		for j, p := range texts[i : i+k] {
			data, err := os.ReadFile(p)
			if err != nil {
				return 0, err
			}
			if j > 0 {
				buf.WriteString("\f")
			}
			buf.Write(data)
		}
		if err := os.WriteFile(filepath.Join(dst, fmt.Sprintf("large-%04d.txt", count)), buf.Bytes(), 0o644); err != nil {
			return 0, err
		}
		count++
	}
	if count == 0 {
		return 0, fmt.Errorf("fewer than %d text documents in %s", k, src)
	}
	return count, nil
}

// startNATS runs a JetStream server on a free loopback port with its
// store under the work folder.
func (b *bench) startNATS(bin string) (func(), error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	logFile, err := os.Create(filepath.Join(b.work, "nats.log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "-js", "-a", "127.0.0.1", "-p", strconv.Itoa(port), "-sd", filepath.Join(b.work, "js"))
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start nats-server: %w", err)
	}
	b.natsPID = cmd.Process.Pid
	b.url = fmt.Sprintf("nats://127.0.0.1:%d", port)
	stopServer := func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
		logFile.Close()
	}
	var nc *nats.Conn
	for deadline := time.Now().Add(20 * time.Second); ; {
		if nc, err = nats.Connect(b.url); err == nil {
			break
		}
		if time.Now().After(deadline) {
			stopServer()
			return nil, fmt.Errorf("nats-server did not answer at %s: %w", b.url, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if b.js, err = jetstream.New(nc); err != nil {
		nc.Close()
		stopServer()
		return nil, err
	}
	return func() { nc.Close(); stopServer() }, nil
}

// ingestRun is one coordinator run and what it cost.
type ingestRun struct {
	wall        time.Duration
	coordCPU    time.Duration
	workerCPU   time.Duration // all workers together, with their children
	natsCPU     time.Duration // -1 when unknown
	stats       corpusStats
	loadBefore  string
	loadAfter   string
	workerCount int
	// fixed is the wall time of a coordinator run over no file, just
	// before this one (commit-only runs).
	fixed, fixedCPU time.Duration
	// filesBucket is the most bytes the files bucket held during a run
	// with workers: every file is uploaded before the run ends, and
	// deleted only once all are committed.
	filesBucket int64
}

// corpusStats are the figures of `normtag stats --format json` used here.
type corpusStats struct {
	Documents int            `json:"documents"`
	Pages     int            `json:"pages"`
	Passages  int            `json:"passages"`
	OCRPages  int            `json:"ocr_pages"`
	Failed    map[string]int `json:"failed"`
}

func (s corpusStats) failed() int {
	n := 0
	for _, v := range s.Failed {
		n += v
	}
	return n
}

// setResult is every figure of one document set.
type setResult struct {
	name         string
	files        int
	fileBytes    int64
	resultBytes  int64
	one, two     ingestRun
	commits      []ingestRun
	commitMedian ingestRun
}

func (b *bench) measure(ctx context.Context, s docSet) (setResult, error) {
	r := setResult{name: s.name}
	err := filepath.WalkDir(s.dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err == nil && info.Mode().IsRegular() {
			r.files++
			r.fileBytes += info.Size()
		}
		return err
	})
	if err != nil {
		return r, err
	}
	fmt.Printf("\n== %s: %d files, %.1f MB\n", s.name, r.files, float64(r.fileBytes)/1e6)
	prefix := b.next("one")
	if r.one, err = b.remoteRun(ctx, s, prefix, 1); err != nil {
		return r, err
	}
	r.one.printLine(os.Stdout, "1 worker, --workers 1")
	if r.resultBytes, err = bucketSize(ctx, b.js, prefix); err != nil {
		return r, err
	}
	if r.two, err = b.remoteRun(ctx, s, b.next("two"), 2); err != nil {
		return r, err
	}
	r.two.printLine(os.Stdout, "2 workers, --workers 1 each")
	empty := filepath.Join(b.work, "empty")
	for range b.repeat {
		// A coordinator run over no file costs what every run costs
		// (start, NATS set-up, opening the store and index); the rest
		// of a full run is what committing the documents costs.
		fixed, err := b.commitRun(ctx, docSet{dir: empty, flags: s.flags}, prefix)
		if err != nil {
			return r, err
		}
		c, err := b.commitRun(ctx, s, prefix)
		if err != nil {
			return r, err
		}
		c.fixed, c.fixedCPU = fixed.wall, fixed.coordCPU
		if c.stats.Documents != r.one.stats.Documents || c.stats.Passages != r.one.stats.Passages {
			return r, fmt.Errorf("commit-only run stored %d documents and %d passages, the run with workers %d and %d",
				c.stats.Documents, c.stats.Passages, r.one.stats.Documents, r.one.stats.Passages)
		}
		c.printLine(os.Stdout, "commit only, no worker")
		r.commits = append(r.commits, c)
	}
	sorted := slices.Clone(r.commits)
	slices.SortFunc(sorted, func(a, b ingestRun) int { return int(a.wall - b.wall) })
	r.commitMedian = sorted[len(sorted)/2]
	return r, nil
}

// next names a fresh prefix (and data directory): no run reuses another
// run's results unless it is given that run's prefix.
func (b *bench) next(what string) string {
	b.runs++
	return fmt.Sprintf("scale%d_%s", b.runs, what)
}

// remoteRun times a coordinator over dir served by k worker processes of
// one job at a time each.
func (b *bench) remoteRun(ctx context.Context, s docSet, prefix string, k int) (ingestRun, error) {
	// A coordinator over an empty folder creates the queue, so that the
	// workers are ready before the timed run starts (a worker looks for
	// a missing queue once a second).
	if _, err := b.ingest(ctx, filepath.Join(b.work, prefix+"-prepare"), prefix, docSet{dir: filepath.Join(b.work, "empty"), flags: s.flags}); err != nil {
		return ingestRun{}, err
	}
	var workers []*worker
	stopAll := func() (time.Duration, error) {
		var cpu time.Duration
		var errs []error
		for _, w := range workers {
			c, err := w.stop()
			cpu += c
			errs = append(errs, err)
		}
		return cpu, errors.Join(errs...)
	}
	for range k {
		w, err := b.startWorker(ctx, prefix)
		if err != nil {
			stopAll()
			return ingestRun{}, err
		}
		workers = append(workers, w)
	}
	files := b.watchSize(ctx, prefix)
	run, err := b.ingest(ctx, filepath.Join(b.work, prefix), prefix, s)
	run.filesBucket = files()
	cpu, stopErr := stopAll()
	if err != nil {
		return run, err
	}
	if stopErr != nil {
		return run, stopErr
	}
	run.workerCPU, run.workerCount = cpu, k
	return run, nil
}

// commitRun times a coordinator whose results are all in prefix's
// results bucket already: no worker runs.
func (b *bench) commitRun(ctx context.Context, s docSet, prefix string) (ingestRun, error) {
	return b.ingest(ctx, filepath.Join(b.work, b.next("commit")), prefix, s)
}

// ingest runs `normtag ingest --nats` into a new data directory and
// measures it.
func (b *bench) ingest(ctx context.Context, data, prefix string, s docSet) (ingestRun, error) {
	ctx, cancel := context.WithTimeout(ctx, b.timeout)
	defer cancel()
	run := ingestRun{loadBefore: loadavg()}
	nats0 := procCPU(b.natsPID)
	// Bytes through NATS, as between machines: workers here would read
	// the files in place.
	args := append([]string{"ingest", "--quiet", "--data", data, "--nats", b.url, "--nats-prefix", prefix, "--shared-fs=false"}, s.flags...)
	cmd := exec.CommandContext(ctx, b.normtag, append(args, s.dir)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	run.wall = time.Since(start)
	nats1 := procCPU(b.natsPID)
	run.loadAfter = loadavg()
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 1 && ctx.Err() == nil {
		// Some files failed: they are counted, the run is complete.
		err = nil
	}
	if err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("no end after %s (a result missing?): %w", b.timeout, ctx.Err())
		}
		return run, fmt.Errorf("ingest %s (prefix %s): %w\n%s", s.dir, prefix, err, stderr.Bytes())
	}
	run.coordCPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	run.natsCPU = -1
	if nats0 >= 0 && nats1 >= 0 {
		run.natsCPU = nats1 - nats0
	}
	out, err := exec.CommandContext(ctx, b.normtag, "stats", "--data", data, "--format", "json").Output()
	if err != nil {
		return run, fmt.Errorf("stats of %s: %w", data, err)
	}
	if err := json.Unmarshal(out, &run.stats); err != nil {
		return run, fmt.Errorf("stats of %s: %w", data, err)
	}
	return run, nil
}

// worker is a running `normtag worker` process.
type worker struct {
	cmd    *exec.Cmd
	stderr bytes.Buffer
	done   chan struct{}
}

// startWorker starts a worker of one job at a time and waits until it
// says it is ready.
func (b *bench) startWorker(ctx context.Context, prefix string) (*worker, error) {
	w := &worker{done: make(chan struct{})}
	w.cmd = exec.Command(b.normtag, "worker", "--nats", b.url, "--nats-prefix", prefix, "--workers", "1")
	pipe, err := w.cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := w.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start worker: %w", err)
	}
	ready := make(chan struct{})
	go func() {
		defer close(w.done)
		sc := bufio.NewScanner(pipe)
		said := false
		for sc.Scan() {
			w.stderr.Write(sc.Bytes())
			w.stderr.WriteByte('\n')
			if !said && strings.Contains(sc.Text(), `msg="worker ready"`) {
				said = true
				close(ready)
			}
		}
		_, _ = io.Copy(io.Discard, pipe)
	}()
	select {
	case <-ready:
		return w, nil
	case <-w.done:
		_ = w.cmd.Wait()
		return nil, fmt.Errorf("worker ended before it was ready:\n%s", w.stderr.Bytes())
	case <-time.After(30 * time.Second):
	case <-ctx.Done():
	}
	w.stop()
	return nil, fmt.Errorf("worker not ready after 30s:\n%s", w.stderr.Bytes())
}

// stop interrupts the worker, waits for it and returns its CPU time,
// which includes its extraction children: it waits for them before it
// exits, and the rusage of a process that was waited for counts the
// children it waited for.
func (w *worker) stop() (time.Duration, error) {
	_ = w.cmd.Process.Signal(syscall.SIGTERM)
	<-w.done
	err := w.cmd.Wait()
	cpu := w.cmd.ProcessState.UserTime() + w.cmd.ProcessState.SystemTime()
	if err != nil {
		return cpu, fmt.Errorf("worker: %w\n%s", err, w.stderr.Bytes())
	}
	return cpu, nil
}

// bucketSize is the bytes the results of prefix take: their stream and
// the bucket of those too large for a message.
func bucketSize(ctx context.Context, js jetstream.JetStream, prefix string) (int64, error) {
	names, err := remote.NewNames(prefix)
	if err != nil {
		return 0, err
	}
	n, err := streamSize(ctx, js, names.ResultStream())
	if err != nil {
		return 0, err
	}
	large, err := objectStoreSize(ctx, js, names.LargeResults())
	return n + large, err
}

func streamSize(ctx context.Context, js jetstream.JetStream, name string) (int64, error) {
	s, err := js.Stream(ctx, name)
	if err != nil {
		return 0, fmt.Errorf("stream %s: %w", name, err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		return 0, fmt.Errorf("stream %s: %w", name, err)
	}
	return int64(info.State.Bytes), nil
}

func objectStoreSize(ctx context.Context, js jetstream.JetStream, bucket string) (int64, error) {
	store, err := js.ObjectStore(ctx, bucket)
	if err != nil {
		return 0, fmt.Errorf("bucket %s: %w", bucket, err)
	}
	st, err := store.Status(ctx)
	if err != nil {
		return 0, fmt.Errorf("bucket %s: %w", bucket, err)
	}
	return int64(st.Size()), nil
}

// watchSize polls the size of prefix's files bucket and job queue (small
// files travel in their jobs) until the returned function is called,
// which returns the largest size seen.
func (b *bench) watchSize(ctx context.Context, prefix string) func() int64 {
	names, _ := remote.NewNames(prefix)
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan int64)
	go func() {
		var most int64
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			if n, err := objectStoreSize(ctx, b.js, names.Files()); err == nil {
				if q, err := streamSize(ctx, b.js, names.JobStream()); err == nil {
					most = max(most, n+q)
				}
			}
			select {
			case <-ctx.Done():
				done <- most
				return
			case <-t.C:
			}
		}
	}()
	return func() int64 {
		cancel()
		return <-done
	}
}

// procCPU is the CPU time of a running process from /proc (Linux), -1
// where that cannot be read.
func procCPU(pid int) time.Duration {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return -1
	}
	// The command name may hold spaces; the fields after it do not.
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return -1
	}
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 13 {
		return -1
	}
	// utime and stime, fields 14 and 15 of stat(5), in clock ticks:
	// 100 a second on every Linux architecture Go supports.
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return -1
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// loadavg is the 1-minute load average (Linux), "?" elsewhere.
func loadavg() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(data))
	if len(f) == 0 {
		return "?"
	}
	return f[0]
}

func perSec(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

func (r ingestRun) printLine(w io.Writer, what string) {
	s := r.stats
	fmt.Fprintf(w, "  %-29s wall %6.2f s: %6.0f pages/s, %5.0f documents/s, %6.0f passages/s | CPU coordinator %5.2f s",
		what, r.wall.Seconds(), perSec(s.Pages, r.wall), perSec(s.Documents, r.wall), perSec(s.Passages, r.wall), r.coordCPU.Seconds())
	if r.workerCount > 0 {
		fmt.Fprintf(w, ", workers %5.2f s (%.0f pages per worker-CPU-s)", r.workerCPU.Seconds(), perSec(s.Pages, r.workerCPU))
	}
	if r.natsCPU >= 0 {
		fmt.Fprintf(w, ", nats-server %4.2f s", r.natsCPU.Seconds())
	}
	if r.fixed > 0 {
		fmt.Fprintf(w, " | run over no file: wall %.2f s, CPU %.2f s", r.fixed.Seconds(), r.fixedCPU.Seconds())
	}
	fmt.Fprintf(w, " | load %s-%s\n", r.loadBefore, r.loadAfter)
}

func (r setResult) print(w io.Writer) {
	s := r.one.stats
	fmt.Fprintf(w, "  stored: %d documents (%d failed), %d pages (%d read by OCR), %d passages: %.1f pages and %.1f passages per document\n",
		s.Documents, s.failed(), s.Pages, s.OCRPages, s.Passages, float64(s.Pages)/float64(max(1, s.Documents)), float64(s.Passages)/float64(max(1, s.Documents)))
	fmt.Fprintf(w, "  bytes per page: %.0f in the files bucket (%.0f of files; coordinator -> NATS -> worker), %.0f in the results bucket (worker -> NATS -> coordinator)\n",
		float64(r.one.filesBucket)/float64(max(1, s.Pages)), float64(r.fileBytes)/float64(max(1, s.Pages)), float64(r.resultBytes)/float64(max(1, s.Pages)))
}

// summary prints the figures of the README's scaling model. Commit
// rates leave out what a run over no file costs: in a long run that part
// vanishes.
func (r setResult) summary(w io.Writer) {
	s := r.one.stats
	core := perSec(s.Pages, r.one.workerCPU)
	c := r.commitMedian
	var lo, hi time.Duration
	for i, x := range r.commits {
		if i == 0 || x.wall < lo {
			lo = x.wall
		}
		hi = max(hi, x.wall)
	}
	wall, cpu := c.wall-c.fixed, c.coordCPU-c.fixedCPU
	cs := c.stats
	fmt.Fprintf(w, "- %s: %d documents, %d pages, %d passages (%.1f pages, %.1f passages per document)\n",
		r.name, s.Documents, s.Pages, s.Passages, float64(s.Pages)/float64(max(1, s.Documents)), float64(s.Passages)/float64(max(1, s.Documents)))
	fmt.Fprintf(w, "  worker: %.0f pages per worker-CPU-second with 1 worker (%.0f with 2); wall %.0f pages/s with 1 worker, %.0f with 2 (load %s-%s)\n",
		core, perSec(r.two.stats.Pages, r.two.workerCPU), perSec(s.Pages, r.one.wall), perSec(r.two.stats.Pages, r.two.wall),
		r.one.loadBefore, r.two.loadAfter)
	fmt.Fprintf(w, "  commit capacity (median of %d runs, %.2f s, range %.2f-%.2f s, less %.2f s of a run over no file; load %s-%s): %.0f documents/s, %.0f passages/s, %.0f pages/s\n",
		len(r.commits), c.wall.Seconds(), lo.Seconds(), hi.Seconds(), c.fixed.Seconds(), c.loadBefore, c.loadAfter,
		perSec(cs.Documents, wall), perSec(cs.Passages, wall), perSec(cs.Pages, wall))
	fmt.Fprintf(w, "  commit CPU: %.2f s less %.2f s: %.0f documents, %.0f passages, %.0f pages per coordinator-CPU-second (%.2f cores busy while committing)\n",
		c.coordCPU.Seconds(), c.fixedCPU.Seconds(), perSec(cs.Documents, cpu), perSec(cs.Passages, cpu), perSec(cs.Pages, cpu), cpu.Seconds()/max(wall.Seconds(), 1e-9))
	fmt.Fprintf(w, "  coordinator CPU per document: %.1f ms with workers (hash, upload, download, commit), %.1f ms commit only",
		1000*r.one.coordCPU.Seconds()/float64(max(1, s.Documents)), 1000*c.coordCPU.Seconds()/float64(max(1, cs.Documents)))
	if r.one.natsCPU >= 0 {
		fmt.Fprintf(w, "; nats-server CPU per page %.2f ms", 1000*r.one.natsCPU.Seconds()/float64(max(1, s.Pages)))
	}
	fmt.Fprintln(w)
	if core > 0 {
		fmt.Fprintf(w, "  saturation: commit %.0f pages/s / %.0f pages per worker-CPU-second = %.1f worker cores; by CPU time %.1f worker cores per coordinator core\n",
			perSec(cs.Pages, wall), core, perSec(cs.Pages, wall)/core, perSec(cs.Pages, cpu)/core)
	}
	fmt.Fprintf(w, "  bytes per page: files bucket %.0f, results bucket %.0f\n",
		float64(r.one.filesBucket)/float64(max(1, s.Pages)), float64(r.resultBytes)/float64(max(1, s.Pages)))
}
