package isolate

import (
	"fmt"
	"time"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/pipeline/extract"
)

// ChildCommand is the hidden normtag subcommand that serves as an
// extraction child. The CLI registers it and calls ServeChild; a Pool
// starts Options.Executable with it.
const ChildCommand = "__extract-child"

// protocolVersion changes whenever the messages below change, so that a
// parent never talks to a child built from other sources.
const protocolVersion = 4

// helloPrefix starts the one line a child writes before anything else.
const helloPrefix = "normtag-extract-child"

func hello() string { return fmt.Sprintf("%s %d\n", helloPrefix, protocolVersion) }

// Exit codes of a child, read by the parent to classify a death.
const (
	exitCPULimit = 3 // the CPU-time limit of one document was exceeded
)

// The conversation over the two protocol pipes: the child writes hello;
// the parent checks it and sends one childConfig; then, as often as the
// parent likes, a request followed by the child's response, which an
// OCR notice (a response with only OCRPages set) may precede. Closing the
// request pipe tells the child to exit. Messages after hello are gob.

// childConfig is what a child needs to know before its first document.
type childConfig struct {
	MemoryLimit int64
	// CPULimit bounds the CPU time of one document.
	CPULimit time.Duration
	Extract  extract.Options
}

// request asks for the file at Path, extracted as if it were at Name
// (Name empty: Path), or, with InMemory, for the file whose bytes are
// Data (Path unused).
type request struct {
	Path, Name string
	InMemory   bool
	Data       []byte
}

type response struct {
	Doc    *corpus.Document
	Reason corpus.Reason
	Err    string
	// OCRPages, alone, says the child is about to read that many pages
	// by OCR: the parent gives the document Options.OCRTimeout more.
	OCRPages int
}

// notice reports whether r is an OCR notice rather than the answer.
func (r response) notice() bool { return r.OCRPages > 0 && r.Doc == nil && r.Err == "" }
