package main

import (
	"errors"
	"fmt"
	"github.com/normtag/normtag/datadir"
	"io"
	"os"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/normtag/normtag/index"
	"github.com/normtag/normtag/internal/norms"
)

func searchCommand() *cli.Command {
	return &cli.Command{
		Name:      "search",
		Usage:     "search passages by words and norms, with citations",
		ArgsUsage: "[QUERY...]",
		Description: "QUERY is a bleve query string: words, \"phrases\", +required, -excluded, and fields\n" +
			"norm:g, direct:g, submitter:…, submitter_type:state, country:…, year:2021, lang:fr, title:…, file:….\n" +
			"An empty query with --norm lists the passages of those norms in document order.",
		Flags: append(filterFlags(),
			&cli.StringFlag{Name: "sort", Value: index.SortRelevance, Usage: "relevance, date or document"},
			&cli.IntFlag{Name: "limit", Value: 10, Usage: "hits to show"},
			&cli.IntFlag{Name: "offset", Value: 0, Usage: "hits to skip"},
			&cli.BoolFlag{Name: "facets", Usage: "also print counts per norm, submitter, submitter type and year"},
			formatFlag("text", "json"),
		),
		Action: func(c *cli.Context) error {
			format, err := checkFormat(c, "text", "json")
			if err != nil {
				return err
			}
			req, d, ix, err := openSearch(c)
			if err != nil {
				return err
			}
			defer d.Close()
			if ix == nil {
				// The first ingest has not indexed anything yet.
				res := &index.Result{Hits: []index.Hit{}}
				if format == "json" {
					writeJSON(c.App.Writer, res)
				} else {
					printHits(c.App.Writer, res, req, false)
				}
				return nil
			}
			defer ix.Close()
			res, err := ix.Search(c.Context, req)
			if err != nil {
				var qe *index.QueryError
				if errors.As(err, &qe) {
					return usagef("%v", qe)
				}
				return err
			}
			if format == "json" {
				writeJSON(c.App.Writer, res)
				return nil
			}
			printHits(c.App.Writer, res, req, isTerminal(c.App.Writer))
			return nil
		},
	}
}

// openSearch reads the search flags and opens the data directory and its
// index for reading. The index is nil when nothing was indexed yet.
func openSearch(c *cli.Context) (index.Request, *datadir.Dir, *index.Index, error) {
	req, err := searchRequest(c)
	if err != nil {
		return req, nil, nil, err
	}
	d, err := openData(c, false)
	if err != nil {
		return req, nil, nil, err
	}
	ix, err := d.OpenIndex()
	if errors.Is(err, index.ErrMissing) {
		return req, d, nil, nil
	}
	if err != nil {
		d.Close()
		return req, nil, nil, err
	}
	return req, d, ix, nil
}

// filterFlags are the flags that select passages, shared by search and
// export.
func filterFlags() []cli.Flag {
	return []cli.Flag{
		dataFlag(),
		&cli.StringFlag{Name: "norm", Usage: "only passages tagged with any of these norms, e.g. f,g or 6,7"},
		&cli.BoolFlag{Name: "direct-only", Usage: "with --norm: only tags from the passage's own words, not inherited from its section"},
		&cli.StringSliceFlag{Name: "submitter", Usage: "only documents from this submitter (repeatable)"},
		&cli.StringFlag{Name: "since", Usage: "only documents dated on or after YYYY[-MM[-DD]]"},
		&cli.StringFlag{Name: "until", Usage: "only documents dated on or before YYYY[-MM[-DD]]"},
	}
}

// searchRequest reads the search flags shared by search and export.
func searchRequest(c *cli.Context) (index.Request, error) {
	req := index.Request{
		Query:      strings.Join(c.Args().Slice(), " "),
		DirectOnly: c.Bool("direct-only"),
		Submitters: c.StringSlice("submitter"),
		Sort:       c.String("sort"),
		Limit:      c.Int("limit"),
		Offset:     c.Int("offset"),
		Highlight:  true,
		Facets:     c.Bool("facets"),
	}
	if s := c.String("norm"); s != "" {
		letters, err := norms.ParseList(s)
		if err != nil {
			return req, usagef("--norm: %v", err)
		}
		req.Norms = letters
	}
	for flag, dst := range map[string]*time.Time{"since": &req.Since, "until": &req.Until} {
		if v := c.String(flag); v != "" {
			t, err := index.ParseDate(v, flag == "until")
			if err != nil {
				return req, usagef("--%s: %v", flag, err)
			}
			*dst = t
		}
	}
	if !c.IsSet("limit") && c.Command.Name == "export" {
		req.Limit = 10
	}
	if req.Limit < 1 || req.Limit > index.MaxLimit {
		return req, usagef("--limit must be between 1 and %d", index.MaxLimit)
	}
	return req, nil
}

func printHits(w io.Writer, res *index.Result, req index.Request, color bool) {
	if res.Total == 0 {
		fmt.Fprintln(w, "no passages found")
		return
	}
	shown := len(res.Hits)
	fmt.Fprintf(w, "%d passage(s) found, showing %d–%d\n\n", res.Total, req.Offset+1, req.Offset+shown)
	for i, h := range res.Hits {
		fmt.Fprintf(w, "%d. %s\n", req.Offset+i+1, citation(h))
		fmt.Fprintf(w, "   norms: %s\n", describeNorms(h.Norms, h.DirectNorms))
		fmt.Fprintf(w, "   %s\n\n", markSnippet(h.Snippet, color))
	}
	if len(res.Facets) > 0 {
		for _, f := range []string{index.FieldNorm, index.FieldSubmitter, index.FieldSubmitterType, index.FieldYear} {
			counts := res.Facets[f]
			if len(counts) == 0 {
				continue
			}
			parts := make([]string, len(counts))
			for i, fc := range counts {
				parts[i] = fmt.Sprintf("%s %d", fc.Value, fc.Count)
			}
			fmt.Fprintf(w, "%s: %s\n", f, strings.Join(parts, " · "))
		}
	}
}

// citation renders "Title — submitter, date — file, p. 3, passage 12".
func citation(h index.Hit) string {
	var b strings.Builder
	b.WriteString(h.Title)
	if h.Submitter != "" || h.Date != "" {
		b.WriteString(" — ")
		b.WriteString(strings.TrimLeft(strings.Join([]string{h.Submitter, h.Date}, ", "), ", "))
	}
	fmt.Fprintf(&b, " — %s, p. %d, passage %d", h.File, h.Page, h.Seq)
	return b.String()
}

// describeNorms lists norms with their short names, marking those only
// inherited from a section heading.
func describeNorms(all, direct []string) string {
	if len(all) == 0 {
		return "none"
	}
	isDirect := map[string]bool{}
	for _, n := range direct {
		isDirect[n] = true
	}
	parts := make([]string, 0, len(all))
	for _, l := range all {
		s := "(" + l + ")"
		if n, ok := norms.ByLetter(l); ok {
			s += " " + n.Short
		}
		if !isDirect[l] {
			s += " [section]"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

// markSnippet renders the highlight markers: bold on a terminal, «…»
// otherwise.
func markSnippet(s string, color bool) string {
	open, close := "«", "»"
	if color {
		open, close = "\x1b[1;33m", "\x1b[0m"
	}
	s = strings.ReplaceAll(s, index.MarkStart, open)
	return strings.ReplaceAll(s, index.MarkEnd, close)
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
