package main

import (
	"bufio"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/normtag/normtag/pipeline/extract"
)

func extractCommand() *cli.Command {
	return &cli.Command{
		Name:      "extract",
		Usage:     "print the plain text extracted from a file, pages separated by a form feed",
		ArgsUsage: "FILE",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "password", Usage: "password for an encrypted PDF", EnvVars: []string{"NORMTAG_PDF_PASSWORD"}},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usagef("extract needs exactly one FILE")
			}
			path := c.Args().First()
			doc, err := extract.File(c.Context, path, extract.Options{Password: c.String("password")})
			if err != nil {
				return fmt.Errorf("%s: %w", path, err)
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
