// Package lazyregexp compiles a package-level regular expression on its
// first use instead of at start-up.
//
// Every normtag process (the CLI, each extraction child, each worker)
// runs the initialisers of every package in the one binary; compiling
// the patterns of the parsers there cost each of them milliseconds,
// mostly for patterns that process never matches.
package lazyregexp

import (
	"regexp"
	"sync"
)

// New returns a function that compiles expr the first time it is called,
// once, safely from any goroutine, and returns that same *regexp.Regexp
// every time. Like regexp.MustCompile, it panics if expr does not
// compile; the tests of the package that declares it must match it at
// least once so that a bad pattern fails there.
func New(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}
