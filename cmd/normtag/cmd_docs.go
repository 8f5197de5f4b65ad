package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/urfave/cli/v2"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/index"
	"github.com/normtag/normtag/internal/norms"
	"github.com/normtag/normtag/internal/termsafe"
	"github.com/normtag/normtag/internal/textfold"
)

// shortID is how many hex digits of a document id the text output shows:
// enough to tell a corpus's documents apart and to find one with grep.
const shortID = 12

func docsCommand() *cli.Command {
	return &cli.Command{
		Name:  "docs",
		Usage: "list stored documents with their metadata, where it came from, and counts",
		Description: "One line per document (json: one object per document, in a list), by title:\n" +
			"id (the first 12 hex digits in text), title, submitter, date, where each of those came from\n" +
			"(sidecar, text, ocr, file or file_name), language, format, pages, passages, body passages per norm\n" +
			"(headings left out), the document it nearly repeats, why the index could not take it, first path.\n" +
			"--submitter, --lang, --since and --until select documents as they do in search; --failed keeps\n" +
			"the documents the index could not take. Files that could not be stored: normtag failures.",
		Flags: []cli.Flag{
			dataFlag(),
			&cli.StringSliceFlag{Name: "submitter", Usage: "only documents from a submitter with all these words in its name, e.g. paris (repeatable)"},
			&cli.StringSliceFlag{Name: "lang", Usage: "only documents in this language, e.g. en or fr (fr also finds fr-FR) (repeatable)"},
			&cli.StringFlag{Name: "since", Usage: "only documents dated on or after YYYY[-MM[-DD]]"},
			&cli.StringFlag{Name: "until", Usage: "only documents dated on or before YYYY[-MM[-DD]]"},
			&cli.BoolFlag{Name: "failed", Usage: "only documents stored but left out of the search index (unindexable)"},
			formatFlag(index.Formats(index.KindDocuments)...),
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("docs takes no arguments, got %q (filters are flags: --submitter, --lang, --since, --until)", c.Args().First())
			}
			req, err := cliRequest(index.Params{Kind: index.KindDocuments, Submitters: c.StringSlice("submitter"), Langs: c.StringSlice("lang"),
				Since: c.String("since"), Until: c.String("until"), Format: c.String("format")})
			if err != nil {
				return err
			}
			d, err := openData(c, false)
			if err != nil {
				return err
			}
			defer d.Close()
			docs, err := listDocuments(c.Context, d, req, c.Bool("failed"))
			if err != nil {
				return err
			}
			if req.FormatOrDefault() == "json" {
				writeJSON(c.App.Writer, docs)
				return nil
			}
			printDocuments(c.App.Writer, docs)
			return nil
		},
	}
}

// docEntry is one document as normtag docs lists it.
type docEntry struct {
	ID              string        `json:"id"`
	Title           string        `json:"title"`
	TitleSource     string        `json:"title_source,omitempty"`
	Submitter       string        `json:"submitter,omitempty"`
	SubmitterSource string        `json:"submitter_source,omitempty"`
	Date            string        `json:"date,omitempty"`
	DateSource      string        `json:"date_source,omitempty"`
	Lang            string        `json:"lang,omitempty"`
	Format          corpus.Format `json:"format"`
	Pages           int           `json:"pages"`
	Passages        int           `json:"passages"`
	// Norms counts body passages (not headings) carrying each norm,
	// direct or inherited; norms without any are left out.
	Norms           map[string]int `json:"norms"`
	NearDuplicateOf string         `json:"near_duplicate_of,omitempty"`
	// Unindexable says why the search index could not take the document
	// (it is stored, but no search finds it).
	Unindexable string `json:"unindexable,omitempty"`
	Path        string `json:"path"`
}

// listDocuments reads the store's documents with their counts and keeps
// those the request's filters select.
func listDocuments(ctx context.Context, d *datadir.Dir, req index.Request, failedOnly bool) ([]docEntry, error) {
	docs, err := d.Store.Documents(ctx)
	if err != nil {
		return nil, err
	}
	passages, err := d.Store.PassageCounts(ctx)
	if err != nil {
		return nil, err
	}
	coverage, err := d.Store.BodyCoverage(ctx)
	if err != nil {
		return nil, err
	}
	skipped, err := d.Store.Unindexable(ctx)
	if err != nil {
		return nil, err
	}
	why := make(map[string]string, len(skipped))
	for _, u := range skipped {
		why[u.ID] = u.Reason
		if u.Reason == "" {
			why[u.ID] = "no reason recorded"
		}
	}
	out := []docEntry{}
	for _, doc := range docs {
		if !selectsDocument(req, doc) || (failedOnly && why[doc.ID] == "") {
			continue
		}
		e := docEntry{ID: doc.ID, Title: doc.Title, TitleSource: doc.Meta[corpus.TitleSource], Submitter: doc.Submitter(),
			SubmitterSource: doc.Meta[corpus.SubmitterSource], Date: doc.Meta["date"], DateSource: doc.Meta[corpus.DateSource],
			Lang: doc.Meta["language"], Format: doc.Format, Pages: doc.PageCount, Passages: passages[doc.ID],
			Norms: coverage[doc.ID], NearDuplicateOf: doc.NearDuplicateOf, Unindexable: why[doc.ID], Path: doc.Path}
		if e.Norms == nil {
			e.Norms = map[string]int{}
		}
		out = append(out, e)
	}
	return out, nil
}

// selectsDocument applies the document filters of a request the way a
// search applies them to passages: any of the submitters, each with all
// its words (case and accents aside); any of the languages, a bare one
// also matching its regional forms; the date within since and until (an
// undated document is left out once either is given).
func selectsDocument(req index.Request, d *corpus.Document) bool {
	if len(req.Submitters) > 0 {
		have := map[string]bool{}
		for _, w := range words(d.Submitter()) {
			have[w] = true
		}
		found := false
		for _, name := range req.Submitters {
			all := true
			for _, w := range words(name) {
				all = all && have[w]
			}
			found = found || all
		}
		if !found {
			return false
		}
	}
	if len(req.Langs) > 0 {
		lang := textfold.Fold(strings.TrimSpace(d.Meta["language"]))
		found := false
		for _, l := range req.Langs {
			l = textfold.Fold(strings.TrimSpace(l))
			found = found || lang == l || (!strings.Contains(l, "-") && strings.HasPrefix(lang, l+"-"))
		}
		if !found {
			return false
		}
	}
	if !req.Since.IsZero() || !req.Until.IsZero() {
		t, ok := index.DocumentDate(d)
		if !ok || (!req.Since.IsZero() && t.Before(req.Since)) || (!req.Until.IsZero() && t.After(req.Until)) {
			return false
		}
	}
	return true
}

// words splits folded text into its words (letters and digits).
func words(s string) []string {
	return strings.FieldsFunc(textfold.Fold(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// printDocuments writes one line per document, every value from a file
// made safe for a terminal.
func printDocuments(w io.Writer, docs []docEntry) {
	if len(docs) == 0 {
		fmt.Fprintln(w, "no documents found")
		return
	}
	for _, e := range docs {
		fmt.Fprintln(w, documentLine(e))
	}
	fmt.Fprintf(w, "%d document(s)\n", len(docs))
}

// documentLine is "id  Title — submitter, date [sources] · lang · format,
// pages, passages · norms · near-duplicate · unindexable · path".
func documentLine(e docEntry) string {
	var b strings.Builder
	b.WriteString(short(e.ID) + "  " + termsafe.Line(e.Title))
	if by := strings.TrimLeft(strings.Join([]string{termsafe.Line(e.Submitter), termsafe.Line(e.Date)}, ", "), ", "); by != "" {
		b.WriteString(" — " + strings.TrimRight(by, ", "))
	}
	if s := sourcesNote(index.Hit{Title: e.Title, TitleSource: e.TitleSource, Date: e.Date, DateSource: e.DateSource,
		Submitter: e.Submitter, SubmitterSource: e.SubmitterSource}); s != "" {
		b.WriteString(" [" + s + "]")
	}
	parts := []string{}
	if e.Lang != "" {
		parts = append(parts, termsafe.Line(e.Lang))
	}
	parts = append(parts, fmt.Sprintf("%s, %d p., %d passages", e.Format, e.Pages, e.Passages))
	var counts []string
	for _, n := range norms.All {
		if k := e.Norms[n.Letter]; k > 0 {
			counts = append(counts, fmt.Sprintf("%s %d", n.Letter, k))
		}
	}
	if len(counts) > 0 {
		parts = append(parts, "norms "+strings.Join(counts, ", "))
	} else {
		parts = append(parts, "no norms")
	}
	if e.NearDuplicateOf != "" {
		parts = append(parts, "near-duplicate of "+short(e.NearDuplicateOf))
	}
	if e.Unindexable != "" {
		parts = append(parts, "unindexable: "+termsafe.Line(e.Unindexable))
	}
	parts = append(parts, termsafe.Line(e.Path))
	b.WriteString(" · " + strings.Join(parts, " · "))
	return b.String()
}

// short is the first shortID characters of a document id.
func short(id string) string {
	if len(id) > shortID {
		return id[:shortID]
	}
	return id
}
