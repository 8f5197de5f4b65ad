package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/index"
	"github.com/normtag/normtag/internal/norms"
	"github.com/normtag/normtag/internal/termsafe"
)

func searchCommand() *cli.Command {
	return &cli.Command{
		Name:      "search",
		Usage:     "search passages by words and norms, with citations",
		ArgsUsage: "[QUERY...]",
		Description: "QUERY: words, \"phrases\", +required, -excluded (write -- before a query that starts with -),\n" +
			"a AND b, a OR b, NOT a, (groups); words side by side are alternatives, best matches first.\n" +
			"Fields: norm:g, direct:g, submitter:…, submitter_type:state, country:…, year:2021, lang:fr (any fr-…),\n" +
			"title:…, file:…, doc:…, kind:note (body, heading, note, reference, toc, furniture), dup:KEY;\n" +
			"title:(a OR b) applies a field to a group. cyber* and state~1 need 3 letters.\n" +
			"Case and accents do not matter: cybersecurite finds cybersécurité.\n" +
			"An empty query with --norm lists the passages of those norms in document order.\n" +
			"A page that has more after it ends with the --after value that shows the next one.\n" +
			"Passages with the same text (case, accents, spacing and punctuation aside) are one hit, \"+N copies in M documents\";\n" +
			"list them with --no-collapse dup:KEY (KEY printed with the hit).",
		Flags: append(filterFlags(),
			&cli.StringFlag{Name: "sort", Value: index.SortRelevance, Usage: "relevance, date or document"},
			&cli.StringFlag{Name: "limit", Value: strconv.Itoa(index.DefaultLimit), Usage: fmt.Sprintf("hits to show (1-%d)", index.MaxLimit)},
			&cli.StringFlag{Name: "offset", Value: "0", Usage: fmt.Sprintf("hits to skip (at most %d; page deeper with --after)", index.MaxOffset)},
			&cli.StringFlag{Name: "after", Usage: "show the page after the one that printed this cursor"},
			&cli.BoolFlag{Name: "facets", Usage: "also print counts per norm, passage kind, submitter, submitter type and year"},
			&cli.BoolFlag{Name: "no-collapse", Usage: "show every copy of a text as its own hit (by default passages with the same text are one hit, \"+N copies in M documents\")"},
			&cli.StringFlag{Name: "per-document", Usage: fmt.Sprintf("keep only the best N passages of each document (1-%d)", index.MaxPerDocument)},
			formatFlag(index.Formats(index.KindSearch)...),
		),
		Action: func(c *cli.Context) error {
			p := filterParams(c, index.KindSearch)
			p.Limit, p.Offset, p.After = c.String("limit"), c.String("offset"), c.String("after")
			p.PerDocument = c.String("per-document")
			if c.Bool("no-collapse") {
				p.Collapse = "false"
			}
			req, err := cliRequest(p)
			if err != nil {
				return err
			}
			req.Highlight, req.Facets = true, c.Bool("facets")
			d, ix, err := openSearch(c)
			if err != nil {
				return err
			}
			defer d.Close()
			res := &index.Result{Hits: []index.Hit{}} // the first ingest has not indexed anything yet
			if ix != nil {
				defer ix.Close()
				if res, err = ix.Search(c.Context, req); err != nil {
					return cliError(err)
				}
			}
			if req.FormatOrDefault() == "json" {
				writeJSON(c.App.Writer, res)
				return nil
			}
			printHits(c.App.Writer, res, req, isTerminal(c.App.Writer))
			return nil
		},
	}
}

// openSearch opens the data directory and its index for reading. The
// index is nil when nothing was indexed yet.
func openSearch(c *cli.Context) (*datadir.Dir, *index.Index, error) {
	d, err := openData(c, false)
	if err != nil {
		return nil, nil, err
	}
	ix, err := d.OpenIndex(c.Context)
	if errors.Is(err, index.ErrMissing) {
		return d, nil, nil
	}
	if err != nil {
		d.Close()
		return nil, nil, err
	}
	return d, ix, nil
}

// filterFlags are the flags that select passages, shared by search and
// export.
func filterFlags() []cli.Flag {
	return []cli.Flag{
		dataFlag(),
		&cli.StringFlag{Name: "norm", Usage: "only passages tagged with any of these norms, e.g. f,g or 6,7"},
		&cli.StringFlag{Name: "norm-op", Usage: "with several --norm letters: or (any of them, the default) or and (all of them)"},
		&cli.BoolFlag{Name: "direct-only", Usage: "with --norm: only tags from the passage's own words, not inherited from its section"},
		&cli.StringSliceFlag{Name: "submitter", Usage: "only documents from a submitter with all these words in its name, e.g. paris (repeatable)"},
		&cli.StringSliceFlag{Name: "submitter-type", Usage: "only documents from a submitter of this type, e.g. state or NGO (repeatable)"},
		&cli.StringSliceFlag{Name: "country", Usage: "only documents from a country with all these words in its name (repeatable)"},
		&cli.StringSliceFlag{Name: "doc", Usage: "only passages of this document, a whole 64-digit id (repeatable)"},
		&cli.StringSliceFlag{Name: "kind", Usage: "only passages of this kind: body, heading, note, reference, toc or furniture (repeatable)"},
		&cli.StringSliceFlag{Name: "lang", Usage: "only documents in this language, e.g. en or fr (fr also finds fr-FR) (repeatable)"},
		&cli.StringFlag{Name: "since", Usage: "only documents dated on or after YYYY[-MM[-DD]]"},
		&cli.StringFlag{Name: "until", Usage: "only documents dated on or before YYYY[-MM[-DD]]"},
	}
}

// filterParams reads the flags of filterFlags, the query arguments, sort
// and format into request parameters of the given kind; each command adds
// its own (search: limit, offset, after).
func filterParams(c *cli.Context, kind index.Kind) index.Params {
	p := index.Params{
		Kind:           kind,
		Query:          strings.Join(c.Args().Slice(), " "),
		Submitters:     c.StringSlice("submitter"),
		SubmitterTypes: c.StringSlice("submitter-type"),
		Countries:      c.StringSlice("country"),
		Documents:      c.StringSlice("doc"),
		Kinds:          c.StringSlice("kind"),
		NormOp:         c.String("norm-op"),
		Langs:          c.StringSlice("lang"),
		Since:          c.String("since"),
		Until:          c.String("until"),
		Sort:           c.String("sort"),
		Format:         c.String("format"),
	}
	if v := c.String("norm"); v != "" {
		p.Norms = []string{v}
	}
	if c.Bool("direct-only") {
		p.DirectOnly = "true"
	}
	return p
}

// cliRequest turns parameters into a validated request; a bad value is a
// usage error (exit 2) with the message the API gives for it.
func cliRequest(p index.Params) (index.Request, error) {
	req, err := p.Request()
	return req, cliError(err)
}

// cliError makes request errors usage errors.
func cliError(err error) error {
	var re *index.RequestError
	if errors.As(err, &re) {
		return usagef("%v", re)
	}
	var qe *index.QueryError
	if errors.As(err, &qe) {
		return usagef("%v", qe)
	}
	return err
}

func printHits(w io.Writer, res *index.Result, req index.Request, color bool) {
	if res.Total == 0 {
		fmt.Fprintln(w, "no passages found")
		return
	}
	shown := len(res.Hits)
	fmt.Fprintf(w, "%d passage(s) found, showing %d–%d", res.Total, req.Offset+1, req.Offset+shown)
	if req.Collapse {
		fmt.Fprint(w, " (copies of a text are one hit)")
	}
	fmt.Fprint(w, "\n\n")
	for i, h := range res.Hits {
		fmt.Fprintf(w, "%d. %s\n", req.Offset+i+1, citation(h))
		fmt.Fprintf(w, "   norms: %s\n", describeNorms(h.Norms, h.DirectNorms))
		fmt.Fprintf(w, "   %s\n", markSnippet(h.Snippet, h.Highlights, color))
		if c := h.Copies; c != nil {
			fmt.Fprintf(w, "   +%d %s in %d %s (list: --no-collapse dup:%s)\n", c.Count, plural(c.Count, "copy", "copies"), c.Documents, plural(c.Documents, "document", "documents"), h.Dup)
		}
		fmt.Fprintln(w)
	}
	if res.Next != "" {
		fmt.Fprintf(w, "more: --after %s\n", res.Next)
	}
	if len(res.Facets) > 0 {
		for _, f := range []string{index.FieldNorm, index.FieldKind, index.FieldSubmitter, index.FieldSubmitterType, index.FieldCountry, index.FieldLang, index.FieldYear} {
			counts := res.Facets[f]
			if len(counts) == 0 {
				continue
			}
			parts := make([]string, len(counts))
			for i, fc := range counts {
				parts[i] = fmt.Sprintf("%s %d", termsafe.Line(fc.Value), fc.Count)
			}
			fmt.Fprintf(w, "%s: %s\n", f, strings.Join(parts, " · "))
		}
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// citation renders "Title — submitter, date — file, pp. 3–4, passage 12
// (Norm 7 › Operational measures)", each value from the file made safe
// for a terminal.
func citation(h index.Hit) string {
	h.Title, h.Submitter, h.File = termsafe.Line(h.Title), termsafe.Line(h.Submitter), termsafe.Line(h.File)
	var b strings.Builder
	b.WriteString(h.Title)
	if h.Submitter != "" || h.Date != "" {
		b.WriteString(" — ")
		b.WriteString(strings.TrimLeft(strings.Join([]string{h.Submitter, h.Date}, ", "), ", "))
	}
	if pages := corpus.PageCite(h.Page, h.PageEnd); pages != "" {
		fmt.Fprintf(&b, " — %s, %s, passage %d", h.File, pages, h.Seq)
	} else {
		// A text or HTML file has no pages: cite the passage alone.
		fmt.Fprintf(&b, " — %s (no pages), passage %d", h.File, h.Seq)
	}
	if len(h.HeadingPath) > 0 {
		b.WriteString(" (" + termsafe.Line(strings.Join(h.HeadingPath, " › ")) + ")")
	}
	if h.OCR {
		// Words read from a page image may be misread: say so, and how
		// sure the OCR was, so that the quotation is checked.
		fmt.Fprintf(&b, " (OCR, confidence %.0f)", h.OCRConfidence)
	}
	if s := sourcesNote(h); s != "" {
		b.WriteString(" [" + s + "]")
	}
	return b.String()
}

// sourcesNote says where the citation's title, date and submitter came
// from ("title: text; date: file"), so that an analyst knows what to
// check against the document.
func sourcesNote(h index.Hit) string {
	var parts []string
	for _, f := range []struct{ name, value, source string }{
		{"title", h.Title, h.TitleSource}, {"date", h.Date, h.DateSource}, {"submitter", h.Submitter, h.SubmitterSource},
	} {
		if f.value != "" && f.source != "" {
			parts = append(parts, f.name+": "+termsafe.Line(f.source))
		}
	}
	return strings.Join(parts, "; ")
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

// markSnippet renders a snippet's highlights: bold on a terminal, «…»
// otherwise. Each piece between the highlight offsets is made safe for a
// terminal on its own, so that the offsets still point where they should.
func markSnippet(s string, highlights [][2]int, color bool) string {
	open, close := "«", "»"
	if color {
		open, close = "\x1b[1;33m", "\x1b[0m"
	}
	var b strings.Builder
	at := 0
	for _, h := range highlights {
		start, end := h[0], h[1]
		if start < at || end <= start || end > len(s) {
			continue // not from this snippet: ignore rather than cut a letter
		}
		b.WriteString(termsafe.Line(s[at:start]))
		b.WriteString(open + termsafe.Line(s[start:end]) + close)
		at = end
	}
	b.WriteString(termsafe.Line(s[at:]))
	return b.String()
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
