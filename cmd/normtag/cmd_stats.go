package main

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/internal/norms"
)

func statsCommand() *cli.Command {
	return &cli.Command{
		Name:  "stats",
		Usage: "count stored documents, pages, passages, tags per norm and failures per reason",
		Flags: []cli.Flag{dataFlag(), formatFlag("text", "json"), kindsFlag()},
		Action: func(c *cli.Context) error {
			format, err := checkFormat(c, "text", "json")
			if err != nil {
				return err
			}
			kinds, err := corpus.ParseKinds(c.String("kinds"))
			if err != nil {
				return usagef("--kinds: %v", err)
			}
			d, err := openData(c, false)
			if err != nil {
				return err
			}
			defer d.Close()
			st, err := d.Stats(c.Context, kinds...)
			if err != nil {
				return err
			}
			if format == "json" {
				writeJSON(c.App.Writer, st)
				return nil
			}
			printStats(c.App.Writer, st.Stats)
			if st.Unindexable > 0 {
				fmt.Fprintf(c.App.Writer, "unindexable: %d (stored but not searchable; see normtag check)\n", st.Unindexable)
			}
			return nil
		},
	}
}

// kindList names passage kinds for a reader: "body, heading".
func kindList(kinds []corpus.Kind) string {
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

func printStats(w io.Writer, st corpus.Stats) {
	fmt.Fprintf(w, "documents: %d\npages:     %d\npassages:  %d\n", st.Documents, st.Pages, st.Passages)
	if st.OCRPages > 0 {
		fmt.Fprintf(w, "ocr:       %d pages in %d documents read by OCR\n", st.OCRPages, st.OCRDocuments)
	}
	fmt.Fprintf(w, "passages per norm (all / own words), counting %s passages:\n", kindList(st.CountedKinds))
	for _, n := range norms.All {
		fmt.Fprintf(w, "  (%s) %-44s %6d / %d\n", n.Letter, n.Short, st.Norms[n.Letter], st.DirectNorms[n.Letter])
	}
	if len(st.Failed) > 0 {
		reasons := make([]string, 0, len(st.Failed))
		total := 0
		for r, n := range st.Failed {
			reasons = append(reasons, string(r))
			total += n
		}
		sort.Strings(reasons)
		fmt.Fprintf(w, "failed files: %d\n", total)
		for _, r := range reasons {
			fmt.Fprintf(w, "  %-12s %d\n", r, st.Failed[corpus.Reason(r)])
		}
	}
}
