package main

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"
)

// The usage mistakes below are one line on standard error with a hint,
// exit 2, instead of urfave/cli's screens of help on standard output
// that a script reading stdout would take as results.

// rootAction runs when no command is named: --version, help, or an
// unknown command.
func rootAction(c *cli.Context) error {
	if c.Bool("version") {
		return writeVersion(c.App.Writer)
	}
	if c.NArg() == 0 {
		return cli.ShowAppHelp(c)
	}
	return unknownCommand("normtag", c.Args().First(), c.App.Commands)
}

// refuseUnknownSubcommands gives every command with subcommands an action
// that refuses a name it does not know (urfave/cli would answer "No help
// topic").
func refuseUnknownSubcommands(prefix string, cmds []*cli.Command) {
	for _, cmd := range cmds {
		if len(cmd.Subcommands) == 0 {
			continue
		}
		name := prefix + " " + cmd.Name
		refuseUnknownSubcommands(name, cmd.Subcommands)
		subs := cmd.Subcommands
		cmd.Action = func(c *cli.Context) error {
			if c.NArg() == 0 {
				return cli.ShowSubcommandHelp(c)
			}
			return unknownCommand(name, c.Args().First(), subs)
		}
	}
}

// unknownCommand is the usage error for a command name that is not one
// of cmds, suggesting the closest if one is close.
func unknownCommand(prefix, name string, cmds []*cli.Command) error {
	var names []string
	for _, cmd := range cmds {
		if !cmd.Hidden {
			names = append(names, cmd.Names()...)
		}
	}
	if s := closest(name, names); s != "" {
		return usagef("unknown command %q; did you mean %q? See %s --help", name, s, prefix)
	}
	return usagef("unknown command %q; see %s --help", name, prefix)
}

// onUsageError turns a flag parsing error of command path into one line
// with a hint.
func onUsageError(path string) cli.OnUsageErrorFunc {
	return func(_ *cli.Context, err error, _ bool) error {
		if cmd, ok := strings.CutPrefix(path, "normtag "); ok {
			if hint := excludeHint(path, err); hint != "" {
				return usagef("%s: %s; see %s --help (%s)", cmd, describeFlagError(err), path, hint)
			}
			return usagef("%s: %s; see %s --help", cmd, describeFlagError(err), path)
		}
		return usagef("%s; see %s --help", describeFlagError(err), path)
	}
}

// describeFlagError rewords the flag package's messages, which write
// every flag with one dash. The flag package has no typed errors, so its
// fixed wording is all there is to go by.
func describeFlagError(err error) string {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		return "unknown flag --" + name
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok {
		return "flag --" + name + " needs a value"
	}
	if before, after, ok := strings.Cut(msg, " for flag -"); ok && strings.HasPrefix(msg, "invalid value ") {
		name, _, _ := strings.Cut(after, ":")
		return before + " for --" + name
	}
	return msg
}

// queryCommands are the commands whose arguments are query words, where
// "-word" excludes a word.
var queryCommands = map[string]bool{"normtag search": true, "normtag export": true}

// excludeHint explains, for an unknown flag given to a command that takes
// a query, how to write an excluded word: the flag parser reads
// "search -encryption" as a flag before any query word can be seen.
func excludeHint(path string, err error) string {
	name, ok := strings.CutPrefix(err.Error(), "flag provided but not defined: -")
	if !queryCommands[path] || !ok {
		return ""
	}
	return fmt.Sprintf("to exclude the word %q, end the flags with -- first: %s -- -%s", name, path, name)
}

// setUsageErrors gives every command (and the app) onUsageError.
func setUsageErrors(prefix string, cmds []*cli.Command) {
	for _, cmd := range cmds {
		path := prefix + " " + cmd.Name
		cmd.OnUsageError = onUsageError(path)
		setUsageErrors(path, cmd.Subcommands)
	}
}

// closest returns the name within edit distance 2 of s (or having s as a
// prefix) that is nearest, or "".
func closest(s string, names []string) string {
	best, bestDist := "", 3
	for _, n := range names {
		d := editDistance(s, n)
		if strings.HasPrefix(n, s) && len(s) >= 2 && d > 1 {
			d = 1
		}
		if d < bestDist {
			best, bestDist = n, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
