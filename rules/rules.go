// Package rules holds normtag's default tagging rules, embedded in the
// binary. The format is documented in README.md next to this file.
package rules

import (
	_ "embed"
	"sync"
)

// Default is the default rules file (YAML): the settings, and the rules
// for English, French and Spanish.
//
//go:embed default.yaml
var Default []byte

// File is a further rules file of the defaults: only rules, under `norms`.
type File struct {
	Name string // as in this folder, for messages
	Data []byte
}

var (
	//go:embed ar.yaml
	arabic []byte
	//go:embed ru.yaml
	russian []byte
	//go:embed zh.yaml
	chinese []byte
)

// Languages are the rules for Arabic, Russian and Chinese, one file per
// language, merged with Default in this order. They are files of their
// own so that each language's rules are read, tested and changed apart.
var Languages = []File{{"ar.yaml", arabic}, {"ru.yaml", russian}, {"zh.yaml", chinese}}

// All is the default rules as one YAML stream: Default, then each of
// Languages as a further document after a "---" line. Its SHA-256 is
// the default rules' version; `normtag rules dump` prints it, and a
// file holding it loads as the same rules with the same version.
func All() []byte { return all() }

// all joins the files on first use: the stream is a megabyte, which
// every process copied at start-up whether it read the rules or not.
var all = sync.OnceValue(func() []byte {
	out := append([]byte(nil), Default...)
	for _, l := range Languages {
		if len(out) > 0 && out[len(out)-1] != '\n' {
			out = append(out, '\n')
		}
		out = append(out, "---\n"...)
		out = append(out, l.Data...)
	}
	return out
})
