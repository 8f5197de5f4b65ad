package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/normtag/normtag/corpus/sqlite"
	"github.com/normtag/normtag/index"
	"github.com/normtag/normtag/internal/watch"
)

func watchCommand() *cli.Command {
	return &cli.Command{
		Name:  "watch",
		Usage: "save searches that every ingest and retag checks its new or newly tagged passages against",
		Description: "A watch is a saved search (the query and filters of normtag search). Every ingest checks the\n" +
			"passages it adds whose text is new to the corpus against every watch and reports the new matches\n" +
			"per watch in its summary and --report JSON; serve lists them at /watches and /api/watches.\n" +
			"A passage whose text (case, accents, spacing and punctuation aside) the corpus already had is not\n" +
			"new. Retag reports the same way the passages its new tags make match a watch they did not match.",
		Subcommands: []*cli.Command{
			{
				Name:      "add",
				Usage:     "save a search under a name",
				ArgsUsage: "NAME [search flags] [QUERY...]",
				Description: "NAME: letters, digits, '-', '_' and '.'. The flags, before or after NAME but before the\n" +
					"query, and the query are those of normtag search, checked the same way.",
				Flags: append(filterFlags(), lockWaitFlag()),
				// NAME comes before the search's flags, as in
				// `watch add gnorm --norm g cyber`: readFlags parses them.
				SkipFlagParsing: true,
				Action:          runWatchAdd,
			},
			{
				Name:  "list",
				Usage: "list the watches with their matches (all, or found at or after --since)",
				Flags: []cli.Flag{
					dataFlag(),
					&cli.StringFlag{Name: "since", Usage: "count only the matches found at or after this time (RFC 3339 as ingest prints it, or YYYY-MM-DD)"},
					formatFlag("text", "json"),
				},
				Action: runWatchList,
			},
			{
				Name:      "new",
				Usage:     "list a watch's matches (all, or found at or after --since), oldest first, with citations",
				ArgsUsage: "NAME",
				Flags: []cli.Flag{
					dataFlag(),
					&cli.StringFlag{Name: "since", Usage: "only the matches found at or after this time (RFC 3339 as ingest prints it, or YYYY-MM-DD)"},
					&cli.StringFlag{Name: "limit", Value: "100", Usage: fmt.Sprintf("matches to show (1-%d)", index.MaxLimit)},
					&cli.StringFlag{Name: "offset", Value: "0", Usage: fmt.Sprintf("matches to skip (0-%d)", index.MaxOffset)},
					formatFlag("text", "json"),
				},
				Action: runWatchNew,
			},
			{
				Name:      "rm",
				Usage:     "delete a watch and its recorded matches",
				ArgsUsage: "NAME",
				Flags:     []cli.Flag{dataFlag(), lockWaitFlag()},
				Action:    runWatchRemove,
			},
		},
	}
}

func runWatchAdd(raw *cli.Context) error {
	c, name, query, err := readFlags(raw)
	if err != nil || c == nil {
		return err
	}
	if err := watch.CheckName(name); err != nil {
		return usagef("watch add: %v", err)
	}
	p := filterParams(c, index.KindSearch)
	p.Query = strings.Join(query, " ")
	s := watch.FromParams(p)
	if _, err := cliRequest(s.Params()); err != nil {
		return err
	}
	d, err := openData(c, true)
	if err != nil {
		return err
	}
	defer d.Close()
	w, err := watch.Add(c.Context, d.Store, name, s, time.Now())
	if errors.Is(err, sqlite.ErrWatchExists) {
		return usagef("watch add: %q exists; normtag watch rm %s first to replace it", name, name)
	}
	if err != nil {
		return cliError(err)
	}
	fmt.Fprintf(c.App.Writer, "watch %s saved: %s\n", w.Name, w.Search.Describe())
	return nil
}

// readFlags parses the arguments of watch add, which urfave/cli leaves
// alone: flags before and after NAME, then the query. A flag within the
// query is refused, as every command refuses a flag after its arguments.
// A nil context means help was printed.
func readFlags(c *cli.Context) (*cli.Context, string, []string, error) {
	set := flag.NewFlagSet("watch add", flag.ContinueOnError)
	set.SetOutput(io.Discard)
	names := map[string]bool{}
	for _, f := range c.Command.Flags {
		if err := f.Apply(set); err != nil {
			return nil, "", nil, err
		}
		for _, n := range f.Names() {
			names[n] = true
		}
	}
	args := c.Args().Slice()
	for _, a := range args {
		if a == "-h" || a == "--help" || a == "-help" {
			return nil, "", nil, cli.ShowCommandHelp(c.Lineage()[1], c.Command.Name)
		}
	}
	if err := set.Parse(args); err != nil {
		return nil, "", nil, usagef("watch add: %v", err)
	}
	rest := set.Args()
	if len(rest) == 0 {
		return nil, "", nil, usagef("watch add: give the watch a NAME, then the search's flags and QUERY")
	}
	name := rest[0]
	if err := set.Parse(rest[1:]); err != nil {
		return nil, "", nil, usagef("watch add: %v", err)
	}
	query := set.Args()
	for _, a := range query {
		if n, ok := flagName(a); ok && names[n] {
			return nil, "", nil, usagef("watch add: flag %s comes after the query; put flags before it", a)
		}
	}
	return cli.NewContext(c.App, set, c), name, query, nil
}

func runWatchList(c *cli.Context) error {
	format, err := checkFormat(c, "text", "json")
	if err != nil {
		return err
	}
	since, err := watch.ParseSince(c.String("since"))
	if err != nil {
		return cliError(err)
	}
	d, err := openData(c, false)
	if err != nil {
		return err
	}
	defer d.Close()
	sts, err := watch.Statuses(c.Context, d.Store, since)
	if err != nil {
		return err
	}
	if format == "json" {
		writeJSON(c.App.Writer, sts)
		return nil
	}
	if len(sts) == 0 {
		fmt.Fprintln(c.App.Writer, "no watches (normtag watch add NAME [flags] QUERY)")
		return nil
	}
	what := "matches"
	if !since.IsZero() {
		what = "new since " + since.Format(time.RFC3339)
	}
	for _, st := range sts {
		fmt.Fprintf(c.App.Writer, "%-20s %6d %s  %s\n", st.Name, st.New, what, st.Search.Describe())
	}
	return nil
}

func runWatchNew(c *cli.Context) error {
	format, err := checkFormat(c, "text", "json")
	if err != nil {
		return err
	}
	if c.NArg() != 1 {
		return usagef("watch new: give one watch NAME")
	}
	name := c.Args().First()
	since, err := watch.ParseSince(c.String("since"))
	if err != nil {
		return cliError(err)
	}
	limit, err := strconv.Atoi(c.String("limit"))
	if err != nil || limit < 1 || limit > index.MaxLimit {
		return usagef("limit: must be between 1 and %d, got %q", index.MaxLimit, c.String("limit"))
	}
	offset, err := strconv.Atoi(c.String("offset"))
	if err != nil || offset < 0 || offset > index.MaxOffset {
		return usagef("offset: must be between 0 and %d, got %q", index.MaxOffset, c.String("offset"))
	}
	d, ix, err := openSearch(c)
	if err != nil {
		return err
	}
	defer d.Close()
	if ix != nil {
		defer ix.Close()
	}
	found, err := watch.Matches(c.Context, d.Store, ix, name, since, offset, limit)
	if errors.Is(err, sqlite.ErrNoWatch) {
		return usagef("watch new: no watch named %q (normtag watch list)", name)
	}
	if err != nil {
		return err
	}
	counts, err := d.Store.WatchMatchCounts(c.Context, since)
	if err != nil {
		return err
	}
	if format == "json" {
		writeJSON(c.App.Writer, map[string]any{"watch": name, "total": counts[name], "offset": offset, "matches": found})
		return nil
	}
	if len(found) == 0 {
		fmt.Fprintln(c.App.Writer, "no matches")
		return nil
	}
	fmt.Fprintf(c.App.Writer, "%d match(es), showing %d–%d\n\n", counts[name], offset+1, offset+len(found))
	for i, m := range found {
		fmt.Fprintf(c.App.Writer, "%d. %s\n", offset+i+1, citation(m.Hit))
		fmt.Fprintf(c.App.Writer, "   norms: %s\n", describeNorms(m.Norms, m.DirectNorms))
		fmt.Fprintf(c.App.Writer, "   %s\n", markSnippet(m.Snippet, nil, false))
		fmt.Fprintf(c.App.Writer, "   found %s\n\n", m.FoundAt.Format(time.RFC3339))
	}
	return nil
}

func runWatchRemove(c *cli.Context) error {
	if c.NArg() != 1 {
		return usagef("watch rm: give one watch NAME")
	}
	d, err := openData(c, true)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := watch.Remove(c.Context, d.Store, c.Args().First()); errors.Is(err, sqlite.ErrNoWatch) {
		return usagef("watch rm: no watch named %q (normtag watch list)", c.Args().First())
	} else if err != nil {
		return err
	}
	fmt.Fprintf(c.App.Writer, "watch %s removed\n", c.Args().First())
	return nil
}

// printWatchSummary is the ingest summary's line on watches: the new
// matches of each watch that has any, and how many have none.
func printWatchSummary(w io.Writer, reports []watch.Report) {
	if len(reports) == 0 {
		return
	}
	var found []string
	total := 0
	for _, r := range reports {
		if r.New > 0 {
			found = append(found, fmt.Sprintf("%s %d", r.Watch, r.New))
			total += r.New
		}
	}
	fmt.Fprintf(w, "watches: %d new match(es)", total)
	if len(found) > 0 {
		fmt.Fprintf(w, " (%s)", strings.Join(found, ", "))
	}
	if n := len(reports) - len(found); n > 0 {
		fmt.Fprintf(w, "; %d watch(es) with none", n)
	}
	fmt.Fprintf(w, "; found at %s (normtag watch list --since, /api/watches/NAME/new?since=)\n", reports[0].FoundAt.Format(time.RFC3339Nano))
}
