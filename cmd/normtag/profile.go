//go:build normtagprof

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"runtime/trace"
	"strings"
)

// startProfile writes a CPU profile of this process, parent or extraction
// child, to $NORMTAG_CPUPROFILE/<command>-<pid>.prof when that folder is
// set. It exists only in binaries built with -tags normtagprof, so that a
// profile of a whole ingest can take in the children that extract.
func startProfile(args []string) (stop func()) {
	dir := os.Getenv("NORMTAG_CPUPROFILE")
	if dir == "" {
		return func() {}
	}
	name := "normtag"
	if len(args) > 1 {
		name = strings.TrimLeft(args[1], "_-")
	}
	f, err := os.Create(filepath.Join(dir, fmt.Sprintf("%s-%d.prof", name, os.Getpid())))
	if err != nil {
		fmt.Fprintln(os.Stderr, "normtag: cpu profile:", err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintln(os.Stderr, "normtag: cpu profile:", err)
		f.Close()
		return func() {}
	}
	// An execution trace too, with NORMTAG_TRACE=1: where each goroutine
	// waited, which a CPU profile does not show.
	var tf *os.File
	if os.Getenv("NORMTAG_TRACE") == "1" {
		if tf, err = os.Create(filepath.Join(dir, fmt.Sprintf("%s-%d.trace", name, os.Getpid()))); err == nil {
			if trace.Start(tf) != nil {
				tf.Close()
				tf = nil
			}
		}
	}
	return func() {
		if tf != nil {
			trace.Stop()
			tf.Close()
		}
		pprof.StopCPUProfile()
		f.Close()
	}
}
