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
		names := map[string]bool{"help": true, "h": true}
		for _, f := range cmd.Flags {
			for _, n := range f.Names() {
				names[n] = true
			}
		}
		before := cmd.Before
		cmd.Before = func(c *cli.Context) error {
			args := c.Args().Slice()
			for _, a := range args {
				if name, ok := flagName(a); ok && names[name] {
					return usagef("%s: flag %s comes after the argument %q; flags go before files, folders and query words (normtag %s [flags] ARGS...)",
						cmd.Name, a, args[0], cmd.Name)
				}
			}
			if before != nil {
				return before(c)
			}
			return nil
		}
	}
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
