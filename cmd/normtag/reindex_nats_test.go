package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReindexNatsSaysWhyNot: reindex is not spread over workers, and
// --nats says so, pointing at retag --nats, before anything is opened;
// NORMTAG_NATS_URL, set for ingest and retag, does not make it fail.
func TestReindexNatsSaysWhyNot(t *testing.T) {
	data := filepath.Join(t.TempDir(), "d")
	code, _, errs := normtag(t, "reindex", "--data", data, "--nats", "nats://127.0.0.1:4222")
	if code != 2 || !strings.Contains(errs, "reindex --nats") || !strings.Contains(errs, "retag --nats") || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
		t.Errorf("reindex --nats: exit %d, want 2 and one line naming retag --nats:\n%s", code, errs)
	}
	if _, err := os.Stat(data); !os.IsNotExist(err) {
		t.Errorf("reindex --nats created %s", data)
	}
	sample := ingestSample(t)
	t.Setenv("NORMTAG_NATS_URL", "nats://127.0.0.1:4222")
	if code, _, errs := normtag(t, "reindex", "--data", sample); code != 0 {
		t.Errorf("reindex with NORMTAG_NATS_URL set: exit %d: %s", code, errs)
	}
}
