package remote_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// The retag side of issue 17's faults: a cluster node stopped during
// retag --nats, and a batch that kills every worker that takes it. A
// worker and a coordinator killed mid-run are in retag_test.go.

// TestRetagClusterNodeStoppedMidRun re-tags through a three-node
// JetStream cluster with the retag stream and buckets kept on all three,
// and stops the node leading the retag stream while a worker holds the
// slow batch: workers and the coordinator carry on through the other two,
// and the summary, export and stats are a local retag's.
func TestRetagClusterNodeStoppedMidRun(t *testing.T) {
	bin := binary(t)
	src := retagFolder(t)
	rules := retagRules(t, bin)
	local := ingested(t, bin, src, "local")
	remote := ingested(t, bin, src, "remote")
	want := retagSummary(t, bin, "--data", local, "--rules", rules)

	servers, urls := startCluster(t)
	js := connect(t, urls)
	startWorker(t, bin, urls)
	startWorker(t, bin, urls)
	coord, out, errs := startRetag(t, bin, "--data", remote, "--rules", rules, "--nats", urls,
		"--nats-replicas", "3", "--nats-ack-wait", "3s", "--batch-docs", "2", "--jobs", "2")
	waitSlowBatchHeld(t, js, 0)
	// Read before the stop: the consumer has no leader for a while after.
	_, delivered := retagConsumer(js)
	stopped := stopStreamLeader(t, js, servers, "normtag_retag")
	t.Logf("stopped %s, the retag stream's leader, after %d deliveries", stopped, delivered)
	sameSummary(t, want, retagEnded(t, coord, out, errs))
	sameView(t, view(t, bin, local), view(t, bin, remote))
}

// superviseWorkers runs one worker process after another, as systemd
// would restart a worker that died, until stop is called; stop returns
// how many of them a test hook killed (exit status 9).
func superviseWorkers(t *testing.T, bin, url string) (stop func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	killed := 0
	wg.Add(1)
	go func() {
		defer wg.Done()
		for ctx.Err() == nil {
			cmd := exec.CommandContext(ctx, bin, "worker", "--nats", url, "--workers", "1")
			cmd.Env = env()
			var ee *exec.ExitError
			if err := cmd.Run(); errors.As(err, &ee) && ee.ExitCode() == 9 {
				killed++
			}
		}
	}()
	stop = func() int {
		cancel()
		wg.Wait()
		return killed
	}
	t.Cleanup(func() { stop() })
	return stop
}

// exportByDoc splits a data directory's export into the lines of one
// document and the rest, each sorted.
func exportByDoc(t *testing.T, bin, data, doc string) (its, others []string) {
	t.Helper()
	for _, line := range strings.Split(strings.TrimSpace(run(t, bin, "export", "--data", data, "--format", "jsonl")), "\n") {
		var p struct{ Doc string }
		if err := json.Unmarshal([]byte(line), &p); err != nil {
			t.Fatalf("export line %q: %v", line, err)
		}
		if p.Doc == doc {
			its = append(its, line)
		} else {
			others = append(others, line)
		}
	}
	sort.Strings(its)
	sort.Strings(others)
	return its, others
}

// TestRetagBatchThatKillsEveryWorker: a document whose tagging kills
// every worker process that takes it (the test hook) is in a batch with
// others. Its batch is refused after --nats-max-deliveries and tagged
// again a document at a time; the run completes with exit status 1, its
// summary names the document and why, the other documents carry a local
// retag's tags, and the document keeps its stored tags and rules version
// (nothing lost), so that a plain retag afterwards finishes the corpus as
// a local retag does. Each of the two jobs that held it killed exactly
// max-deliveries less one workers: nothing is tried for ever.
func TestRetagBatchThatKillsEveryWorker(t *testing.T) {
	bin := binary(t)
	src := makeFolder(t)
	// The budget line gains (k) under retagRules: kept tags differ from
	// new ones.
	write(t, filepath.Join(src, "sub-60-poison.txt"), "Submission on the killretag budget.\n\n"+themes[0]+"\n\n"+themes[6]+"\n")
	rules := retagRules(t, bin)
	local := ingested(t, bin, src, "local")
	remote := ingested(t, bin, src, "remote")
	before := view(t, bin, remote)
	want := retagSummary(t, bin, "--data", local, "--rules", rules)

	poison := ""
	for _, line := range before.Export {
		if strings.Contains(line, "killretag") {
			var p struct{ Doc string }
			json.Unmarshal([]byte(line), &p)
			poison = p.Doc
		}
	}
	if poison == "" {
		t.Fatal("no stored passage says killretag")
	}
	keptLines, _ := exportByDoc(t, bin, remote, poison)
	newLines, wantOthers := exportByDoc(t, bin, local, poison)
	if strings.Join(keptLines, "\n") == strings.Join(newLines, "\n") {
		t.Fatal("the rules do not change the poison document's tags: keeping them could not be told from re-tagging")
	}

	url := startNATS(t)
	stop := superviseWorkers(t, bin, url)
	const maxDeliveries = 3
	coord := exec.Command(bin, "retag", "--format", "json", "--data", remote, "--rules", rules, "--nats", url,
		"--nats-ack-wait", "1s", "--nats-max-deliveries", fmt.Sprint(maxDeliveries), "--batch-docs", "4")
	coord.Env = env()
	var out, errs bytes.Buffer
	coord.Stdout, coord.Stderr = &out, &errs
	done := make(chan error, 1)
	if err := coord.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- coord.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(90 * time.Second):
		coord.Process.Kill()
		t.Fatalf("retag still running after 90 s: the batch is tried for ever?\n%s", errs.String())
	}
	killed := stop()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("retag ended with %v, want exit status 1 (some documents not re-tagged)\n%s%s", err, out.String(), errs.String())
	}
	if !strings.Contains(errs.String(), "1 problem(s): document(s) could not be re-tagged") {
		t.Errorf("standard error does not say a document could not be re-tagged:\n%s", errs.String())
	}
	if !strings.Contains(errs.String(), "tagging its documents one at a time") {
		t.Errorf("the poison batch was not split (it held 4 documents):\n%s", errs.String())
	}
	var got struct {
		Documents   int
		NotRetagged []struct {
			Doc      string
			Passages int
			Reason   string
		} `json:"not_retagged"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("summary: %v\n%s", err, out.String())
	}
	if len(got.NotRetagged) != 1 || got.NotRetagged[0].Doc != poison || got.NotRetagged[0].Passages != len(keptLines) ||
		!strings.Contains(got.NotRetagged[0].Reason, fmt.Sprintf("%d worker processes ended while tagging it", maxDeliveries-1)) {
		t.Errorf("summary lists as not re-tagged %+v, want only %s (%d passages) with %d workers ended", got.NotRetagged, poison, len(keptLines), maxDeliveries-1)
	}
	if w := int(want["documents"].(float64)); got.Documents != w-1 {
		t.Errorf("%d documents re-tagged, want all %d but the poison one", got.Documents, w-1)
	}
	// The batch and then the document alone: each killed the workers of
	// every delivery but the last.
	if killed != 2*(maxDeliveries-1) {
		t.Errorf("%d workers killed, want %d (two jobs, %d deliveries each)", killed, 2*(maxDeliveries-1), maxDeliveries)
	}

	its, others := exportByDoc(t, bin, remote, poison)
	if g, w := strings.Join(its, "\n"), strings.Join(keptLines, "\n"); g != w {
		t.Errorf("the poison document's passages changed:\nbefore\n%s\nafter\n%s", w, g)
	}
	if g, w := strings.Join(others, "\n"), strings.Join(wantOthers, "\n"); g != w {
		t.Errorf("the other documents differ from a local retag's: %s", firstDiff(wantOthers, others))
	}
	if v := storedRulesVersions(t, remote); len(v) != 2 {
		t.Errorf("rules versions %v after the run, want the new one and the poison document's old one", v)
	}
	run(t, bin, "check", "--data", remote)

	// A plain retag (here, no workers) re-tags what is left: the poison
	// document alone, and the corpus is a local retag's.
	last := retagSummary(t, bin, "--data", remote)
	if last["documents"] != 1.0 {
		t.Errorf("the retag after re-tagged %v documents, want the poison one", last["documents"])
	}
	sameView(t, view(t, bin, local), view(t, bin, remote))
}
