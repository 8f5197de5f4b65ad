package main

import (
	"fmt"
	"io"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/normtag/normtag/internal/norms"
	"github.com/normtag/normtag/pipeline"
)

func retagCommand() *cli.Command {
	return &cli.Command{
		Name:  "retag",
		Usage: "re-tag every stored passage with the current (or given) rules, without re-extracting, and update the index",
		Description: "Documents already tagged by the same rules version are skipped unless --all.\n" +
			"Prints, per norm, how many passages gained or lost it.",
		Flags: []cli.Flag{
			dataFlag(),
			&cli.StringFlag{Name: "rules", Usage: "rules file (default: the embedded rules)"},
			&cli.BoolFlag{Name: "all", Usage: "re-tag documents already tagged by this rules version too"},
			lockWaitFlag(),
			formatFlag("text", "json"),
		},
		Action: func(c *cli.Context) error {
			format, err := checkFormat(c, "text", "json")
			if err != nil {
				return err
			}
			tagger, err := loadTagger(c.String("rules"))
			if err != nil {
				return err
			}
			d, err := openData(c, true)
			if err != nil {
				return err
			}
			defer d.Close()
			sum, err := pipeline.Retag(c.Context, d, tagger, pipeline.RetagOptions{All: c.Bool("all"), Logger: logger(c)})
			if sum != nil {
				if format == "json" {
					writeJSON(c.App.Writer, sum)
				} else {
					printRetag(c.App.Writer, sum)
				}
			}
			return err
		},
	}
}

func printRetag(w io.Writer, s *pipeline.RetagSummary) {
	fmt.Fprintf(w, "re-tagged %d documents (%d passages) with rules %s, %d with changed tags; %d already up to date (%s)\n",
		s.Documents, s.Passages, s.RulesVersion, s.Changed, s.Skipped, s.Duration.Round(time.Millisecond))
	fmt.Fprintln(w, "passages per norm: +added / -removed")
	for _, n := range norms.All {
		fmt.Fprintf(w, "  (%s) %-44s +%d / -%d\n", n.Letter, n.Short, s.Added[n.Letter], s.Removed[n.Letter])
	}
}
