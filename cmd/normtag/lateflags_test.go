package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFlagAfterArgumentIsRefused: `ingest docs --data D` used to ingest
// into ./normtag-data and treat "--data" as a path; now it is a usage
// error naming the flag, and nothing is written anywhere.
func TestFlagAfterArgumentIsRefused(t *testing.T) {
	src := t.TempDir()
	write(t, filepath.Join(src, "good.txt"), "Our national CERT is never used for attacks on other States.")
	cwd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	_, defaultBefore := os.Stat(filepath.Join(cwd, "normtag-data"))
	data := filepath.Join(t.TempDir(), "d")
	for _, tc := range []struct {
		flag string
		args []string
	}{
		{"--data", []string{"ingest", src, "--data", data}},
		{"--data=", []string{"ingest", src, "--data=" + data}},
		{"--norm", []string{"search", "--data", data, "hospitals", "--norm", "g"}},
		{"--format", []string{"export", "--data", data, "-o", filepath.Join(data, "x.csv"), "hospitals", "--format", "jsonl"}},
	} {
		code, _, errs := normtag(t, tc.args...)
		if code != 2 || !strings.Contains(errs, "flag "+tc.flag) {
			t.Errorf("%q: exit %d, stderr %q; want 2 and a message naming %s", tc.args, code, errs, tc.flag)
		}
	}
	if _, err := os.Stat(data); !os.IsNotExist(err) {
		t.Errorf("a refused command created %s", data)
	}
	if _, err := os.Stat(filepath.Join(cwd, "normtag-data")); os.IsNotExist(defaultBefore) && !os.IsNotExist(err) {
		os.RemoveAll(filepath.Join(cwd, "normtag-data"))
		t.Errorf("a refused command wrote to ./normtag-data")
	}
	// The same flags before the path are honoured.
	if code, _, errs := normtag(t, "ingest", "--quiet", "--data", data, src); code != 0 {
		t.Fatalf("flags first: exit %d: %s", code, errs)
	}
	if st := statsJSON(t, data); st["documents"].(float64) != 1 {
		t.Errorf("flags first: stats %v", st)
	}
}
