package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/urfave/cli/v2"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/internal/norms"
	"github.com/normtag/normtag/pipeline/tag/suggest"
)

// errNoJudgements is the answer to --from judgements on a corpus where no
// analyst has judged a passage.
var errNoJudgements = errors.New("no judgements recorded (normtag review records them); use --from sections")

func suggestCommand() *cli.Command {
	return &cli.Command{
		Name:  "suggest",
		Usage: "mine candidate rules from the corpus and print them as YAML with estimated precision and recall (changes nothing)",
		Description: "--from sections labels every body passage under a heading that names a norm explicitly\n" +
			"(\"Norm 7\", \"13 (g)\", or its official text); --from judgements labels the passages analysts judged\n" +
			"(normtag review) with the norms they accepted or added; both combines them. It then looks for\n" +
			"phrases of one to four words that occur in one norm's passages and seldom in the others'.\n" +
			"The candidates are printed, never applied.",
		Flags: []cli.Flag{
			dataFlag(),
			&cli.StringFlag{Name: "norm", Usage: "only these norms (letters or numbers: g or 7, f,g)"},
			&cli.StringFlag{Name: "from", Value: "sections", Usage: "where labels come from: sections, judgements or both"},
			&cli.IntFlag{Name: "min-support", Value: 3, Usage: "fewest passages of the norm a phrase must occur in"},
			// A string, checked below: the flag checks know whole numbers
			// and durations only.
			&cli.StringFlag{Name: "min-precision", Value: "0.6", Usage: "lowest estimated precision of a candidate, in (0, 1]"},
			&cli.IntFlag{Name: "top", Value: 5, Usage: "most candidates per norm"},
			formatFlag("yaml", "json"),
		},
		Action: func(c *cli.Context) error {
			format, err := checkFormat(c, "yaml", "json")
			if err != nil {
				return err
			}
			minPrec, err := strconv.ParseFloat(c.String("min-precision"), 64)
			if err != nil || !(minPrec > 0 && minPrec <= 1) {
				return usagef("--min-precision must be a number in (0, 1], got %q", c.String("min-precision"))
			}
			opts := suggest.Options{MinSupport: c.Int("min-support"), MinPrecision: minPrec, PerNorm: c.Int("top")}
			if s := c.String("norm"); s != "" {
				if opts.Norms, err = norms.ParseList(s); err != nil {
					return usagef("norm: %v", err)
				}
			}
			from := c.String("from")
			switch from {
			case "sections", "judgements", "both":
			default:
				return usagef("--from must be sections, judgements or both, not %q", from)
			}
			d, err := openData(c, false)
			if err != nil {
				return err
			}
			defer d.Close()
			source := "the sections of " + d.Path
			if from != "sections" {
				js, err := d.Store.Judgements(c.Context, "")
				if err != nil {
					return err
				}
				switch {
				case len(js) == 0 && from == "judgements":
					return fmt.Errorf("rules suggest --from judgements on %s: %w", d.Path, errNoJudgements)
				case len(js) == 0:
					fmt.Fprintf(c.App.ErrWriter, "normtag: no judgements recorded in %s; suggesting from the sections only\n", d.Path)
				case from == "judgements":
					opts.Labeler = suggest.JudgementLabels(js)
					source = fmt.Sprintf("%d judgements in %s", len(js), d.Path)
				default:
					opts.Labeler = suggest.Both(js)
					source = fmt.Sprintf("the sections of %s and its %d judgements", d.Path, len(js))
				}
			}
			each := func(ctx context.Context, fn func(*corpus.Document) error) error {
				return d.Store.EachDocument(ctx, corpus.WithPassages, fn)
			}
			res, err := suggest.Mine(c.Context, each, opts)
			if err != nil {
				return fmt.Errorf("rules suggest: %w", err)
			}
			if format == "json" {
				writeJSON(c.App.Writer, res)
				return nil
			}
			res.WriteYAML(c.App.Writer, source)
			return nil
		},
	}
}
