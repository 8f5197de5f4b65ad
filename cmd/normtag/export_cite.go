package main

import (
	"io"

	"github.com/urfave/cli/v2"

	"github.com/normtag/normtag/corpus/sqlite"
	"github.com/normtag/normtag/index"
	"github.com/normtag/normtag/internal/cite"
)

// Flags of export's citation formats.
var (
	citeUnitFlag = &cli.StringFlag{Name: "unit", Value: cite.UnitPassage,
		Usage: "csl-json, ris, bibtex: cite each matching passage, or each document holding one (document)"}
	citeBaseFlag = &cli.StringFlag{Name: "base-url", Value: "http://127.0.0.1:8080",
		Usage: "csl-json, ris, bibtex: where readers reach normtag serve; permalinks in the citations start with it"}
)

// writeCitations writes a citation of every passage (or document) req
// matches to w in a citation format, returning how many it wrote.
func writeCitations(c *cli.Context, w io.Writer, ix *index.Index, st *sqlite.Store, req index.Request, format string) (int, error) {
	unit, err := cite.CheckUnit(c.String("unit"))
	if err != nil {
		return 0, usagef("--unit must be passage or document, not %q", c.String("unit"))
	}
	cw, err := cite.NewWriter(w, format)
	if err != nil {
		return 0, err
	}
	n := 0
	err = cite.Items(c.Context, ix, st, req, index.MaxLimit, unit, cite.Links{Base: c.String("base-url")}, func(it cite.Item) error {
		n++
		return cw.Write(it)
	})
	if err != nil {
		return n, err
	}
	return n, cw.Close()
}
