package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/normtag/normtag/index"
	"github.com/normtag/normtag/internal/buildinfo"
)

// writeVersion prints what decides whether two runs give the same
// results: the program's version, the version of the embedded tagging
// rules and of the index layout (a new one makes writers rebuild the
// index).
func writeVersion(w io.Writer) error {
	rules, err := builtinTagger()
	if err != nil {
		return fmt.Errorf("load embedded rules: %w", err)
	}
	fmt.Fprintf(w, "normtag %s\n", buildVersion())
	fmt.Fprintf(w, "rules version: %s\n", rules.Version())
	fmt.Fprintf(w, "index layout version: %s\n", index.MappingVersion)
	fmt.Fprintf(w, "built with: %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}

// buildVersion is the module version of the binary and, when it was
// built from a checkout, the commit (and whether it had local changes).
func buildVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown version: no build information)"
	}
	src := buildinfo.Of(info)
	v, rev := src.Version, src.Revision
	if v == "" {
		v = "(devel)"
	}
	modified := ""
	if src.Modified == "true" {
		modified = ", with local changes"
	}
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		v += " (commit " + rev + modified + ")"
	}
	return v
}
