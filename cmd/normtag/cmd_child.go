package main

import (
	"github.com/urfave/cli/v2"

	"github.com/normtag/normtag/pipeline/isolate"
)

// childCommand is the hidden subcommand that extraction pools start: it
// parses files sent over its protocol pipes under the limits the parent
// sets. People never run it; it is not in the help. run serves it
// without building the CLI when it is the first argument, as a pool
// starts it; this command serves it after global flags.
func childCommand() *cli.Command {
	return &cli.Command{
		Name:            isolate.ChildCommand,
		Hidden:          true,
		SkipFlagParsing: true,
		Action: func(c *cli.Context) error {
			return isolate.ServeChild(c.Args().Slice())
		},
	}
}

// newExtractPool starts an extraction pool whose children are the binary
// this CLI was given (normally itself).
func newExtractPool(c *cli.Context, opts isolate.Options) (*isolate.Pool, error) {
	opts.Executable, _ = c.App.Metadata["extractChild"].(string)
	if opts.Logger == nil {
		opts.Logger = logger(c)
	}
	return isolate.NewPool(opts)
}
