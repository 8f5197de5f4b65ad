package main

import (
	"fmt"
	"net"
	"strconv"

	"github.com/urfave/cli/v2"

	"github.com/normtag/normtag/internal/web"
)

func serveCommand() *cli.Command {
	return &cli.Command{
		Name:  "serve",
		Usage: "serve the corpus: a read-only JSON API (/api/…) and a web page for searching by norm",
		Description: "Binds to loopback by default. The API is documented at /api/openapi.json.\n" +
			"Search keeps working while another process ingests or reindexes the same data directory.",
		Flags: []cli.Flag{
			dataFlag(),
			&cli.StringFlag{Name: "addr", Value: "127.0.0.1:8080", Usage: "address to listen on"},
		},
		Action: func(c *cli.Context) error {
			addr := c.String("addr")
			host, port, err := net.SplitHostPort(addr)
			if err != nil {
				return usagef("--addr %q: %v", addr, err)
			}
			// Checked here, before the data directory is opened, so that
			// the mistake is a usage error naming the flag (0: any port).
			if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
				return usagef("--addr %q: the port must be a number from 0 to 65535", addr)
			}
			if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
				logger(c).Warn("serving beyond this machine: the corpus is readable by anyone who can reach it", "addr", addr)
			}
			d, err := openData(c, false)
			if err != nil {
				return err
			}
			defer d.Close()
			srv, err := web.New(d, logger(c))
			if err != nil {
				return err
			}
			return srv.Run(c.Context, addr, func(bound string) {
				fmt.Fprintf(c.App.Writer, "normtag serving %s on http://%s/ (Ctrl-C to stop)\n", c.String("data"), bound)
			})
		},
	}
}
