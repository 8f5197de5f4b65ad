//go:build unix

package datadir

import "os"

// syncDir flushes a directory's entries to disk, so that a rename in it
// survives a crash.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
