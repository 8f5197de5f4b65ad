package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/pipeline"
)

// parentRSSBudget is the most resident memory the ingesting process may
// use on a document of any size (issue 12): beyond the per-document
// limits a document fails as too-large instead.
const parentRSSBudget = 600 << 20

// writeShortParagraphs writes a text file of about size bytes made of
// short numbered paragraphs, the shape that makes the most passages per
// byte, and returns how many it wrote.
func writeShortParagraphs(t *testing.T, path string, size int64) int {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	var n int64
	i := 0
	for ; n < size; i++ {
		k, _ := fmt.Fprintf(w, "Paragraph %d on cooperation.\n\n", i)
		n += int64(k)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return i
}

// peakRSS runs cmd to its end and returns its own peak resident memory
// in bytes (VmHWM, which leaves out its extraction children), read from
// /proc while it runs. VmHWM only grows, so the last reading is the
// peak up to a few milliseconds before exit.
func peakRSS(t *testing.T, cmd *exec.Cmd) (int64, error) {
	t.Helper()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	status := filepath.Join("/proc", strconv.Itoa(cmd.Process.Pid), "status")
	var peak atomic.Int64
	stop := make(chan struct{})
	polled := make(chan struct{})
	go func() {
		defer close(polled)
		for {
			if kb := vmHWM(status); kb > peak.Load() {
				peak.Store(kb)
			}
			select {
			case <-stop:
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()
	err := cmd.Wait()
	close(stop)
	<-polled
	return peak.Load() << 10, err
}

// vmHWM reads the VmHWM line of a /proc status file, in KiB (0 when the
// process is gone).
func vmHWM(status string) int64 {
	data, err := os.ReadFile(status)
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb
		}
	}
	return 0
}

func needProc(t *testing.T) {
	t.Helper()
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc/self/status: cannot measure peak resident memory here")
	}
}

// readReport parses the JSON report of an ingest run.
func readReport(t *testing.T, path string) pipeline.Summary {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var sum pipeline.Summary
	if err := json.Unmarshal(data, &sum); err != nil {
		t.Fatalf("report: %v\n%s", err, data)
	}
	return sum
}

// ingestHuge ingests a generated text file of size bytes of short
// paragraphs beside an ordinary submission, and checks issue 12's
// acceptance: the parent's peak memory stays within budget, the huge
// file is either stored and searchable or failed as too-large, the
// ordinary file is stored and searchable, and the data directory is
// consistent and usable by the next run.
func ingestHuge(t *testing.T, size int64) {
	bin := binary(t)
	needProc(t)
	src := t.TempDir()
	data := filepath.Join(t.TempDir(), "data")
	huge := filepath.Join(src, "huge.txt")
	paragraphs := writeShortParagraphs(t, huge, size)
	write(t, filepath.Join(src, "ordinary.txt"), "Submission of Examplia\n\nWe protect critical infrastructure such as Zanzibarian hospitals from ICT threats.\n")
	report := filepath.Join(t.TempDir(), "report.json")
	cmd := exec.Command(bin, "ingest", "--quiet", "--data", data, "--report", report, src)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	peak, err := peakRSS(t, cmd)
	t.Logf("%d MiB file, %d paragraphs: parent peak RSS %d MiB, %s", size>>20, paragraphs, peak>>20, time.Since(start).Round(time.Second))
	if code := cmd.ProcessState.ExitCode(); code != 0 && code != 1 {
		t.Fatalf("ingest: %v (exit %d)\n%s", err, code, out.String())
	}
	if peak == 0 {
		t.Fatal("no VmHWM reading of the ingest process")
	}
	if peak > parentRSSBudget {
		t.Errorf("parent peak RSS %d MiB, over the budget of %d MiB", peak>>20, parentRSSBudget>>20)
	}
	sum := readReport(t, report)
	switch {
	case sum.Added == 2:
		if res := searchJSON(t, "--data", data, fmt.Sprintf(`"Paragraph %d"`, paragraphs-1)); res.Total == 0 {
			t.Errorf("the last paragraph of the stored huge file is not searchable")
		}
	case sum.Added == 1 && sum.Failed == 1:
		f := sum.Failures[0]
		if f.Path != huge || f.Reason != corpus.ReasonTooLarge || !strings.Contains(f.Detail, "limit") {
			t.Errorf("failure %+v, want the huge file as too-large naming the limit", f)
		}
	default:
		t.Fatalf("added %d, failed %d (%+v), want the ordinary file added and the huge one added or too-large\n%s", sum.Added, sum.Failed, sum.Failures, out.String())
	}
	if res := searchJSON(t, "--data", data, "Zanzibarian"); res.Total != 1 {
		t.Errorf("the ordinary file: %d hits, want 1", res.Total)
	}
	if b, err := exec.Command(bin, "check", "--data", data).CombinedOutput(); err != nil {
		t.Fatalf("check after the run: %v\n%s", err, b)
	}
	// The next run is not stuck on the huge file.
	cmd = exec.Command(bin, "ingest", "--quiet", "--data", data, src)
	if b, err := cmd.CombinedOutput(); cmd.ProcessState.ExitCode() > 1 {
		t.Fatalf("second ingest: %v\n%s", err, b)
	}
}

// Issue 12, defect 1: a 10 MB text file of 300,000 short paragraphs took
// 8.6 GB in the parent and, under a memory cap, left the data directory
// stuck. A file over twice that size is now refused or ingested within a
// few hundred MiB.
func TestHugeTextFileKeepsTheParentBounded(t *testing.T) {
	ingestHuge(t, 24<<20)
}

// The acceptance run of issue 12: 100 MB of 3 million short paragraphs.
// It takes minutes, so it runs only when NORMTAG_HUGE_INGEST=1.
func TestHundredMegabyteTextFileKeepsTheParentBounded(t *testing.T) {
	if os.Getenv("NORMTAG_HUGE_INGEST") != "1" {
		t.Skip("set NORMTAG_HUGE_INGEST=1 to ingest a generated 100 MB text file")
	}
	ingestHuge(t, 100<<20)
}

// The passage limit is checked in the parent after segmentation: a
// document over it fails as too-large naming the flag, and the run goes
// on with the other files.
func TestPassageLimitFailsOneDocument(t *testing.T) {
	src := t.TempDir()
	data := filepath.Join(t.TempDir(), "data")
	writeShortParagraphs(t, filepath.Join(src, "long.txt"), 4000)
	write(t, filepath.Join(src, "short.txt"), "Submission of Examplia\n\nWe protect critical infrastructure from ICT threats.\n")
	report := filepath.Join(t.TempDir(), "report.json")
	code, out, errs := normtag(t, "ingest", "--quiet", "--data", data, "--max-passages", "50", "--report", report, src)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (one file failed)\n%s\n%s", code, out, errs)
	}
	sum := readReport(t, report)
	if sum.Added != 1 || len(sum.Failures) != 1 {
		t.Fatalf("added %d, failures %+v; want short.txt added and long.txt failed", sum.Added, sum.Failures)
	}
	f := sum.Failures[0]
	if filepath.Base(f.Path) != "long.txt" || f.Reason != corpus.ReasonTooLarge || !strings.Contains(f.Detail, "--max-passages") {
		t.Fatalf("failure %+v, want long.txt too-large naming --max-passages", f)
	}
	if code, out, errs := normtag(t, "check", "--data", data); code != 0 {
		t.Fatalf("check: exit %d\n%s\n%s", code, out, errs)
	}
}
