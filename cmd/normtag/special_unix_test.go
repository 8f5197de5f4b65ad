//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestIngestLinkedFolderAndReportsSpecialFiles: `ingest LINK` with LINK a
// link to a folder ingests the folder (it used to ingest nothing and exit
// 0), and a FIFO and a link to /dev/zero inside are reported as
// unsupported, by name, without hanging the run.
func TestIngestLinkedFolderAndReportsSpecialFiles(t *testing.T) {
	base := t.TempDir()
	src := filepath.Join(base, "docs")
	if err := os.Mkdir(src, 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(src, "good.txt"), "Our national CERT is never used for attacks on other States.")
	if err := syscall.Mkfifo(filepath.Join(src, "pipe.txt"), 0o644); err != nil {
		t.Skipf("cannot make a FIFO here: %v", err)
	}
	if err := os.Symlink("/dev/zero", filepath.Join(src, "zero.pdf")); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(base, "link")
	if err := os.Symlink(src, link); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(t.TempDir(), "d")
	code, sum := ingestJSON(t, "--data", data, link)
	if code != 1 || sum["added"].(float64) != 1 || sum["failed"].(float64) != 2 {
		t.Fatalf("exit %d, summary %v", code, sum)
	}
	failures, _ := sum["failures"].([]any)
	for _, f := range failures {
		m := f.(map[string]any)
		name := filepath.Base(m["path"].(string))
		if (name != "pipe.txt" && name != "zero.pdf") || m["reason"] != "unsupported" || !strings.Contains(m["detail"].(string), "not a regular file") {
			t.Errorf("failure %v", m)
		}
	}
}
