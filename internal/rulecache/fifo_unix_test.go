//go:build unix

package rulecache

import (
	"os"
	"syscall"
)

// mkfifo replaces path (a folder here) by a named pipe.
func mkfifo(path string) error {
	if err := os.Remove(path); err != nil {
		return err
	}
	return syscall.Mkfifo(path, 0o600)
}
