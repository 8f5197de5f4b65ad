package isolate

import (
	"bufio"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"strconv"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/internal/batchgc"
	"github.com/normtag/normtag/pipeline/extract"
)

// ServeChild runs an extraction child: args are the two protocol handles
// the parent passed (requests in, responses out), as Pool starts it. It
// serves until the parent closes the request pipe or dies. The protocol
// has pipes of its own, so whatever a parser prints on standard output or
// standard error cannot corrupt it.
func ServeChild(args []string) error {
	if len(args) != 2 {
		return fmt.Errorf("%s is started by normtag itself, with two protocol handles (got %d arguments)", ChildCommand, len(args))
	}
	in, err := openHandle(args[0], "requests")
	if err != nil {
		return err
	}
	out, err := openHandle(args[1], "responses")
	if err != nil {
		return err
	}
	defer in.Close()
	defer out.Close()
	if _, err := out.WriteString(hello()); err != nil {
		return fmt.Errorf("%s: write hello: %w", ChildCommand, err)
	}
	dec := gob.NewDecoder(bufio.NewReader(in))
	enc := gob.NewEncoder(out)
	var cfg childConfig
	if err := dec.Decode(&cfg); err != nil {
		return fmt.Errorf("%s: read config: %w", ChildCommand, err)
	}
	if cfg.MemoryLimit > 0 {
		limitMemory(cfg.MemoryLimit)
	}
	// A parent killed outright cannot close the pipe while a parser
	// loops; the child notices its parent is gone and exits by itself.
	go exitWhenOrphaned()
	exitOnCPULimit()
	// Parsing allocates heavily and keeps little: collecting at a
	// fivefold heap instead of twofold saves about a fifth of extraction
	// CPU, for some tens of MiB per child; the memory limit above still
	// bounds the heap.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(batchgc.Percent)
	}
	for {
		var req request
		if err := dec.Decode(&req); err != nil {
			return nil // parent closed the pipe
		}
		if cfg.CPULimit > 0 {
			limitCPU(cfg.CPULimit)
		}
		cfg.Extract.OnOCR = func(pages int) {
			// If this fails, so will the answer, which says so.
			_ = enc.Encode(response{OCRPages: pages})
		}
		if err := enc.Encode(extractOne(req, cfg)); err != nil {
			return fmt.Errorf("%s: write response: %w", ChildCommand, err)
		}
	}
}

func openHandle(arg, name string) (*os.File, error) {
	h, err := strconv.ParseUint(arg, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("%s: bad %s handle %q: %w", ChildCommand, name, arg, err)
	}
	f := os.NewFile(uintptr(h), name)
	if f == nil {
		return nil, fmt.Errorf("%s: invalid %s handle %d", ChildCommand, name, h)
	}
	return f, nil
}

// extractOne runs the extractor, turning a panic into a crashed result.
func extractOne(req request, cfg childConfig) (resp response) {
	defer func() {
		if r := recover(); r != nil {
			resp = response{Reason: corpus.ReasonCrashed, Err: fmt.Sprintf("%s: parser panic: %v", req.Name, r)}
		}
	}()
	if req.Name == "" {
		req.Name = req.Path
	}
	testHook(req.Name)
	var doc *corpus.Document
	var err error
	if req.InMemory {
		doc, err = extract.Bytes(context.Background(), req.Name, req.Data, cfg.Extract)
	} else {
		doc, err = extract.FileAs(context.Background(), req.Path, req.Name, cfg.Extract)
	}
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
