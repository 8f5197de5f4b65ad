package main

import (
	"errors"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/normtag/normtag/pipeline/extract"
	"github.com/normtag/normtag/pipeline/isolate"
	"github.com/normtag/normtag/pipeline/tag/eval"
)

func evalCommand() *cli.Command {
	return &cli.Command{
		Name:  "eval",
		Usage: "measure the rules against gold passages: precision, recall, F1, top-1, confusion, per-rule errors",
		Description: "The gold file has one JSON object per line, either {\"doc\",\"gold\":[letters],\"kind\",\"text\"}\n" +
			"(any of the gold norms counts; doc is the document, relative to the gold file, for --mode document)\n" +
			"or {\"norm\":\"g\" or \"\" for none,\"lang\",\"text\"}. --against tags the same passages with a second\n" +
			"rules file and shows the passages that change and what that does to every figure.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "gold", Required: true, Usage: "gold passages (JSON lines)"},
			&cli.StringFlag{Name: "rules", Usage: "rules file (default: the embedded rules)"},
			&cli.StringFlag{Name: "against", Usage: "a second rules file to compare with"},
			&cli.StringFlag{Name: "mode", Value: string(eval.Isolated), Usage: "isolated (each passage alone) or document (whole documents, with section context)"},
			&cli.StringFlag{Name: "kind", Usage: "only gold passages of this kind: header or body (default: all)"},
			formatFlag("text", "json"),
		},
		Action: func(c *cli.Context) error {
			format, err := checkFormat(c, "text", "json")
			if err != nil {
				return err
			}
			mode := eval.Mode(c.String("mode"))
			if mode != eval.Isolated && mode != eval.Document {
				return usagef("--mode must be isolated or document, not %q", mode)
			}
			switch k := c.String("kind"); k {
			case "", "header", "body":
			default:
				return usagef("--kind must be header or body, not %q", k)
			}
			gold, err := eval.ReadGold(c.String("gold"))
			if err != nil {
				return err
			}
			opts := eval.Options{Mode: mode, Kind: c.String("kind"), DocDir: filepath.Dir(c.String("gold"))}
			if mode == eval.Document {
				pool, err := newExtractPool(c, isolate.Options{Workers: 1, Extract: extract.Options{}})
				if err != nil {
					return err
				}
				defer pool.Close()
				opts.Extractor = pool
			}
			run := func(rulesPath string) (*eval.Result, error) {
				t, err := loadTagger(rulesPath)
				if err != nil {
					return nil, err
				}
				return eval.Run(c.Context, gold, t, opts)
			}
			res, err := run(c.String("rules"))
			if errors.Is(err, eval.ErrNoDocument) {
				return usagef("%v", err)
			}
			if err != nil {
				return err
			}
			if c.String("against") == "" {
				if format == "json" {
					writeJSON(c.App.Writer, res)
				} else {
					res.WriteText(c.App.Writer)
				}
				return nil
			}
			other, err := run(c.String("against"))
			if err != nil {
				return err
			}
			cmp, err := eval.Compare(res, other)
			if err != nil {
				return err
			}
			if format == "json" {
				writeJSON(c.App.Writer, cmp)
			} else {
				cmp.WriteText(c.App.Writer)
			}
			return nil
		},
	}
}
