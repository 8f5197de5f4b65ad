// Package examples embeds normtag's sample corpus: fictional OEWG-style
// submissions (PDF, DOCX, HTML, text) written for this project, used by
// `normtag demo` and the end-to-end tests. The sources they were made
// from are in src/, and build.sh regenerates them.
package examples

import (
	"embed"
	"io/fs"
)

// Corpus holds the sample corpus files at its root.
var Corpus = mustSub(corpusFS, "corpus")

//go:embed corpus
var corpusFS embed.FS

func mustSub(f fs.FS, dir string) fs.FS {
	s, err := fs.Sub(f, dir)
	if err != nil {
		panic(err) // the directory is embedded at build time
	}
	return s
}
