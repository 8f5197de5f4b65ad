package isolate

import (
	"context"
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"syscall"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/pipeline/extract"
)

// ServeChildIfRequested turns this process into an extraction child when
// it was started as one (see Pool), serving requests until its input
// closes, and then exits. Otherwise it returns at once.
func ServeChildIfRequested() {
	if os.Getenv(envWorker) != "1" {
		return
	}
	os.Exit(serveChild())
}

func serveChild() int {
	var cfg childConfig
	if err := json.Unmarshal([]byte(os.Getenv(envConfig)), &cfg); err != nil {
		fmt.Fprintln(os.Stderr, "isolate child: bad config:", err)
		return 2
	}
	if cfg.MemoryLimit > 0 {
		limitMemory(cfg.MemoryLimit)
	}
	// The protocol owns the original stdout; anything a library prints
	// goes to stderr instead of corrupting it.
	protoFD, err := syscall.Dup(1)
	if err != nil {
		fmt.Fprintln(os.Stderr, "isolate child:", err)
		return 2
	}
	syscall.Dup2(2, 1)
	out := os.NewFile(uintptr(protoFD), "protocol")
	dec := gob.NewDecoder(os.Stdin)
	enc := gob.NewEncoder(out)
	for {
		var req request
		if err := dec.Decode(&req); err != nil {
			return 0 // parent closed the pipe
		}
		if err := enc.Encode(extractOne(req, cfg)); err != nil {
			return 1
		}
	}
}

// extractOne runs the extractor, turning a panic into a crashed result.
func extractOne(req request, cfg childConfig) (resp response) {
	defer func() {
		if r := recover(); r != nil {
			resp = response{Reason: corpus.ReasonCrashed, Err: fmt.Sprintf("%s: parser panic: %v", req.Path, r)}
		}
	}()
	testHook(req.Path)
	doc, err := extract.File(context.Background(), req.Path, cfg.Extract)
	if err != nil {
		// The reason travels apart; send the cause without its prefix.
		msg := err.Error()
		var ce *corpus.Error
		if errors.As(err, &ce) && ce.Err != nil {
			msg = ce.Err.Error()
		}
		return response{Reason: corpus.ReasonOf(err), Err: msg}
	}
	return response{Doc: doc}
}

// limitMemory caps the address space (so a runaway allocation fails in
// this process only) and tells the Go runtime to collect harder before
// reaching it.
func limitMemory(limit int64) {
	lim := &syscall.Rlimit{Cur: uint64(limit), Max: uint64(limit)}
	if err := syscall.Setrlimit(syscall.RLIMIT_AS, lim); err != nil {
		fmt.Fprintln(os.Stderr, "isolate child: cannot limit memory:", err)
	}
	debug.SetMemoryLimit(limit / 2)
}
