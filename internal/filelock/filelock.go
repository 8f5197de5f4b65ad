// Package filelock takes advisory locks on open files, the same way on
// every platform normtag runs on: flock on Unix, LockFileEx on Windows.
// Both locks belong to the open file, so two opens of one file in the
// same process exclude each other just as two processes do, and the
// operating system drops a lock when its holder dies.
package filelock

import (
	"errors"
	"os"
)

// Mode is the kind of lock: many holders may share a Shared lock, an
// Exclusive lock has one holder and no Shared ones beside it.
type Mode int

// Lock modes.
const (
	Shared Mode = iota
	Exclusive
)

// ErrHeld is returned by TryLock when another open file holds a lock
// that conflicts with the one asked for.
var ErrHeld = errors.New("file is locked by another holder")

// TryLock locks f in mode m without waiting: it returns ErrHeld at once
// when the lock is taken. Callers that want to wait poll, so that they
// can give up when their context ends.
func TryLock(f *os.File, m Mode) error {
	if err := tryLock(f, m); err != nil {
		if errors.Is(err, ErrHeld) {
			return ErrHeld
		}
		return &os.PathError{Op: "lock", Path: f.Name(), Err: err}
	}
	return nil
}

// Unlock releases the lock f holds. Closing f releases it too.
func Unlock(f *os.File) error {
	if err := unlock(f); err != nil {
		return &os.PathError{Op: "unlock", Path: f.Name(), Err: err}
	}
	return nil
}
