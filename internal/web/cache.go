package web

import (
	"sync"
	"time"

	"github.com/normtag/normtag/index"
)

// indexCache shares one read-only index handle between requests. Writers
// (ingest, reindex) take bleve's file lock only while they write a batch,
// and a reader holding the index open would keep them out; so the handle
// is closed after a short idle time and, while a writer is running and
// requests keep coming, renewed every maxAge with a short pause that lets
// the writer in. Reopening also makes newly committed documents visible.
// With no writer running, the handle is kept as long as it is used.
type indexCache struct {
	open         func() (*index.Index, error)
	writerActive func() bool
	idle         time.Duration
	maxAge       time.Duration
	pause        time.Duration

	mu       sync.Mutex
	cond     *sync.Cond
	ix       *index.Index
	users    int
	openedAt time.Time
	lastUsed time.Time
	closedAt time.Time
	draining bool
}

func newIndexCache(open func() (*index.Index, error), writerActive func() bool) *indexCache {
	c := &indexCache{open: open, writerActive: writerActive, idle: time.Second, maxAge: 2 * time.Second, pause: 150 * time.Millisecond}
	c.cond = sync.NewCond(&c.mu)
	return c
}

// acquire returns the shared index and a function to release it.
func (c *indexCache) acquire() (*index.Index, func(), error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for c.draining {
		c.cond.Wait()
	}
	if c.ix != nil && time.Since(c.openedAt) > c.maxAge && c.writerActive() {
		c.draining = true
		for c.users > 0 {
			c.cond.Wait()
		}
		c.closeLocked()
		c.draining = false
		c.cond.Broadcast()
	}
	if c.ix == nil {
		if wait := c.pause - time.Since(c.closedAt); wait > 0 {
			c.mu.Unlock()
			time.Sleep(wait)
			c.mu.Lock()
			if c.ix != nil {
				return c.use()
			}
		}
		ix, err := c.open()
		if err != nil {
			return nil, nil, err
		}
		c.ix, c.openedAt = ix, time.Now()
	}
	return c.use()
}

func (c *indexCache) use() (*index.Index, func(), error) {
	c.users++
	ix := c.ix
	return ix, func() {
		c.mu.Lock()
		c.users--
		c.lastUsed = time.Now()
		c.cond.Broadcast()
		c.mu.Unlock()
	}, nil
}

func (c *indexCache) closeLocked() {
	if c.ix != nil {
		c.ix.Close()
		c.ix = nil
		c.closedAt = time.Now()
	}
}

// sweep closes an idle or old handle; the server calls it periodically.
func (c *indexCache) sweep() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ix != nil && c.users == 0 && (time.Since(c.lastUsed) > c.idle || time.Since(c.openedAt) > c.maxAge) && c.writerActive() {
		c.closeLocked()
	}
}

// close releases the handle for good.
func (c *indexCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for c.users > 0 {
		c.cond.Wait()
	}
	c.closeLocked()
}
