package remote

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/normtag/normtag/pipeline"
)

// seesHeader, on a heartbeat, is the SHA-256 of the content of the probe
// file the coordinator named on QueueReady, as the worker read it at the
// coordinator's path: proof that it sees the coordinator's files.
const seesHeader = "Normtag-Sees"

// probedHeader, on a heartbeat, is the path of the last probe file the
// worker looked at: the coordinator that wrote it knows the worker's
// seesHeader answers its probe.
const probedHeader = "Normtag-Probed"

// probeWait bounds how long a coordinator's first jobs wait for the
// workers it heard from to look at its probe file. They answer within
// milliseconds; a worker that never does (its word lost) costs a run
// this once.
const probeWait = 500 * time.Millisecond

// probePattern names probe files.
const probePattern = ".nats-probe-*"

// probeSize is the length of a probe file's random content.
const probeSize = 32

// writeProbe writes a probe file of random content in dir (a data
// directory whose writer lock the caller holds) and returns
// its absolute path and the SHA-256 of its content. A worker that reads
// the same content at that path shares the coordinator's file system
// there: it is sent paths instead of bytes (AccessDetect).
func writeProbe(dir string) (path, sum string, err error) {
	if dir == "" {
		return "", "", errors.New("no folder for a probe file")
	}
	if dir, err = filepath.Abs(dir); err != nil {
		return "", "", err
	}
	// Probes left by a coordinator that was killed: the caller holds the
	// folder's writer lock, so no other coordinator uses them.
	if old, err := filepath.Glob(filepath.Join(dir, probePattern)); err == nil {
		for _, p := range old {
			os.Remove(p)
		}
	}
	content := make([]byte, probeSize)
	if _, err := rand.Read(content); err != nil {
		return "", "", err
	}
	f, err := os.CreateTemp(dir, probePattern)
	if err != nil {
		return "", "", err
	}
	if _, err := f.Write(content); err != nil {
		f.Close()
		os.Remove(f.Name())
		return "", "", err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return "", "", err
	}
	h := sha256.Sum256(content)
	return f.Name(), hex.EncodeToString(h[:]), nil
}

// readProbe returns the SHA-256 of the probe file at path as this
// machine sees it, or an error when it cannot read one there.
func readProbe(path string) (string, error) {
	if !filepath.IsAbs(path) {
		return "", fmt.Errorf("probe %q: not an absolute path", path)
	}
	return pipeline.HashFile(context.Background(), path, probeSize)
}
