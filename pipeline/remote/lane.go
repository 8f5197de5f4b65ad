package remote

import (
	"context"
	"sync"
)

// uploadLane lets one upload run at a time and, of those waiting, the
// largest file next. Uploads at once share the bandwidth and the
// coordinator's cores, so every one of them ends late and workers wait
// for their first jobs meanwhile; one at a time, the first job goes out
// after the first file, and the largest files, which take a worker
// longest, go out first, as a local ingest would start on them.
type uploadLane struct {
	mu      sync.Mutex
	busy    bool
	waiting []*laneWaiter
}

type laneWaiter struct {
	size int64
	turn chan struct{}
}

// enter waits for the lane: at once when it is free, else until the
// uploads ahead of this one (the larger files, and those that had the
// lane) are done. The caller must call leave once its upload ends,
// unless enter returns ctx's error.
func (l *uploadLane) enter(ctx context.Context, size int64) error {
	l.mu.Lock()
	if !l.busy {
		l.busy = true
		l.mu.Unlock()
		return nil
	}
	w := &laneWaiter{size: size, turn: make(chan struct{})}
	l.waiting = append(l.waiting, w)
	l.mu.Unlock()
	select {
	case <-w.turn:
		return nil
	case <-ctx.Done():
		l.mu.Lock()
		defer l.mu.Unlock()
		for i, o := range l.waiting {
			if o == w {
				l.waiting = append(l.waiting[:i], l.waiting[i+1:]...)
				return ctx.Err()
			}
		}
		// Given the lane as ctx ended: pass it on.
		l.passLocked()
		return ctx.Err()
	}
}

// leave hands the lane to the largest waiting upload.
func (l *uploadLane) leave() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.passLocked()
}

func (l *uploadLane) passLocked() {
	if len(l.waiting) == 0 {
		l.busy = false
		return
	}
	next := 0
	for i, w := range l.waiting {
		if w.size > l.waiting[next].size {
			next = i
		}
	}
	w := l.waiting[next]
	l.waiting = append(l.waiting[:next], l.waiting[next+1:]...)
	close(w.turn)
}
