package main

import (
	"errors"
	"strings"

	"github.com/normtag/normtag/corpus"
)

// fileFailure is a file that could not be extracted or tagged, printed as
// one line: "PATH: REASON: CAUSE". corpus.Error already starts with the
// reason and the extractors' causes with the path, so printing the error
// after them would say both twice.
type fileFailure struct {
	path string
	err  error
}

func (f fileFailure) Error() string {
	return failureLine(f.path, corpus.ReasonOf(f.err), failureCause(f.err))
}

func (f fileFailure) Unwrap() error { return f.err }

// failureCause is the cause of err without the reason that corpus.Error
// puts in front.
func failureCause(err error) string {
	var ce *corpus.Error
	if errors.As(err, &ce) && ce.Err != nil {
		return ce.Err.Error()
	}
	return err.Error()
}

// failureLine writes path, reason and cause once each, dropping the path
// from the front of a cause that repeats it.
func failureLine(path string, reason corpus.Reason, cause string) string {
	cause = strings.TrimPrefix(cause, path+": ")
	return path + ": " + string(reason) + ": " + cause
}
