package main

import (
	"bufio"
	"context"
	"errors"

	"github.com/urfave/cli/v2"

	"github.com/normtag/normtag/pipeline/extract"
	"github.com/normtag/normtag/pipeline/isolate"
)

func extractCommand() *cli.Command {
	return &cli.Command{
		Name:      "extract",
		Usage:     "print the plain text extracted from a file, pages separated by a form feed",
		ArgsUsage: "FILE",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "password", Usage: "password for an encrypted PDF", EnvVars: []string{"NORMTAG_PDF_PASSWORD"}},
			&cli.DurationFlag{Name: "timeout", Value: isolate.DefaultTimeout, Usage: "time limit for extracting the file"},
		}, ocrFlags()...),
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usagef("extract needs exactly one FILE")
			}
			path := c.Args().First()
			// Even one file is parsed in a child process: a hostile PDF
			// must not take the command down with it.
			ocrCfg, err := ocrConfig(c)
			if err != nil {
				return err
			}
			pool, err := newExtractPool(c, isolate.Options{Workers: 1, Timeout: c.Duration("timeout"),
				Extract: extract.Options{Password: c.String("password")}}.WithOCR(ocrCfg))
			if err != nil {
				return err
			}
			defer pool.Close()
			doc, err := pool.Extract(c.Context, path)
			if errors.Is(err, context.Canceled) {
				return err
			}
			if err != nil {
				return fileFailure{path: path, err: err}
			}
			w := bufio.NewWriter(c.App.Writer)
			for i, p := range doc.Pages {
				if i > 0 {
					w.WriteString("\f")
				}
				w.WriteString(p.Text)
			}
			w.WriteString("\n")
			return w.Flush()
		},
	}
}
