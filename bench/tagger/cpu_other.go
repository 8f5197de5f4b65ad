//go:build !unix

package main

import "time"

// processCPU is not measured here: only wall time is reported.
func processCPU() (time.Duration, bool) { return 0, false }
