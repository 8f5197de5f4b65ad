package remote

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/normtag/normtag/internal/natstest"
)

// lineWatch is a log destination that reports when a line containing
// want has been written.
type lineWatch struct {
	want string
	once sync.Once
	seen chan struct{}
}

func (l *lineWatch) Write(p []byte) (int, error) {
	if strings.Contains(string(p), l.want) {
		l.once.Do(func() { close(l.seen) })
	}
	return len(p), nil
}

// A worker started before any coordinator finds the job queue as soon as
// a coordinator has made it, told on QueueReady, not at its next look:
// here the next look would be an hour away.
func TestWaitingWorkerStartsWhenTheQueueIsMade(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a NATS server; skipped with -short")
	}
	s := natstest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	names, _ := NewNames("wake")
	connect := func() *Worker {
		nc, js := testConnect(t, s)
		return &Worker{nc: nc, js: js}
	}

	waiting := &lineWatch{want: "waiting for a coordinator", seen: make(chan struct{})}
	conn := connect()
	w := NewWorker(conn.nc, conn.js, WorkerOptions{Names: names, Workers: 1, Logger: slog.New(slog.NewTextHandler(waiting, nil))})
	w.lookEvery = time.Hour
	found := make(chan error, 1)
	go func() {
		_, err := w.await(ctx, w.listenReady(ctx))
		found <- err
	}()
	select {
	case <-waiting.seen:
	case err := <-found:
		t.Fatalf("the worker found a queue no coordinator made (err %v)", err)
	case <-ctx.Done():
		t.Fatal("the worker never said it waits")
	}

	cc := connect()
	c, err := NewCoordinator(ctx, cc.nc, cc.js, CoordinatorOptions{Names: names})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	select {
	case err := <-found:
		if err != nil {
			t.Fatalf("await: %v", err)
		}
	case <-ctx.Done():
		t.Fatal("the worker did not start when the coordinator made the queue")
	}
	if w.results == nil || w.files == nil {
		t.Error("the worker started without the buckets")
	}
}
