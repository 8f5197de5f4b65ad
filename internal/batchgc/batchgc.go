// Package batchgc trades memory for CPU while a batch command (ingest,
// reindex, retag) runs. Indexing allocates heavily and keeps little: with
// Go's default GOGC=100 the collector takes about a sixth of a reindex's
// CPU time. Collecting when the heap has grown fivefold instead of
// twofold cuts that by most of it, for some tens of MiB more memory on
// real corpora; a memory limit keeps a large corpus from growing without
// bound.
package batchgc

import (
	"os"
	"runtime/debug"
)

// Percent is the GOGC value used during a batch.
const Percent = 400

// Limit is the soft memory limit set during a batch, in bytes: above it
// the collector runs as often as it needs to, whatever Percent says.
const Limit = 768 << 20

// Tune sets the batch collector settings and returns a function that
// restores the previous ones. Settings the user gave through GOGC or
// GOMEMLIMIT are left alone.
func Tune() (restore func()) {
	prevPercent, prevLimit := -2, int64(-1)
	if os.Getenv("GOGC") == "" {
		prevPercent = debug.SetGCPercent(Percent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		prevLimit = debug.SetMemoryLimit(Limit)
	}
	return func() {
		if prevPercent != -2 {
			debug.SetGCPercent(prevPercent)
		}
		if prevLimit >= 0 {
			debug.SetMemoryLimit(prevLimit)
		}
	}
}

// BoundedLimit is the heap at which a batch tuned by TuneBounded collects.
const BoundedLimit = 512 << 20

// TuneBounded sets the collector for a batch whose live heap stays a few
// batches of documents whatever the corpus, and nearly all of whose
// allocations are garbage by the next batch (building an index from
// scratch, re-tagging), and returns a function that restores the
// previous settings. It collects only when the heap reaches BoundedLimit
// (or a lower limit already set) instead of at every fivefold growth:
// that saved a seventh of a reindex's CPU on real documents, which then
// never collect at all. Settings the user gave through GOGC or
// GOMEMLIMIT are left alone.
func TuneBounded() (restore func()) {
	prevPercent, prevLimit := -2, int64(-1)
	if os.Getenv("GOGC") == "" {
		prevPercent = debug.SetGCPercent(-1)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		prevLimit = debug.SetMemoryLimit(-1)
		debug.SetMemoryLimit(min(prevLimit, BoundedLimit))
	}
	return func() {
		if prevPercent != -2 {
			debug.SetGCPercent(prevPercent)
		}
		if prevLimit >= 0 {
			debug.SetMemoryLimit(prevLimit)
		}
	}
}
