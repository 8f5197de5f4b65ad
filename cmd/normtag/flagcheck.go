package main

import (
	"fmt"
	"time"

	"github.com/urfave/cli/v2"
)

// intBound is the range a whole-number flag accepts.
type intBound struct {
	min, max int64
	unit     string // "" or "bytes"
}

// durationBound is the range a duration flag accepts.
type durationBound struct{ min, max time.Duration }

// Every numeric or duration flag of every command has a range here, and
// TestEveryNumericFlagHasARange keeps it so: a value out of range is a
// usage error naming the flag, where the libraries below would silently
// replace zero or a negative number by their default.
var (
	intBounds = map[string]intBound{
		"workers":       {min: 1, max: 1024},
		"max-file-size": {min: 1, max: 1 << 40, unit: "bytes"},
		"max-text-size": {min: 1, max: 1 << 40, unit: "bytes"},
		"max-passages":  {min: 1, max: 1 << 31},
		"limit":         {min: 1, max: 10000},
		// Each extraction process is a Go program whose runtime alone
		// reserves more address space than this floor.
		"memory-limit": {min: 256 << 20, max: 1 << 50, unit: "bytes"},
		// rules suggest
		"min-support": {min: 1, max: 1 << 31},
		"top":         {min: 1, max: 1000},
		// ingest --nats
		"jobs":                {min: 1, max: 1 << 16},
		"nats-max-deliveries": {min: 2, max: 100},
		"nats-replicas":       {min: 1, max: 5}, // JetStream's own limit
		// retag --nats
		"batch-docs": {min: 1, max: 1 << 16},
	}
	durationBounds = map[string]durationBound{
		"timeout":       {min: time.Second, max: 24 * time.Hour},
		"lock-wait":     {min: 0, max: 7 * 24 * time.Hour},
		"nats-ack-wait": {min: time.Second, max: time.Hour},
		// OCR of a page takes seconds; a document of many scanned pages,
		// hours.
		"ocr-page-timeout": {min: time.Second, max: 24 * time.Hour},
		"ocr-timeout":      {min: time.Second, max: 7 * 24 * time.Hour},
	}
)

// checkFlagValues makes every leaf command check its numeric and
// duration flags against the ranges above before its action runs.
func checkFlagValues(cmds []*cli.Command) {
	for _, cmd := range cmds {
		if len(cmd.Subcommands) > 0 {
			checkFlagValues(cmd.Subcommands)
			continue
		}
		flags := cmd.Flags
		before := cmd.Before
		cmd.Before = func(c *cli.Context) error {
			for _, f := range flags {
				if err := checkFlagValue(c, f); err != nil {
					return err
				}
			}
			if before != nil {
				return before(c)
			}
			return nil
		}
	}
}

// checkFlagValue checks one flag's value (default or given) against its
// range.
func checkFlagValue(c *cli.Context, f cli.Flag) error {
	name := f.Names()[0]
	var n int64
	switch f.(type) {
	case *cli.IntFlag:
		n = int64(c.Int(name))
	case *cli.Int64Flag:
		n = c.Int64(name)
	case *cli.DurationFlag:
		b, ok := durationBounds[name]
		if !ok {
			return fmt.Errorf("internal: flag --%s has no range", name)
		}
		d := c.Duration(name)
		if d < b.min || d > b.max {
			return usagef("--%s must be between %s and %s, got %s", name, b.min, b.max, d)
		}
		return nil
	default:
		return nil
	}
	b, ok := intBounds[name]
	if !ok {
		return fmt.Errorf("internal: flag --%s has no range", name)
	}
	if n < b.min || n > b.max {
		return usagef("--%s must be between %s and %s, got %d", name, formatInt(b.min, b.unit), formatInt(b.max, b.unit), n)
	}
	return nil
}

// formatInt writes a bound, with a binary size for byte counts that are
// whole mebibytes or more.
func formatInt(n int64, unit string) string {
	if unit == "bytes" {
		for _, u := range []struct {
			suffix string
			size   int64
		}{{"PiB", 1 << 50}, {"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}} {
			if n >= u.size && n%u.size == 0 {
				return fmt.Sprintf("%d (%d %s)", n, n/u.size, u.suffix)
			}
		}
	}
	return fmt.Sprint(n)
}
