package remote

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/internal/natstest"
	"github.com/normtag/normtag/internal/testbin"
	"github.com/normtag/normtag/pipeline"
)

// A coordinator holds jobs back while the documents it returned and the
// jobs unanswered reach the writer's room and the workers' places, and
// lets one go as soon as the writer stores a document; a worker's
// places widen the room.
func TestJobsWaitForTheWriter(t *testing.T) {
	ctx, c := testCoordinator(t, "pace")

	room := storeAhead + jobsAhead
	c.outstanding.Add(3) // jobs unanswered count as much as documents unstored
	c.mu.Lock()
	for i := range room - 3 {
		c.unstored[fmt.Sprintf("doc-%d", i)] = true
	}
	c.mu.Unlock()
	waited := make(chan error, 1)
	go func() {
		_, _, err := c.pace(ctx, nil)
		waited <- err
	}()
	select {
	case err := <-waited:
		t.Fatalf("a job went out with %d documents ahead of the writer (err %v)", room, err)
	case <-time.After(200 * time.Millisecond):
	}
	c.Stored("not analysed here") // a file the coordinator did not return changes nothing
	select {
	case err := <-waited:
		t.Fatalf("a job went out for a file the coordinator never returned (err %v)", err)
	case <-time.After(200 * time.Millisecond):
	}
	c.Stored("doc-0")
	select {
	case err := <-waited:
		if err != nil {
			t.Fatalf("pace: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the job was still held back after the writer stored a document")
	}

	// A file whose result arrives while it waits (another file with the
	// same bytes had the job published) takes it instead of waiting: the
	// writer may be holding that file's copies back until this one is
	// stored.
	c.mu.Lock()
	c.unstored["doc-0"] = true
	c.mu.Unlock()
	wake := make(chan resultMsg, 1)
	type paced struct {
		arrived bool
		err     error
	}
	got := make(chan paced, 1)
	go func() {
		_, arrived, err := c.pace(ctx, wake)
		got <- paced{arrived, err}
	}()
	select {
	case p := <-got:
		t.Fatalf("a job went out with the room full (arrived %v, err %v)", p.arrived, p.err)
	case <-time.After(200 * time.Millisecond):
	}
	wake <- resultMsg{}
	select {
	case p := <-got:
		if !p.arrived || p.err != nil {
			t.Fatalf("pace with a result arrived: arrived %v, err %v", p.arrived, p.err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a file whose result arrived went on waiting for the writer")
	}

	// One document more than the room: a worker with places widens it.
	c.mu.Lock()
	c.unstored["doc-extra"] = true
	c.mu.Unlock()
	short, stop := context.WithTimeout(ctx, 200*time.Millisecond)
	_, _, err := c.pace(short, nil)
	stop()
	if err == nil {
		t.Fatal("a job went out beyond the room without any worker")
	}
	w := NewWorker(c.nc, c.js, WorkerOptions{Names: c.opts.Names, Workers: 3, ID: "three-places"})
	w.announce()
	heard, stop := context.WithTimeout(ctx, paceWait/2) // well before pace gives up waiting
	_, _, err = c.pace(heard, nil)
	stop()
	if err != nil {
		t.Fatalf("pace with a worker of 3 places heard: %v", err)
	}
	c.mu.Lock()
	slots := c.slots["three-places"]
	c.mu.Unlock()
	if slots != 3 {
		t.Errorf("the coordinator heard %d places, want 3", slots)
	}
}

// A worker waiting for a coordinator starts the extraction processes for
// the run's limits when the coordinator starts, before any job asks for
// them, and answers with a heartbeat saying its places.
func TestWaitingWorkerWarmsUpForTheRunsLimits(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real normtag processes and a NATS server; skipped with -short")
	}
	exe := testbin.Normtag(t)
	s := natstest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	connect := func() *Worker {
		nc, js := testConnect(t, s)
		return &Worker{nc: nc, js: js}
	}
	names, _ := NewNames("warm")
	waiting := &lineWatch{want: "waiting for a coordinator", seen: make(chan struct{})}
	wc := connect()
	w := NewWorker(wc.nc, wc.js, WorkerOptions{Names: names, Workers: 2, ID: "warm-worker", Executable: exe, Logger: slog.New(slog.NewTextHandler(waiting, nil))})
	runCtx, stopWorker := context.WithCancel(ctx)
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		w.Run(runCtx)
	}()
	defer func() {
		stopWorker()
		<-stopped
	}()
	select {
	case <-waiting.seen:
	case <-ctx.Done():
		t.Fatal("the worker never said it waits")
	}

	cc := connect()
	limits := Limits{MaxFileSize: 1 << 20, MaxTextSize: 1 << 20, MaxPassages: 500, Timeout: 7 * time.Second}
	c, err := NewCoordinator(ctx, cc.nc, cc.js, CoordinatorOptions{Names: names, Limits: limits})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for {
		w.mu.Lock()
		pool := w.pools[limits]
		w.mu.Unlock()
		c.mu.Lock()
		slots := c.slots["warm-worker"]
		c.mu.Unlock()
		if pool != nil && slots == 2 {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("no extraction processes for the run's limits (pool %v) or no heartbeat with 2 places (%d) before any job", pool != nil, slots)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// A file whose result arrived before its turn (another file with the same
// bytes had the job published, and the writer holds that copy back until
// this one is stored) takes the stored result at once: no job of its own,
// no wait for a result that is not delivered again.
func TestCopyWhoseResultArrivedFirstTakesIt(t *testing.T) {
	ctx, c := testCoordinator(t, "copies")

	data := []byte("The same submission, filed twice.\n")
	hash := sha256.Sum256(data)
	sum := hex.EncodeToString(hash[:])
	path := filepath.Join(t.TempDir(), "a-first-copy.txt")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	// What a worker stores for the other copy's job.
	enc, err := encodeResult(&Result{SHA256: sum, Name: "/elsewhere/b-second-copy.txt", Key: c.key, Doc: &corpus.Document{ID: sum, Title: "Filed twice"}, Worker: "w"})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.results.put(ctx, sum, enc); err != nil {
		t.Fatal(err)
	}
	for {
		c.mu.Lock()
		arrived := c.arrivedSums[sum]
		c.mu.Unlock()
		if arrived {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatal("the result never arrived")
		case <-time.After(5 * time.Millisecond):
		}
	}
	// Well before the coordinator's once-a-minute look for a result it
	// missed.
	quick, stop := context.WithTimeout(ctx, 20*time.Second)
	defer stop()
	doc, err := c.Analyse(quick, pipeline.Candidate{Path: path, Info: info}, sum)
	if err != nil {
		t.Fatalf("Analyse of a copy whose result arrived first: %v", err)
	}
	if doc.ID != sum || doc.Title != "Filed twice" || doc.FileName != "a-first-copy.txt" {
		t.Errorf("got document %s %q named %q, want the stored result under this file's name", doc.ID[:12], doc.Title, doc.FileName)
	}
	stream, err := c.js.Stream(ctx, c.opts.Names.JobStream())
	if err != nil {
		t.Fatal(err)
	}
	if info, err := stream.Info(ctx); err != nil {
		t.Fatal(err)
	} else if info.State.Msgs != 0 {
		t.Errorf("%d jobs published for a document whose result was there", info.State.Msgs)
	}
}

// testCoordinator starts a NATS server and a coordinator on it for corpus
// prefix, both stopped when the test ends, with a context that ends
// after a minute (a wait that never ends fails the test instead of
// hanging it). Tests that run a NATS server are skipped with -short.
func testCoordinator(t *testing.T, prefix string) (context.Context, *Coordinator) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs a NATS server; skipped with -short")
	}
	s := natstest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	nc, js := testConnect(t, s)
	names, _ := NewNames(prefix)
	c, err := NewCoordinator(ctx, nc, js, CoordinatorOptions{Names: names})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return ctx, c
}
