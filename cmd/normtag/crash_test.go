package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/normtag/normtag/index"
	"github.com/normtag/normtag/internal/testbin"
	"github.com/normtag/normtag/rules"
)

// binary is a real normtag process to kill, built once per test run.
func binary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and kills real normtag processes; skipped with -short")
	}
	return testbin.Normtag(t)
}

// themes are sentences that the tagger should attach to various norms.
var themes = []string{
	"States should not conduct or support ICT activity that damages critical infrastructure.",
	"We protect critical infrastructure such as hospitals, energy and water from ICT threats.",
	"Our national CERT cooperates with other computer emergency response teams.",
	"Integrity of the supply chain of ICT products is essential for trust.",
	"We encourage responsible reporting of ICT vulnerabilities and share remedies.",
	"Human rights online, including the right to privacy, must be respected.",
	"States should respond to appropriate requests for assistance by another State.",
	"Before attributing an ICT incident, all relevant information should be considered.",
	"States should not knowingly allow their territory to be used for internationally wrongful acts.",
	"We cooperate to exchange information on criminal and terrorist use of ICTs.",
	"International cooperation increases stability and security in the use of ICTs.",
	"The committee met on a Tuesday and discussed its budget and staffing.",
}

// makeCorpus writes n text submissions with varied, deterministic content.
func makeCorpus(t *testing.T, dir string, n int) {
	t.Helper()
	r := rand.New(rand.NewPCG(42, 7))
	for i := 0; i < n; i++ {
		var b strings.Builder
		fmt.Fprintf(&b, "Submission %d of the Republic of Testland\n\n", i)
		for p := 0; p < 6+r.IntN(10); p++ {
			for s := 0; s < 2+r.IntN(4); s++ {
				b.WriteString(themes[r.IntN(len(themes))])
				fmt.Fprintf(&b, " Reference %d-%d. ", i, p)
			}
			b.WriteString("\n\n")
		}
		write(t, filepath.Join(dir, fmt.Sprintf("sub-%04d.txt", i)), b.String())
	}
}

// snapshot is everything a user can observe of a data directory.
type snapshot struct {
	Stats   map[string]any
	Results map[string][]string
}

func takeSnapshot(t *testing.T, bin, data string) snapshot {
	t.Helper()
	out, err := exec.Command(bin, "stats", "--data", data, "--format", "json").Output()
	if err != nil {
		t.Fatalf("stats: %v", err)
	}
	s := snapshot{Results: map[string][]string{}}
	if err := json.Unmarshal(out, &s.Stats); err != nil {
		t.Fatal(err)
	}
	for _, q := range [][]string{{"--norm", "f"}, {"--norm", "g,k"}, {"supply", "chain"}, {"--norm", "j", "vulnerabilities"}, {"Testland"}} {
		// Every matching passage, not one per text: which copy of a text
		// stands for it follows ties in relevance (see below).
		args := append([]string{"search", "--data", data, "--format", "json", "--limit", "10000", "--no-collapse"}, q...)
		out, err := exec.Command(bin, args...).Output()
		if err != nil {
			t.Fatalf("search %v: %v", q, err)
		}
		var res index.Result
		if err := json.Unmarshal(out, &res); err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, h := range res.Hits {
			ids = append(ids, fmt.Sprintf("%s %s %v", h.ID, h.File, h.Norms))
		}
		// Ties in relevance may come back in either order from indexes
		// built in different batches; the set of passages must match.
		sort.Strings(ids)
		s.Results[strings.Join(q, " ")] = ids
	}
	if out, err := exec.Command(bin, "check", "--data", data).CombinedOutput(); err != nil {
		t.Fatalf("check after run: %v\n%s", err, out)
	}
	return s
}

func TestKillDuringIngestThenRerunEqualsCleanRun(t *testing.T) {
	bin := binary(t)
	src := t.TempDir()
	makeCorpus(t, src, 300)

	clean := filepath.Join(t.TempDir(), "clean")
	start := time.Now()
	if out, err := exec.Command(bin, "ingest", "--quiet", "--data", clean, src).CombinedOutput(); err != nil {
		t.Fatalf("clean ingest: %v\n%s", err, out)
	}
	cleanTime := time.Since(start)
	want := takeSnapshot(t, bin, clean)
	t.Logf("clean run: %s, stats %v", cleanTime, want.Stats["documents"])

	for _, frac := range []float64{0.05, 0.3, 0.6, 0.9} {
		data := filepath.Join(t.TempDir(), "killed")
		cmd := exec.Command(bin, "ingest", "--quiet", "--data", data, src)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(frac * float64(cleanTime)))
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		// A second kill, earlier in the re-run, for good measure.
		cmd = exec.Command(bin, "ingest", "--quiet", "--data", data, src)
		cmd.Start()
		time.Sleep(time.Duration(frac / 3 * float64(cleanTime)))
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		if out, err := exec.Command(bin, "ingest", "--quiet", "--data", data, src).CombinedOutput(); err != nil {
			t.Fatalf("re-run after kill at %.0f%%: %v\n%s", frac*100, err, out)
		}
		got := takeSnapshot(t, bin, data)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("kill at %.0f%%: corpus/index differ from a clean run\n got stats %v\nwant stats %v", frac*100, got.Stats, want.Stats)
		}
	}
}

// TestKillDuringRetagThenRerunEqualsCleanRun kills retag with other rules
// at several points; the next run finishes the job and the data directory
// then equals that of an uninterrupted retag.
func TestKillDuringRetagThenRerunEqualsCleanRun(t *testing.T) {
	bin := binary(t)
	src := t.TempDir()
	makeCorpus(t, src, 300)
	base := filepath.Join(t.TempDir(), "base")
	if out, err := exec.Command(bin, "ingest", "--quiet", "--data", base, src).CombinedOutput(); err != nil {
		t.Fatalf("ingest: %v\n%s", err, out)
	}
	// Other rules: every weight halved, so that many tags change.
	other := filepath.Join(t.TempDir(), "rules.yaml")
	write(t, other, strings.ReplaceAll(string(rules.Default), "weight: 0.9", "weight: 0.45"))
	copyDir := func(name string) string {
		dst := filepath.Join(t.TempDir(), name)
		if out, err := exec.Command("cp", "-r", base, dst).CombinedOutput(); err != nil {
			t.Fatalf("cp: %v %s", err, out)
		}
		return dst
	}
	clean := copyDir("clean")
	start := time.Now()
	if out, err := exec.Command(bin, "retag", "--data", clean, "--rules", other).CombinedOutput(); err != nil {
		t.Fatalf("clean retag: %v\n%s", err, out)
	}
	cleanTime := time.Since(start)
	want := takeSnapshot(t, bin, clean)
	if reflect.DeepEqual(want, takeSnapshot(t, bin, base)) {
		t.Fatal("the other rules change nothing: the test would prove nothing")
	}
	for _, frac := range []float64{0.2, 0.5, 0.8} {
		data := copyDir(fmt.Sprintf("killed-%.0f", frac*100))
		cmd := exec.Command(bin, "retag", "--data", data, "--rules", other)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(frac * float64(cleanTime)))
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		if out, err := exec.Command(bin, "retag", "--data", data, "--rules", other).CombinedOutput(); err != nil {
			t.Fatalf("retag after kill at %.0f%%: %v\n%s", frac*100, err, out)
		}
		if got := takeSnapshot(t, bin, data); !reflect.DeepEqual(got, want) {
			t.Errorf("kill at %.0f%%: corpus/index differ from an uninterrupted retag\n got %v\nwant %v", frac*100, got.Stats["norms"], want.Stats["norms"])
		}
	}
}

func TestConcurrentIngestWaitsOrFailsClearly(t *testing.T) {
	bin := binary(t)
	src := t.TempDir()
	makeCorpus(t, src, 150)
	data := filepath.Join(t.TempDir(), "data")
	first := exec.Command(bin, "ingest", "--quiet", "--data", data, src)
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, filepath.Join(data, "corpus.db"))
	time.Sleep(100 * time.Millisecond)
	// Without waiting: a clear message and exit code 2.
	var stderr bytes.Buffer
	second := exec.Command(bin, "ingest", "--quiet", "--data", data, src)
	second.Stderr = &stderr
	err := second.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 || !strings.Contains(stderr.String(), "in use by another normtag writer") {
		t.Fatalf("second writer: %v, stderr %q", err, stderr.String())
	}
	// With --lock-wait: it waits for the first and then finds nothing new.
	out, err := exec.Command(bin, "ingest", "--data", data, "--format", "json", "--lock-wait", "5m", src).Output()
	if err != nil {
		t.Fatalf("waiting writer: %v", err)
	}
	if err := first.Wait(); err != nil {
		t.Fatalf("first writer: %v", err)
	}
	var sum struct{ Added, Unchanged int }
	json.Unmarshal([]byte(lastLine(string(out))), &sum)
	if sum.Added != 0 || sum.Unchanged != 150 {
		t.Fatalf("waiting writer summary %q", lastLine(string(out)))
	}
}

func TestSearchAnswersDuringIngest(t *testing.T) {
	bin := binary(t)
	src := t.TempDir()
	makeCorpus(t, src, 300)
	data := filepath.Join(t.TempDir(), "data")
	ingest := exec.Command(bin, "ingest", "--json", "--data", data, src)
	stdout, _ := ingest.StdoutPipe()
	if err := ingest.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
		}
		close(done)
	}()
	waitFor(t, filepath.Join(data, "index"))
	searches, last := 0, uint64(0)
	for running := true; running; {
		select {
		case <-done:
			running = false
		default:
		}
		var stderr bytes.Buffer
		search := exec.Command(bin, "search", "--data", data, "--format", "json", "Testland")
		search.Stderr = &stderr
		out, err := search.Output()
		if err != nil {
			t.Fatalf("search during ingest failed: %v; stderr:\n%s", err, stderr.Bytes())
		}
		var res index.Result
		if err := json.Unmarshal(out, &res); err != nil {
			t.Fatal(err)
		}
		if res.Total < last {
			t.Fatalf("search saw %d passages after %d: committed documents vanished", res.Total, last)
		}
		last = res.Total
		searches++
	}
	if err := ingest.Wait(); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d searches answered during the ingest", searches)
	if searches < 2 {
		t.Fatalf("only %d searches ran during the ingest", searches)
	}
}

func waitFor(t *testing.T, path string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(path); err == nil {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s did not appear", path)
}

// TestIngestRobustnessCorpus ingests every PDF of the shared robustness
// corpus in one run of the real binary: the run completes, every file is
// stored or reported with a reason, and at least as many files yield text
// as poppler's pdftotext got words from (POPPLER_REFERENCE.tsv).
func TestIngestRobustnessCorpus(t *testing.T) {
	bin := binary(t)
	const root = "../../../shared/corpora/robustness"
	ref, err := os.ReadFile(filepath.Join(root, "POPPLER_REFERENCE.tsv"))
	if err != nil {
		t.Skip("../shared/corpora/robustness is absent")
	}
	files, poppler := 0, 0
	for _, line := range strings.Split(strings.TrimSpace(string(ref)), "\n")[1:] {
		f := strings.Split(line, "\t")
		files++
		if len(f) >= 8 && f[7] != "0" && f[7] != "" {
			poppler++
		}
	}
	data := filepath.Join(t.TempDir(), "data")
	report := filepath.Join(t.TempDir(), "report.json")
	// Not --quiet: quiet prints only the summary, and every failure must
	// be said on stderr.
	cmd := exec.Command(bin, "ingest", "--timeout", "20s", "--data", data, "--report", report, root)
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("want exit code 1 (some files failed), got %v\n%.2000s", err, out)
	}
	var sum struct {
		Added, Unchanged, Failed int
		Failures                 []struct{ Path, Reason, Detail string }
	}
	raw, err := os.ReadFile(report)
	if err != nil || json.Unmarshal(raw, &sum) != nil {
		t.Fatalf("report: %v", err)
	}
	// The folder also holds a few non-PDF files (the reference table…).
	if sum.Added+sum.Unchanged+sum.Failed < files {
		t.Errorf("%d added + %d unchanged + %d failed < %d PDFs: files went missing", sum.Added, sum.Unchanged, sum.Failed, files)
	}
	failedPDFs := 0
	for _, f := range sum.Failures {
		if f.Reason == "" || f.Detail == "" || !strings.Contains(string(out), f.Path) {
			t.Errorf("failure without reason, detail or stderr line: %+v", f)
		}
		if strings.HasSuffix(strings.ToLower(f.Path), ".pdf") {
			failedPDFs++
		}
	}
	withText := files - failedPDFs
	t.Logf("%d PDFs: %d stored with text (identical bytes counted per file), %d failed; poppler finds words in %d", files, withText, failedPDFs, poppler)
	if withText < poppler {
		t.Errorf("text from %d files, fewer than poppler's %d", withText, poppler)
	}
}

// TestInterruptLeavesConsistentData sends Ctrl-C (SIGINT) mid-run: the
// run stops with exit code 2 after committing what it had extracted, the
// corpus and index agree, and a re-run completes the corpus.
func TestInterruptLeavesConsistentData(t *testing.T) {
	bin := binary(t)
	src := t.TempDir()
	makeCorpus(t, src, 300)
	data := filepath.Join(t.TempDir(), "data")
	cmd := exec.Command(bin, "ingest", "--quiet", "--workers", "1", "--data", data, src)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, filepath.Join(data, "index"))
	cmd.Process.Signal(os.Interrupt)
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 || !strings.Contains(stderr.String(), "interrupted") {
		t.Fatalf("interrupted run: %v, stderr %q", err, stderr.String())
	}
	if out, err := exec.Command(bin, "check", "--data", data).CombinedOutput(); err != nil {
		t.Fatalf("check after interrupt: %v\n%s", err, out)
	}
	if out, err := exec.Command(bin, "ingest", "--quiet", "--data", data, src).CombinedOutput(); err != nil {
		t.Fatalf("re-run: %v\n%s", err, out)
	}
	if docs := takeSnapshot(t, bin, data).Stats["documents"].(float64); docs != 300 {
		t.Fatalf("%v documents after re-run", docs)
	}
}
