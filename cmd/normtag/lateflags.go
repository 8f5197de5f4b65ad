package main

import (
	"strings"

	"github.com/urfave/cli/v2"
)

// refuseLateFlags makes every leaf command refuse a flag written after
// its first argument. urfave/cli stops reading flags at the first
// argument, so `ingest docs --data D` would ingest a file named "--data"
// into the default data directory; a usage error that names the flag is
// better than writing somewhere the user did not ask for.
func refuseLateFlags(cmds []*cli.Command) {
	for _, cmd := range cmds {
		if len(cmd.Subcommands) > 0 {
			// The parent sees its subcommand's flags as arguments.
			refuseLateFlags(cmd.Subcommands)
			continue
		}
		if cmd.SkipFlagParsing {
			continue // it reads its own flags, wherever they are
		}
		names := map[string]bool{"help": true, "h": true}
		valued := map[string]bool{}
		for _, f := range cmd.Flags {
			df, ok := f.(cli.DocGenerationFlag)
			for _, n := range f.Names() {
				names[n] = true
				valued[n] = ok && df.TakesValue()
			}
		}
		before := cmd.Before
		cmd.Before = func(c *cli.Context) error {
			args := c.Args().Slice()
			full := commandPath(c)
			for _, a := range args {
				if name, ok := flagName(a); ok && names[name] {
					what := "the argument"
					if queryCommands["normtag "+full] {
						what = "the query"
					}
					return usagef("%s: flag %s comes after %s %q; put flags before it: normtag %s %s",
						full, a, what, args[0], full, flagsFirst(args, names, valued))
				}
			}
			if before != nil {
				return before(c)
			}
			return nil
		}
	}
}

// commandPath is the running command's name with its parents' ("watch
// new"), as typed after normtag: a subcommand's own FullName is its name
// alone.
func commandPath(c *cli.Context) string {
	var names []string
	for _, ctx := range c.Lineage() {
		if ctx.Command != nil && ctx.Command.Name != "" && ctx.Command.Name != c.App.Name {
			if len(names) == 0 || names[0] != ctx.Command.Name {
				names = append([]string{ctx.Command.Name}, names...)
			}
		}
	}
	return strings.Join(names, " ")
}

// flagName returns the name a token like "--data", "-o" or "--data=D"
// gives a flag.
func flagName(token string) (string, bool) {
	if len(token) < 2 || token[0] != '-' || token == "--" {
		return "", false
	}
	name := strings.TrimPrefix(strings.TrimPrefix(token, "-"), "-")
	name, _, _ = strings.Cut(name, "=")
	return name, name != ""
}

// flagsFirst rewrites arguments with the flags among them (and their
// values) moved before the rest, quoted for a shell where needed: the
// command line the user meant.
func flagsFirst(args []string, names, valued map[string]bool) string {
	var flags, rest []string
	for i := 0; i < len(args); i++ {
		name, ok := flagName(args[i])
		if !ok || !names[name] {
			rest = append(rest, shellQuote(args[i]))
			continue
		}
		flags = append(flags, shellQuote(args[i]))
		if valued[name] && !strings.Contains(args[i], "=") && i+1 < len(args) {
			i++
			flags = append(flags, shellQuote(args[i]))
		}
	}
	return strings.Join(append(flags, rest...), " ")
}

// shellQuote quotes s for a POSIX shell when it holds anything but
// letters, digits and a few safe punctuation marks.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.,:/=+@%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
