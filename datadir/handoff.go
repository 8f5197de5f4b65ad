package datadir

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"time"

	"github.com/normtag/normtag/internal/filelock"
)

// WaitFile is the file through which readers waiting for the index tell
// a writer to let them in: each holds a shared lock on it while it opens
// the index, and a writer does not start its next batch while anyone
// does. Without it, a reader that polls for the index can miss the short
// gap a writer leaves between two batches (on a loaded machine its timer
// fires late) and then waits out a whole further batch.
const WaitFile = "index.wait"

// maxYield bounds how long a writer lets waiting readers go first before
// each batch, so that readers arriving one after another cannot starve it.
const maxYield = time.Second

// yieldPoll is how often a yielding writer looks whether readers are
// still waiting.
const yieldPoll = 5 * time.Millisecond

// announceWait marks this reader as waiting to open the index. The
// returned function withdraws the mark; call it once the index is open
// (or the open failed). Where the mark cannot be made (a read-only data
// directory, which no writer can use anyway) it does nothing.
func (d *Dir) announceWait() func() {
	if d.lock != nil {
		// The writer's own process: not through the file, which the
		// writer would then see as a reader to yield to, and wait for
		// itself. Its index writer sees the count instead and does
		// not keep the index open for its next batch.
		d.ownReaders.Add(1)
		return func() { d.ownReaders.Add(-1) }
	}
	path := filepath.Join(d.Path, WaitFile)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		if f, err = os.Open(path); err != nil {
			return func() {}
		}
	}
	// A writer probing for waiting readers holds the lock exclusively
	// for an instant; try again rather than go unannounced.
	for range 20 {
		err = filelock.TryLock(f, filelock.Shared)
		if !errors.Is(err, filelock.ErrHeld) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	if err != nil {
		f.Close()
		return func() {}
	}
	return func() { f.Close() } // closing releases the lock
}

// readersWaiting reports whether a reader has announced that it waits to
// open the index.
func (d *Dir) readersWaiting() bool {
	f, err := os.OpenFile(filepath.Join(d.Path, WaitFile), os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		return false
	}
	defer f.Close()
	if err := filelock.TryLock(f, filelock.Exclusive); err != nil {
		return errors.Is(err, filelock.ErrHeld)
	}
	filelock.Unlock(f)
	return false
}

// yieldToReaders waits, up to maxYield, while readers wait to open the
// index: they get it before the writer's next batch takes it again.
func (d *Dir) yieldToReaders(ctx context.Context) error {
	deadline := time.Now().Add(maxYield)
	for d.readersWaiting() && time.Now().Before(deadline) {
		d.readersWaited = time.Now()
		if err := sleep(ctx, yieldPoll); err != nil {
			return err
		}
	}
	return nil
}
