package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/internal/termsafe"
	"github.com/normtag/normtag/internal/textcut"
	"github.com/normtag/normtag/pipeline"
	"github.com/normtag/normtag/pipeline/extract"
	"github.com/normtag/normtag/pipeline/isolate"
	"github.com/normtag/normtag/pipeline/tag"
)

// taggedPassage is one line of `tag --format jsonl`.
type taggedPassage struct {
	Doc string `json:"doc"`
	corpus.Passage
}

func tagCommand() *cli.Command {
	return &cli.Command{
		Name:      "tag",
		Usage:     "extract, segment and tag files without storing anything",
		ArgsUsage: "FILE...",
		Description: "jsonl prints one JSON object per passage: doc, page, passage, start, end, heading, level, text\n" +
			"and norms (best score first), each with score, inherited and evidence (rule, match, offsets).",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "rules", Usage: "rules file (default: the embedded rules)"},
			&cli.BoolFlag{Name: "explain", Usage: "text format: show for every tagged passage which rules fired and why"},
			&cli.BoolFlag{Name: "all", Usage: "text format: also show passages without tags"},
			&cli.StringFlag{Name: "password", Usage: "password for encrypted PDFs", EnvVars: []string{"NORMTAG_PDF_PASSWORD"}},
			formatFlag("text", "jsonl"),
		},
		Action: func(c *cli.Context) error {
			format, err := checkFormat(c, "text", "jsonl")
			if err != nil {
				return err
			}
			if c.NArg() == 0 {
				return usagef("tag needs at least one FILE")
			}
			tagger, err := loadTagger(c.String("rules"))
			if err != nil {
				return err
			}
			out := bufio.NewWriter(c.App.Writer)
			defer out.Flush()
			ex, err := newExtractPool(c, isolate.Options{Workers: 1, Extract: extract.Options{Password: c.String("password")}})
			if err != nil {
				return err
			}
			defer ex.Close()
			failed := 0
			for _, path := range c.Args().Slice() {
				if err := c.Context.Err(); err != nil {
					return err
				}
				doc, err := pipeline.ExtractAndAnalyse(c.Context, ex, tagger, path)
				if errors.Is(err, context.Canceled) {
					return err
				}
				if err != nil {
					failed++
					fmt.Fprintf(c.App.ErrWriter, "normtag: %v\n", fileFailure{path: path, err: err})
					continue
				}
				if format == "jsonl" {
					if err := writeTagJSONL(out, path, doc); err != nil {
						return err
					}
					continue
				}
				printTagged(out, tagger, path, doc, c.Bool("explain"), c.Bool("all"))
			}
			if failed > 0 {
				return partialError{failed: failed}
			}
			return nil
		},
	}
}

func writeTagJSONL(w io.Writer, path string, doc *corpus.Document) error {
	enc := json.NewEncoder(w)
	for _, p := range doc.Passages {
		if p.Tags == nil {
			p.Tags = []corpus.Tag{}
		}
		if err := enc.Encode(taggedPassage{Doc: path, Passage: p}); err != nil {
			return fmt.Errorf("write jsonl: %w", err)
		}
	}
	return nil
}

// pageCite names a passage's pages in a citation ("p. 6", "pp. 6–7"), or
// says it has none: text files without form feeds and HTML have no pages.
func pageCite(p corpus.Passage) string {
	if c := p.PageCite(); c != "" {
		return c
	}
	return "no page"
}

func printTagged(w io.Writer, tagger *tag.Tagger, path string, doc *corpus.Document, explain, all bool) {
	fmt.Fprintf(w, "== %s (%s, %d pages, %d passages)\n", path, doc.Format, doc.PageCount, len(doc.Passages))
	for _, p := range doc.Passages {
		if len(p.Tags) == 0 && !all {
			continue
		}
		kind := ""
		if k := p.KindOf(); k != corpus.KindBody {
			kind = " " + string(k)
		}
		fmt.Fprintf(w, "\n%s, passage %d%s: %s\n", pageCite(p), p.Seq, kind, termsafe.Line(textcut.Abbreviate(p.Text, 300)))
		for _, t := range p.Tags {
			how := ""
			if t.Inherited {
				how = " (from its section heading)"
			}
			var rules []string
			for _, e := range t.Evidence {
				rules = append(rules, fmt.Sprintf("%s %q", e.Rule, e.Match))
			}
			fmt.Fprintf(w, "  (%s) %.2f%s %v\n", t.Norm, t.Score, how, rules)
		}
		if explain && !p.Heading {
			writeExplanation(w, tagger, p.Text)
		}
	}
	fmt.Fprintln(w)
}
