package web

import (
	"fmt"
	"net"
)

// listen opens addr, refusing to guess: the default is loopback, and a
// non-loopback address must be asked for explicitly.
func listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	return ln, nil
}
