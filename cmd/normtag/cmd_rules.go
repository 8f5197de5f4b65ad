package main

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/normtag/normtag/rules"
)

func rulesCommand() *cli.Command {
	rulesFlag := &cli.StringFlag{Name: "rules", Usage: "rules file (default: the embedded rules)"}
	return &cli.Command{
		Name:  "rules",
		Usage: "check and explain the tagging rules",
		Subcommands: []*cli.Command{
			suggestCommand(),
			{
				Name:  "test",
				Usage: "check every rule against its own examples (match / no_match)",
				Flags: []cli.Flag{rulesFlag},
				Action: func(c *cli.Context) error {
					t, err := loadTagger(c.String("rules"))
					if err != nil {
						return err
					}
					fails, n := t.TestExamples()
					for _, f := range fails {
						fmt.Fprintln(c.App.Writer, "FAIL", inRulesFile(c.String("rules"), f.String()))
					}
					fmt.Fprintf(c.App.Writer, "%d examples, %d failures (rules %s)\n", n, len(fails), t.Version())
					if len(fails) > 0 {
						return partialError{failed: len(fails), what: "rule examples failed"}
					}
					return nil
				},
			},
			{
				Name:  "lint",
				Usage: "report rules without examples or that never fire on them, duplicate and shadowed phrases",
				Flags: []cli.Flag{rulesFlag},
				Action: func(c *cli.Context) error {
					t, err := loadTagger(c.String("rules"))
					if err != nil {
						return err
					}
					problems := t.Lint()
					for _, p := range problems {
						fmt.Fprintln(c.App.Writer, inRulesFile(c.String("rules"), p))
					}
					if len(problems) > 0 {
						return partialError{failed: len(problems), what: "lint problems"}
					}
					fmt.Fprintln(c.App.Writer, "rules are clean")
					return nil
				},
			},
			{
				Name:      "explain",
				Usage:     "show which rules fire on a text and how its scores come about",
				ArgsUsage: "TEXT...",
				Flags:     []cli.Flag{rulesFlag, formatFlag("text", "json")},
				Action: func(c *cli.Context) error {
					format, err := checkFormat(c, "text", "json")
					if err != nil {
						return err
					}
					if c.NArg() == 0 {
						return usagef("rules explain needs a TEXT")
					}
					t, err := loadTagger(c.String("rules"))
					if err != nil {
						return err
					}
					ex := t.Explain(strings.Join(c.Args().Slice(), " "))
					if format == "json" {
						writeJSON(c.App.Writer, ex)
						return nil
					}
					ex.WriteText(c.App.Writer)
					return nil
				},
			},
			{
				Name:  "dump",
				Usage: "print the built-in rules file, to start a custom one from (load it back with --rules)",
				Action: func(c *cli.Context) error {
					if c.NArg() > 0 {
						return usagef("rules dump takes no arguments")
					}
					// The embedded files themselves, comments included, as
					// one YAML stream: its bytes, and so its rules version,
					// are the default's.
					_, err := c.App.Writer.Write(rules.All())
					return err
				},
			},
			{
				Name:  "phrases",
				Usage: "print every phrase the rules search for, folded, one per line (for benchmarks)",
				Flags: []cli.Flag{rulesFlag},
				Action: func(c *cli.Context) error {
					t, err := loadTagger(c.String("rules"))
					if err != nil {
						return err
					}
					for _, p := range t.Phrases() {
						fmt.Fprintln(c.App.Writer, p)
					}
					return nil
				},
			},
		},
	}
}

// inRulesFile names the rules file a message about a rule is in, when it
// is the user's: its lines say "line 12", the built-in files' name theirs
// ("ar.yaml line 40").
func inRulesFile(path, msg string) string {
	if path == "" || path == builtinRules {
		return msg
	}
	return path + ": " + msg
}
