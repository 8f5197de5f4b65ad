package main

import (
	"bufio"
	"io"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/normtag/normtag/index"
	"github.com/normtag/normtag/internal/cite"
	"github.com/normtag/normtag/internal/export"
)

func exportCommand() *cli.Command {
	return &cli.Command{
		Name:      "export",
		Usage:     "write every matching passage as a row (CSV for Excel/NVivo, or JSON lines) with citation, norms and evidence, or as citations for a reference manager (CSL-JSON, RIS, BibTeX)",
		ArgsUsage: "[QUERY...]",
		Flags: append(filterFlags(),
			&cli.StringFlag{Name: "sort", Value: index.SortDocument, Usage: "document, date or relevance"},
			&cli.BoolFlag{Name: "bom", Usage: "CSV: start with a UTF-8 byte order mark (Excel)"},
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "write to this file instead of standard output"},
			formatFlag(index.Formats(index.KindExport)...),
			citeUnitFlag, citeBaseFlag,
		),
		Action: func(c *cli.Context) error {
			req, err := cliRequest(filterParams(c, index.KindExport))
			if err != nil {
				return err
			}
			format := req.FormatOrDefault()
			d, ix, err := openSearch(c)
			if err != nil {
				return err
			}
			defer d.Close()
			if ix == nil {
				return index.ErrMissing
			}
			defer ix.Close()
			n := 0
			write := func(w io.Writer) error {
				bw := bufio.NewWriter(w)
				var write func(export.Row) error
				flush := func() error { return nil }
				if cite.IsFormat(format) {
					m, err := writeCitations(c, bw, ix, d.Store, req, format)
					n += m
					if err != nil {
						return cliError(err)
					}
					return bw.Flush()
				}
				if format == "csv" {
					cw, err := export.NewCSV(bw, c.Bool("bom"))
					if err != nil {
						return err
					}
					write, flush = cw.Write, cw.Flush
				} else {
					write = export.NewJSONL(bw).Write
				}
				err := export.Rows(c.Context, ix, d.Store, req, func(r export.Row) error { n++; return write(r) })
				if err != nil {
					return cliError(err)
				}
				if err := flush(); err != nil {
					return err
				}
				return bw.Flush()
			}
			if path := c.String("out"); path != "" {
				// A failed export leaves the previous file, not half a one.
				err = writeAtomic(path, func(f *os.File) error { return write(f) })
			} else {
				err = write(c.App.Writer)
			}
			if err != nil {
				return err
			}
			logger(c).Info("exported", "passages", n)
			return nil
		},
	}
}
