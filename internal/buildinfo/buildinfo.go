// Package buildinfo reads where this program's code came from, as the Go
// toolchain recorded it in the binary: the module version and, for a
// build from a checkout, the commit and whether it had local changes.
package buildinfo

import (
	"runtime/debug"
	"strings"
)

// Source is what build information says about a binary's sources.
type Source struct {
	// Version is the main module's version: "(devel)" or empty for a
	// build from a checkout, a "+dirty" suffix for one with changes.
	Version string
	// Revision is the commit of a build from a checkout, "" if none.
	Revision string
	// Modified is the toolchain's vcs.modified: "true", "false", or ""
	// when it recorded none.
	Modified string
}

// Of reads the source of the binary that info describes.
func Of(info *debug.BuildInfo) Source {
	s := Source{Version: info.Main.Version}
	for _, kv := range info.Settings {
		switch kv.Key {
		case "vcs.revision":
			s.Revision = kv.Value
		case "vcs.modified":
			s.Modified = kv.Value
		}
	}
	return s
}

// Exact reports whether the source is named exactly: a module version,
// or a commit built without local changes.
func (s Source) Exact() bool {
	switch {
	case s.Modified == "true" || strings.HasSuffix(s.Version, "+dirty"):
		return false
	case s.Version != "" && s.Version != "(devel)":
		return true
	}
	return s.Revision != "" && s.Modified == "false"
}
