package remote

import (
	"context"
	"testing"
	"time"
)

// One upload at a time; of those waiting, the largest goes next, and one
// whose context ends leaves the queue without stopping the others.
func TestUploadLaneTakesTheLargestWaitingNext(t *testing.T) {
	var l uploadLane
	ctx := context.Background()
	if err := l.enter(ctx, 10); err != nil {
		t.Fatal(err)
	}
	order := make(chan int64, 4)
	cancelled, cancel := context.WithCancel(ctx)
	gaveUp := make(chan error, 1)
	for _, size := range []int64{5, 300, 40} {
		go func() {
			if err := l.enter(ctx, size); err != nil {
				t.Error(err)
				return
			}
			order <- size
			l.leave()
		}()
	}
	go func() { gaveUp <- l.enter(cancelled, 1000) }()
	// All four wait behind the first upload.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		l.mu.Lock()
		n := len(l.waiting)
		l.mu.Unlock()
		if n == 4 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d uploads waiting, want 4", n)
		}
	}
	cancel()
	if err := <-gaveUp; err == nil {
		t.Fatal("an upload whose context ended got the lane")
	}
	select {
	case size := <-order:
		t.Fatalf("the upload of %d bytes ran while the lane was taken", size)
	default:
	}
	l.leave()
	for _, want := range []int64{300, 40, 5} {
		if got := <-order; got != want {
			t.Fatalf("upload of %d bytes went before the one of %d", got, want)
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.busy || len(l.waiting) != 0 {
		t.Fatalf("lane still busy (%v) or with %d waiting after every upload", l.busy, len(l.waiting))
	}
}
