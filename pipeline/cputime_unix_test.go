//go:build unix

package pipeline_test

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time this process has used so far, every goroutine
// included (bleve persists and merges in the background). On a shared
// machine it varies far less than wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
