package remote_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// retagRules writes a rules file that changes tags of makeFolder's
// texts: a rule makes the committee's budget norm (k), and a higher
// threshold takes weaker tags away.
func retagRules(t *testing.T, bin string) string {
	t.Helper()
	dump := run(t, bin, "rules", "dump")
	at := strings.Index(dump, "\n  k:\n")
	if at < 0 || !strings.Contains(dump, "\nthreshold: 0.5\n") {
		t.Fatal("the rules dump has no norm k or no threshold 0.5")
	}
	at += len("\n  k:\n")
	edited := dump[:at] + "    - name: retag-test-budget\n      lang: en\n      weight: 0.97\n      context: none\n      any: [\"budget\"]\n" + dump[at:]
	edited = strings.Replace(edited, "\nthreshold: 0.5\n", "\nthreshold: 0.92\n", 1)
	path := filepath.Join(t.TempDir(), "rules.yaml")
	write(t, path, edited)
	return path
}

// startRetag starts `normtag retag --format json` with args and returns
// the process with its standard output and error.
func startRetag(t *testing.T, bin string, args ...string) (coord *exec.Cmd, out, errs *bytes.Buffer) {
	t.Helper()
	coord = exec.Command(bin, append([]string{"retag", "--format", "json"}, args...)...)
	coord.Env = env()
	out, errs = new(bytes.Buffer), new(bytes.Buffer)
	coord.Stdout, coord.Stderr = out, errs
	if err := coord.Start(); err != nil {
		t.Fatal(err)
	}
	return coord, out, errs
}

// waitSlowBatchHeld waits until a retag job has been held by a worker
// for half a second, after at least delivered deliveries: batches
// without the slow text take milliseconds, so that one is the slow
// batch and the run is not over.
func waitSlowBatchHeld(t *testing.T, js jetstream.JetStream, delivered uint64) {
	t.Helper()
	waitFor(t, "a worker to hold the slow batch", func() bool {
		if r, d := retagConsumer(js); r == 0 || d < delivered {
			return false
		}
		time.Sleep(500 * time.Millisecond)
		r, _ := retagConsumer(js)
		return r > 0
	})
}

// retagEnded waits for a retag started by startRetag to succeed and
// returns its JSON summary without its duration.
func retagEnded(t *testing.T, coord *exec.Cmd, out, errs *bytes.Buffer) map[string]any {
	t.Helper()
	if err := coord.Wait(); err != nil {
		t.Fatalf("coordinator: %v\n%s%s", err, out.String(), errs.String())
	}
	var got map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("summary: %v\n%s", err, out.String())
	}
	delete(got, "duration_ns")
	return got
}

// retagFolder is makeFolder with one text more, whose batch a worker
// takes four seconds to tag (the test hook): long enough to kill the
// worker, or the coordinator waiting for it.
func retagFolder(t *testing.T) string {
	t.Helper()
	src := makeFolder(t)
	write(t, filepath.Join(src, "sub-50-slow.txt"), "Submission on the slowretag budget.\n\n"+themes[1]+"\n\n"+themes[6]+"\n")
	return src
}

// ingested ingests src locally (no NATS) into a new data directory.
func ingested(t *testing.T, bin, src, name string) string {
	t.Helper()
	data := filepath.Join(t.TempDir(), name)
	run(t, bin, "ingest", "--quiet", "--data", data, src)
	return data
}

// retagSummary runs a retag with --format json and returns its summary
// without the run time.
func retagSummary(t *testing.T, bin string, args ...string) map[string]any {
	t.Helper()
	out := run(t, bin, append([]string{"retag", "--format", "json"}, args...)...)
	var sum map[string]any
	if err := json.Unmarshal([]byte(out), &sum); err != nil {
		t.Fatalf("retag summary: %v\n%s", err, out)
	}
	delete(sum, "duration_ns")
	return sum
}

func sameSummary(t *testing.T, want, got map[string]any) {
	t.Helper()
	wj, _ := json.Marshal(want)
	gj, _ := json.Marshal(got)
	if string(wj) != string(gj) {
		t.Errorf("retag summaries differ:\nlocal  %s\nremote %s", wj, gj)
	}
}

// retagConsumer reads the retag queue's consumer: jobs held by workers
// and deliveries so far.
func retagConsumer(js jetstream.JetStream) (running int, delivered uint64) {
	c, err := js.Consumer(context.Background(), "normtag_retag", "normtag_retaggers")
	if err != nil {
		return 0, 0
	}
	info, err := c.Info(context.Background())
	if err != nil {
		return 0, 0
	}
	return info.NumAckPending, info.Delivered.Consumer
}

// TestRetagWithTwoWorkersEqualsLocalRetag re-tags two copies of a corpus
// with rules that add and take away tags, one here and one on two
// workers in batches of two documents: the summaries, exports, stats and
// failures are the same.
func TestRetagWithTwoWorkersEqualsLocalRetag(t *testing.T) {
	bin := binary(t)
	src := makeFolder(t)
	rules := retagRules(t, bin)
	local := ingested(t, bin, src, "local")
	remote := ingested(t, bin, src, "remote")
	sameView(t, view(t, bin, local), view(t, bin, remote))

	want := retagSummary(t, bin, "--data", local, "--rules", rules)
	added, _ := want["added"].(map[string]any)
	removed, _ := want["removed"].(map[string]any)
	if want["changed"] == 0.0 || added["k"] == nil || len(removed) == 0 {
		t.Fatalf("the rules should add (k) and take tags away: %v", want)
	}

	url := startNATS(t)
	js := connect(t, url)
	startWorker(t, bin, url)
	startWorker(t, bin, url)
	got := retagSummary(t, bin, "--data", remote, "--rules", rules, "--nats", url, "--batch-docs", "2")
	sameSummary(t, want, got)
	sameView(t, view(t, bin, local), view(t, bin, remote))
	if _, delivered := retagConsumer(js); delivered < 5 {
		t.Errorf("workers were handed %d retag jobs, want at least 5 (10 documents in batches of 2)", delivered)
	}
	if n := retagResults(js); n != 0 {
		t.Errorf("%d retag results left after the run", n)
	}

	// Again with --all: the same rules change nothing, on workers too.
	again := retagSummary(t, bin, "--data", remote, "--all", "--nats", url)
	if again["changed"] != 0.0 || again["documents"] != want["documents"] {
		t.Errorf("retag --all with the same rules on workers: %v", again)
	}
	sameView(t, view(t, bin, local), view(t, bin, remote))
}

func retagResults(js jetstream.JetStream) int {
	obs, err := js.ObjectStore(context.Background(), "normtag_retag_results")
	if err != nil {
		return 0
	}
	list, _ := obs.List(context.Background())
	return len(list)
}

// TestRetagKillWorkerMidBatch kills the worker holding a batch: the batch
// goes to another worker once its wait is over, and the corpus is a local
// retag's.
func TestRetagKillWorkerMidBatch(t *testing.T) {
	bin := binary(t)
	src := retagFolder(t)
	rules := retagRules(t, bin)
	local := ingested(t, bin, src, "local")
	remote := ingested(t, bin, src, "remote")
	want := retagSummary(t, bin, "--data", local, "--rules", rules)

	url := startNATS(t)
	js := connect(t, url)
	victim := startWorker(t, bin, url)
	coord, out, errs := startRetag(t, bin, "--data", remote, "--rules", rules, "--nats", url, "--nats-ack-wait", "2s", "--batch-docs", "2")
	waitSlowBatchHeld(t, js, 0)
	if err := victim.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	startWorker(t, bin, url)
	startWorker(t, bin, url)
	sameSummary(t, want, retagEnded(t, coord, out, errs))
	sameView(t, view(t, bin, local), view(t, bin, remote))
}

// TestRetagKillCoordinatorThenRunAgain kills the coordinator while it
// waits for the slow batch, then runs the same command again: the corpus
// is a local retag's, every document on the new rules once.
func TestRetagKillCoordinatorThenRunAgain(t *testing.T) {
	bin := binary(t)
	src := retagFolder(t)
	rules := retagRules(t, bin)
	local := ingested(t, bin, src, "local")
	remote := ingested(t, bin, src, "remote")
	want := retagSummary(t, bin, "--data", local, "--rules", rules)

	url := startNATS(t)
	js := connect(t, url)
	startWorker(t, bin, url)
	cmdline := []string{"retag", "--data", remote, "--rules", rules, "--nats", url, "--batch-docs", "1", "--jobs", "2"}
	coord := exec.Command(bin, cmdline...)
	coord.Env = env()
	if err := coord.Start(); err != nil {
		t.Fatal(err)
	}
	waitSlowBatchHeld(t, js, 3) // a few batches tagged before
	coord.Process.Signal(syscall.SIGKILL)
	coord.Wait()
	versions := storedRulesVersions(t, remote)
	if len(versions) < 2 {
		t.Logf("the coordinator was killed before or after every commit: rules versions %v", versions)
	}
	got := retagSummary(t, bin, cmdline[1:]...)
	if got["documents"] == want["documents"] && len(versions) >= 2 {
		t.Errorf("the second run re-tagged all %v documents again: the first run's commits were lost", got["documents"])
	}
	sameView(t, view(t, bin, local), view(t, bin, remote))
	if v := storedRulesVersions(t, remote); len(v) != 1 {
		t.Errorf("documents on rules %v after the second run, want one version", v)
	}
}

// TestRetagTagHereNeedsNoWorkers: with --tag-here, retag --nats tags in
// its own process, as before workers could, and only sends the changes
// to search replicas.
func TestRetagTagHereNeedsNoWorkers(t *testing.T) {
	bin := binary(t)
	src := makeFolder(t)
	rules := retagRules(t, bin)
	local := ingested(t, bin, src, "local")
	here := ingested(t, bin, src, "here")
	want := retagSummary(t, bin, "--data", local, "--rules", rules)
	url := startNATS(t)
	js := connect(t, url)
	// The corpus is published once, as for its first replica: from then
	// on writers with --nats keep its change stream up to date.
	run(t, bin, "publish", "--data", here, "--nats", url)
	changes, err := js.Stream(context.Background(), "normtag_changes")
	if err != nil {
		t.Fatalf("no change stream after publish: %v", err)
	}
	before, err := changes.Info(context.Background())
	if err != nil || before.State.Msgs == 0 {
		t.Fatalf("the change stream holds nothing after publish (%v)", err)
	}
	got := retagSummary(t, bin, "--data", here, "--rules", rules, "--nats", url, "--tag-here")
	sameSummary(t, want, got)
	sameView(t, view(t, bin, local), view(t, bin, here))
	if _, err := js.Stream(context.Background(), "normtag_retag"); err == nil {
		t.Error("retag --tag-here created the retag queue")
	}
	if info, err := changes.Info(context.Background()); err != nil || info.State.LastSeq <= before.State.LastSeq {
		t.Errorf("retag --tag-here --nats sent no change to the stream (%v)", err)
	}
}
