// Package natstest runs real NATS servers with JetStream for tests:
// embedded from the nats-server module, on a free loopback port, storing
// in a temporary folder of the test, and shut down when the test ends.
package natstest

import (
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// Start runs a JetStream server for t and waits until it takes
// connections. Each adjust function may change the options first (a
// smaller MaxPayload, say).
func Start(t testing.TB, adjust ...func(*server.Options)) *server.Server {
	t.Helper()
	opts := &server.Options{Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: t.TempDir(), NoLog: true, NoSigs: true}
	for _, f := range adjust {
		f(opts)
	}
	s, err := server.NewServer(opts)
	if err != nil {
		t.Fatalf("new NATS server: %v", err)
	}
	go s.Start()
	t.Cleanup(s.Shutdown)
	if !s.ReadyForConnections(10 * time.Second) {
		t.Fatal("NATS server not ready after 10 s")
	}
	return s
}
