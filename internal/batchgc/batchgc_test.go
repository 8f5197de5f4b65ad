package batchgc

import (
	"os"
	"runtime/debug"
	"testing"
)

func TestTuneSetsAndRestores(t *testing.T) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		t.Skip("GOGC or GOMEMLIMIT set in the environment: Tune leaves them alone")
	}
	beforePercent := debug.SetGCPercent(100)
	defer debug.SetGCPercent(beforePercent)
	beforeLimit := debug.SetMemoryLimit(-1)
	restore := Tune()
	if got := debug.SetGCPercent(-1); got != Percent {
		t.Errorf("GC percent during a batch: %d, want %d", got, Percent)
	}
	debug.SetGCPercent(Percent)
	if got := debug.SetMemoryLimit(-1); got != Limit {
		t.Errorf("memory limit during a batch: %d, want %d", got, Limit)
	}
	// Nested batches (an ingest that rebuilds the index) restore the
	// outer batch's settings, not the defaults.
	inner := Tune()
	inner()
	if got := debug.SetGCPercent(-1); got != Percent {
		t.Errorf("GC percent after a nested batch: %d, want %d", got, Percent)
	}
	debug.SetGCPercent(Percent)
	restore()
	if got := debug.SetGCPercent(-1); got != 100 {
		t.Errorf("GC percent after the batch: %d, want 100", got)
	}
	debug.SetGCPercent(100)
	if got := debug.SetMemoryLimit(-1); got != beforeLimit {
		t.Errorf("memory limit after the batch: %d, want %d", got, beforeLimit)
	}
}

func TestTuneBoundedCollectsOnlyAtTheLimit(t *testing.T) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		t.Skip("GOGC or GOMEMLIMIT set in the environment: TuneBounded leaves them alone")
	}
	beforePercent := debug.SetGCPercent(100)
	defer debug.SetGCPercent(beforePercent)
	beforeLimit := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(beforeLimit)
	// Inside a batch (an ingest that rebuilds the index), the build's
	// settings apply and the batch's come back after it.
	outer := Tune()
	restore := TuneBounded()
	if got := debug.SetGCPercent(-1); got != -1 {
		t.Errorf("GC percent during a build: %d, want off", got)
	}
	if got := debug.SetMemoryLimit(-1); got != BoundedLimit {
		t.Errorf("memory limit during a build: %d, want %d", got, BoundedLimit)
	}
	restore()
	if got := debug.SetGCPercent(-1); got != Percent {
		t.Errorf("GC percent after a build in a batch: %d, want %d", got, Percent)
	}
	debug.SetGCPercent(Percent)
	if got := debug.SetMemoryLimit(-1); got != Limit {
		t.Errorf("memory limit after a build in a batch: %d, want %d", got, Limit)
	}
	outer()
	if got := debug.SetGCPercent(-1); got != 100 {
		t.Errorf("GC percent after the batch: %d, want 100", got)
	}
	debug.SetGCPercent(100)
}
