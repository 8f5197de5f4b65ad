package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/normtag/normtag/pipeline"
)

// snapshotDir hashes every file under dir, so that a command that must
// change nothing can be shown to have written nothing.
func snapshotDir(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		h := sha256.Sum256(b)
		out[strings.TrimPrefix(p, dir)] = hex.EncodeToString(h[:])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameSnapshot(t *testing.T, what string, a, b map[string]string) {
	t.Helper()
	for p, h := range a {
		if b[p] != h {
			t.Errorf("%s changed %s", what, p)
		}
	}
	for p := range b {
		if _, ok := a[p]; !ok {
			t.Errorf("%s created %s", what, p)
		}
	}
}

// rulesWithoutK writes the built-in rules without the (k) rules.
func rulesWithoutK(t *testing.T) string {
	t.Helper()
	_, dumped, _ := normtag(t, "rules", "dump")
	i := strings.Index(dumped, "\n  k:\n")
	if i < 0 {
		t.Fatal("rules dump has no (k) section")
	}
	p := filepath.Join(t.TempDir(), "no-k.yaml")
	write(t, p, dumped[:i+1])
	return p
}

func retagJSON(t *testing.T, args ...string) (pipeline.RetagSummary, string) {
	t.Helper()
	code, out, errs := normtag(t, append([]string{"retag", "--format", "json"}, args...)...)
	var s pipeline.RetagSummary
	if err := json.Unmarshal([]byte(out), &s); code != 0 || err != nil {
		t.Fatalf("retag %v: exit %d, %v\n%s\n%s", args, code, err, out, errs)
	}
	return s, errs
}

// TestRetagDryRunAndRememberedRules: a dry run reports per norm what a
// real run then does, and writes nothing; retag --rules is remembered by
// the data directory, so that a plain ingest tags with those rules (and
// says so) until retag --rules default.
func TestRetagDryRunAndRememberedRules(t *testing.T) {
	data := ingestSample(t)
	noK := rulesWithoutK(t)
	kBefore := searchJSON(t, "--data", data, "--norm", "k", "--limit", "100").Total

	before := snapshotDir(t, data)
	dry, _ := retagJSON(t, "--data", data, "--rules", noK, "--dry-run")
	sameSnapshot(t, "retag --dry-run", before, snapshotDir(t, data))
	if !dry.DryRun || dry.Removed["k"] == 0 || dry.Examples["k"] == nil || len(dry.Examples["k"].Removed) == 0 {
		t.Fatalf("dry run without the (k) rules: %+v", dry)
	}
	ex := dry.Examples["k"].Removed[0]
	if !contains(ex.Before, "k") || contains(ex.After, "k") || ex.Text == "" || ex.Title == "" {
		t.Errorf("dry-run example %+v", ex)
	}
	code, out, _ := normtag(t, "retag", "--data", data, "--rules", noK, "--dry-run")
	if code != 0 || !strings.Contains(out, "dry run, nothing changed") || !strings.Contains(out, "      - ") {
		t.Errorf("dry-run text: exit %d\n%s", code, out)
	}
	sameSnapshot(t, "retag --dry-run (text)", before, snapshotDir(t, data))
	if n := searchJSON(t, "--data", data, "--norm", "k", "--limit", "100").Total; n != kBefore {
		t.Errorf("(k) passages %d after a dry run, %d before", n, kBefore)
	}

	real, errs := retagJSON(t, "--data", data, "--rules", noK)
	if real.Removed["k"] != dry.Removed["k"] || real.Changed != dry.Changed || real.Added["k"] != dry.Added["k"] {
		t.Errorf("dry run predicted -%d (k) in %d documents; the real run did -%d in %d", dry.Removed["k"], dry.Changed, real.Removed["k"], real.Changed)
	}
	if !strings.Contains(errs, "remembers the rules") {
		t.Errorf("retag --rules does not say it is remembered: %q", errs)
	}
	if n := searchJSON(t, "--data", data, "--norm", "k", "--limit", "100").Total; n != kBefore-uint64(real.Removed["k"]) {
		t.Errorf("(k) passages %d after the retag, want %d - %d", n, kBefore, real.Removed["k"])
	}

	// A plain ingest of a new file tags with the remembered rules.
	more := t.TempDir()
	write(t, filepath.Join(more, "cert.txt"), "Statement on incident response\n\nOur national CERT and the sectoral CSIRTs must never be the target of malicious ICT activity.\n")
	code, _, errs = normtag(t, "ingest", "--data", data, "--quiet", more)
	if code != 0 {
		t.Fatalf("ingest: exit %d: %s", code, errs)
	}
	if strings.Count(errs, "tagging with the rules this data directory remembers") != 1 {
		t.Errorf("plain ingest after retag --rules: stderr %q, want one line naming the remembered rules", errs)
	}
	if n := searchJSON(t, "--data", data, "--norm", "k", "file:cert.txt").Total; n != 0 {
		t.Errorf("the new file was tagged (k) (%d hits) although the remembered rules have none", n)
	}
	plain, errs := retagJSON(t, "--data", data)
	if plain.RulesVersion != real.RulesVersion || plain.Documents != 0 || !strings.Contains(errs, "remembers") {
		t.Errorf("plain retag: rules %s (remembered %s), %d documents re-tagged; stderr %q", plain.RulesVersion, real.RulesVersion, plain.Documents, errs)
	}

	// Back to the built-in rules.
	back, errs := retagJSON(t, "--data", data, "--rules", "default")
	if !strings.Contains(errs, "forgets the rules") || back.Added["k"] == 0 {
		t.Errorf("retag --rules default: +%d (k); stderr %q", back.Added["k"], errs)
	}
	if n := searchJSON(t, "--data", data, "--norm", "k", "file:cert.txt").Total; n == 0 {
		t.Error("after retag --rules default the new file's passage is not tagged (k)")
	}
	more2 := t.TempDir()
	write(t, filepath.Join(more2, "cert2.txt"), "Second statement\n\nEmergency response teams deserve protection from attack.\n")
	code, _, errs = normtag(t, "ingest", "--data", data, "--quiet", more2)
	if code != 0 || strings.Contains(errs, "remembers") {
		t.Errorf("ingest after going back: exit %d, stderr %q", code, errs)
	}
}
