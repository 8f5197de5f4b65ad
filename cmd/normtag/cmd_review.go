package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/corpus/sqlite"
	"github.com/normtag/normtag/internal/norms"
	"github.com/normtag/normtag/internal/termsafe"
	"github.com/normtag/normtag/internal/textcut"
)

// reviewerEnv names the analyst when --by is not given.
const reviewerEnv = "NORMTAG_REVIEWER"

func reviewCommand() *cli.Command {
	filters := func() []cli.Flag {
		return []cli.Flag{
			dataFlag(),
			&cli.StringFlag{Name: "norm", Usage: "only passages carrying (or judgements on) this norm, e.g. g"},
			&cli.StringFlag{Name: "doc", Usage: "only this document (its id, or the first 6 or more digits of it)"},
		}
	}
	judgeFlags := []cli.Flag{
		dataFlag(),
		&cli.StringFlag{Name: "note", Usage: "why, in a few words"},
		&cli.StringFlag{Name: "by", Usage: "who judges (default: $" + reviewerEnv + ", else the login name)"},
		lockWaitFlag(),
	}
	verdict := func(v corpus.Verdict, usage string) *cli.Command {
		return &cli.Command{
			Name:      string(v),
			Usage:     usage,
			ArgsUsage: "DOC PASSAGE NORM",
			Flags:     judgeFlags,
			Action:    func(c *cli.Context) error { return runJudge(c, v) },
		}
	}
	return &cli.Command{
		Name:  "review",
		Usage: "list passages to check, and record analysts' judgements that override the rules' tags",
		Description: "A judgement accepts, rejects or adds one norm on one passage. It is kept in the corpus with\n" +
			"who made it, when, the rules version and a note, and the passage carries it everywhere (search,\n" +
			"facets, stats, docs, export, report, serve) instead of what the rules say, across retag and\n" +
			"re-ingest of the same text.",
		Subcommands: []*cli.Command{
			{
				Name:  "list",
				Usage: "passages no analyst has judged, weakest tag first; or judgements (--judged, --disagreements)",
				Flags: append(filters(),
					&cli.BoolFlag{Name: "judged", Usage: "list the judgements made"},
					&cli.BoolFlag{Name: "disagreements", Usage: "list the judgements the rules, as they last tagged, contradict"},
					&cli.IntFlag{Name: "limit", Value: 20, Usage: "at most this many passages"},
					formatFlag("text", "json"),
				),
				Action: runReviewList,
			},
			verdict(corpus.Accept, "confirm a norm on a passage: it keeps it whatever the rules say later"),
			verdict(corpus.Reject, "remove a norm from a passage"),
			verdict(corpus.Add, "give a passage a norm the rules missed"),
			{
				Name:      "withdraw",
				Usage:     "withdraw the judgement on a norm of a passage: the rules' tag applies again",
				ArgsUsage: "DOC PASSAGE NORM",
				Flags:     []cli.Flag{dataFlag(), lockWaitFlag()},
				Action:    func(c *cli.Context) error { return runJudge(c, "") },
			},
			{
				Name:      "export",
				Usage:     "write the judged passages as gold JSON lines {doc, gold, kind, text}, the labelled sets' format",
				ArgsUsage: "FILE (- for standard output)",
				Flags:     []cli.Flag{dataFlag()},
				Action:    runReviewExport,
			},
		},
	}
}

// passageArgs reads DOC PASSAGE NORM.
func passageArgs(ctx context.Context, c *cli.Context, st *sqlite.Store) (string, int, string, error) {
	if c.NArg() != 3 {
		return "", 0, "", usagef("%s takes DOC PASSAGE NORM (flags first), got %d argument(s)", c.Command.FullName(), c.NArg())
	}
	seq, err := strconv.Atoi(c.Args().Get(1))
	if err != nil || seq < 0 {
		return "", 0, "", usagef("PASSAGE %q: a passage number, as search and docs show it (0 and up)", c.Args().Get(1))
	}
	norm := strings.ToLower(c.Args().Get(2))
	if _, ok := norms.ByLetter(norm); !ok {
		return "", 0, "", usagef("NORM %q: a norm letter, a to k", c.Args().Get(2))
	}
	id, err := st.ResolveID(ctx, c.Args().Get(0))
	if err != nil {
		return "", 0, "", err
	}
	return id, seq, norm, nil
}

func reviewer(c *cli.Context) (string, error) {
	if by := strings.TrimSpace(c.String("by")); by != "" {
		return by, nil
	}
	if by := strings.TrimSpace(os.Getenv(reviewerEnv)); by != "" {
		return by, nil
	}
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username, nil
	}
	return "", usagef("say who judges: --by NAME or %s", reviewerEnv)
}

// runJudge records verdict v, or withdraws a judgement when v is "".
func runJudge(c *cli.Context, v corpus.Verdict) error {
	if c.NArg() != 3 {
		return usagef("%s takes DOC PASSAGE NORM (flags first), got %d argument(s)", c.Command.FullName(), c.NArg())
	}
	var by string
	if v != "" {
		var err error
		if by, err = reviewer(c); err != nil {
			return err
		}
	}
	d, err := openCorpusWriter(c)
	if err != nil {
		return err
	}
	defer d.Close()
	id, seq, norm, err := passageArgs(c.Context, c, d.Store)
	if err != nil {
		return err
	}
	if v == "" {
		found, err := d.Unjudge(c.Context, id, seq, norm)
		if err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("passage %s/%d has no judgement on norm (%s)", id[:shortID], seq, norm)
		}
		fmt.Fprintf(c.App.Writer, "withdrew the judgement on (%s) of passage %s/%d\n", norm, id[:shortID], seq)
		return nil
	}
	j, err := d.Judge(c.Context, corpus.Judgement{DocID: id, Seq: seq, Norm: norm, Verdict: v, By: by, Note: c.String("note")})
	if errors.Is(err, sqlite.ErrNoPassage) {
		return usagef("%v", err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(c.App.Writer, "%s (%s) on passage %s/%d by %s", j.Verdict, norm, id[:shortID], seq, termsafe.Line(j.By))
	if o := j.Overrides(); len(o) > 0 {
		fmt.Fprintf(c.App.Writer, ", overriding rule %s", strings.Join(o, ", "))
	} else if j.Verdict == corpus.Reject {
		fmt.Fprint(c.App.Writer, " (the rules do not give it now)")
	}
	fmt.Fprintln(c.App.Writer)
	return nil
}

// judgementEntry is a judgement as review list shows it.
type judgementEntry struct {
	*corpus.Judgement
	Disagrees bool     `json:"disagrees"`
	Overrides []string `json:"overrides,omitempty"`
}

func runReviewList(c *cli.Context) error {
	format, err := checkFormat(c, "text", "json")
	if err != nil {
		return err
	}
	if c.NArg() > 0 {
		return usagef("review list takes no arguments, got %q", c.Args().First())
	}
	norm := strings.ToLower(c.String("norm"))
	if _, ok := norms.ByLetter(norm); norm != "" && !ok {
		return usagef("--norm %q: a norm letter, a to k", c.String("norm"))
	}
	d, err := openData(c, false)
	if err != nil {
		return err
	}
	defer d.Close()
	var doc string
	if c.String("doc") != "" {
		if doc, err = d.Store.ResolveID(c.Context, c.String("doc")); err != nil {
			return err
		}
	}
	if !c.Bool("judged") && !c.Bool("disagreements") {
		items, err := d.Store.ReviewQueue(c.Context, sqlite.ReviewFilter{Norm: norm, DocID: doc, Limit: c.Int("limit")})
		if err != nil {
			return err
		}
		if format == "json" {
			writeJSON(c.App.Writer, items)
			return nil
		}
		printQueue(c.App.Writer, items)
		return nil
	}
	js, err := d.Store.Judgements(c.Context, doc)
	if err != nil {
		return err
	}
	var out []judgementEntry
	for _, j := range js {
		if norm != "" && j.Norm != norm || c.Bool("disagreements") && !j.Disagrees() {
			continue
		}
		out = append(out, judgementEntry{Judgement: j, Disagrees: j.Disagrees(), Overrides: j.Overrides()})
		if len(out) == c.Int("limit") {
			break
		}
	}
	if format == "json" {
		if out == nil {
			out = []judgementEntry{}
		}
		writeJSON(c.App.Writer, out)
		return nil
	}
	for _, e := range out {
		where := strconv.Itoa(e.Seq)
		if e.Seq < 0 {
			where = "gone"
		}
		fmt.Fprintf(c.App.Writer, "%s/%s  %s (%s) by %s %s, rules %s", e.DocID[:min(shortID, len(e.DocID))], where, e.Verdict, e.Norm,
			termsafe.Line(e.By), e.At.Format("2006-01-02 15:04"), termsafe.Line(e.RulesVersion))
		switch {
		case len(e.Overrides) > 0:
			fmt.Fprintf(c.App.Writer, "; overrides %s", strings.Join(e.Overrides, ", "))
		case e.Disagrees:
			fmt.Fprint(c.App.Writer, "; the rules do not give it")
		}
		if e.Note != "" {
			fmt.Fprintf(c.App.Writer, "; note: %s", termsafe.Line(e.Note))
		}
		fmt.Fprintf(c.App.Writer, "\n    %s\n", termsafe.Line(textcut.Runes(e.Text, 200)))
	}
	return nil
}

func printQueue(w io.Writer, items []sqlite.ReviewItem) {
	if len(items) == 0 {
		fmt.Fprintln(w, "nothing to review: no tagged passage without a judgement matches")
		return
	}
	for _, it := range items {
		var tags []string
		for _, t := range it.Tags {
			s := fmt.Sprintf("(%s) %.2f", t.Norm, t.Score)
			if t.Inherited {
				s += " inherited"
			}
			tags = append(tags, s)
		}
		fmt.Fprintf(w, "%s %d  p. %d  %s  [%s]\n    %s\n", it.DocID[:shortID], it.Seq, it.Page, termsafe.Line(textcut.Runes(it.Title, 60)),
			strings.Join(tags, ", "), termsafe.Line(textcut.Runes(it.Text, 200)))
	}
	fmt.Fprintln(w, "judge with: normtag review accept|reject|add DOC PASSAGE NORM")
}

func runReviewExport(c *cli.Context) error {
	if c.NArg() != 1 {
		return usagef("review export takes one FILE (- for standard output)")
	}
	d, err := openData(c, false)
	if err != nil {
		return err
	}
	defer d.Close()
	gold, err := d.Store.Gold(c.Context)
	if err != nil {
		return err
	}
	// eval reads doc as a path relative to the gold file's folder (in
	// --mode document it tags the whole document): give it so where the
	// file is still where it was ingested from.
	base := "."
	if path := c.Args().First(); path != "-" {
		base = filepath.Dir(path)
	}
	for i := range gold {
		gold[i].Doc = relativeDoc(base, gold[i])
	}
	write := func(w io.Writer) error {
		for _, g := range gold {
			writeJSONLine(w, g)
		}
		return nil
	}
	if path := c.Args().First(); path != "-" {
		if err := writeAtomic(path, func(f *os.File) error { return write(f) }); err != nil {
			return fmt.Errorf("export judgements to %s: %w", path, err)
		}
		fmt.Fprintf(c.App.ErrWriter, "wrote %d judged passages to %s\n", len(gold), path)
		return nil
	}
	return write(c.App.Writer)
}

// relativeDoc is a gold passage's document as a path from the folder
// base, when its file is still where it was ingested from; else its file
// name.
func relativeDoc(base string, g sqlite.GoldPassage) string {
	if g.Path == "" {
		return g.Doc
	}
	if _, err := os.Stat(g.Path); err != nil {
		return g.Doc
	}
	abs, err := filepath.Abs(base)
	if err != nil {
		return g.Doc
	}
	rel, err := filepath.Rel(abs, g.Path)
	if err != nil {
		return g.Doc
	}
	return filepath.ToSlash(rel)
}
