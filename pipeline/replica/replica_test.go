package replica_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/normtag/normtag/corpus/sqlite"
	"github.com/normtag/normtag/internal/natstest"
	"github.com/normtag/normtag/internal/pdfgen"
	"github.com/normtag/normtag/internal/testbin"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testbin.Cleanup()
	os.Exit(code)
}

// lagBudget is the acceptance line: a replica answers a search for a
// document within 5 s of its commit on the writer.
const lagBudget = 5 * time.Second

func binary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("runs real normtag processes and a NATS server; skipped with -short")
	}
	return testbin.Normtag(t)
}

// startNATS runs a JetStream server on a free loopback port.
func startNATS(t *testing.T) string {
	t.Helper()
	s := natstest.Start(t)
	return s.ClientURL()
}

// marker is a made-up word found in the i-th document only, so that a
// search for it finds that document and no other.
func marker(i int) string {
	return fmt.Sprintf("xylo%c%cmark", 'a'+i/26, 'a'+i%26)
}

var themes = []string{
	"States should not conduct or support ICT activity that damages critical infrastructure.",
	"Our national CERT cooperates with other computer emergency response teams.",
	"Integrity of the supply chain of ICT products is essential for trust.",
	"We encourage responsible reporting of ICT vulnerabilities and share remedies.",
	"Human rights online, including the right to privacy, must be respected.",
}

// makeFolder writes n submissions, each with its marker word (the last
// one a PDF), and an empty file that fails.
func makeFolder(t *testing.T, n int) (dir string, paths []string) {
	t.Helper()
	dir = t.TempDir()
	for i := range n - 1 {
		var b strings.Builder
		fmt.Fprintf(&b, "Submission %d of the Republic of Testland\n\n", i)
		for p := range 3 + i%4 {
			fmt.Fprintf(&b, "%s %s %s Paragraph %d mentions %s.\n\n", themes[(i+p)%len(themes)], themes[(i+2*p)%len(themes)], themes[p%len(themes)], p, marker(i))
		}
		paths = append(paths, write(t, filepath.Join(dir, fmt.Sprintf("sub-%02d.txt", i)), b.String()))
	}
	var pdf bytes.Buffer
	if err := pdfgen.Write(&pdf, [][]string{{"Submission of Pdfland", themes[0], "The " + marker(n-1) + " clause."}, {themes[3], themes[4]}}); err != nil {
		t.Fatal(err)
	}
	paths = append(paths, write(t, filepath.Join(dir, "pdfland.pdf"), pdf.String()))
	write(t, filepath.Join(dir, "empty.txt"), "")
	return dir, paths
}

func write(t *testing.T, path, s string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func run(t *testing.T, bin string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	// Exit code 1 means some files failed, which the folders here expect.
	if ee, ok := err.(*exec.ExitError); err != nil && !(ok && ee.ExitCode() == 1) {
		t.Fatalf("normtag %s: %v\n%s%s", strings.Join(args, " "), err, out.String(), errb.String())
	}
	return out.String()
}

// startBackground runs a normtag process until the test ends.
func startBackground(t *testing.T, bin string, args ...string) *exec.Cmd {
	t.Helper()
	cmd, _ := testbin.Start(t, bin, nil, args...)
	return cmd
}

// replicaProc is a running `normtag serve --follow`.
type replicaProc struct {
	cmd  *exec.Cmd
	base string
	logs *testbin.Output
}

// startReplica runs serve --follow on data and waits until it serves.
func startReplica(t *testing.T, bin, natsURL, data string) *replicaProc {
	t.Helper()
	cmd := exec.Command(bin, "--log-level", "debug", "serve", "--data", data, "--addr", "127.0.0.1:0", "--follow", natsURL)
	logs := &testbin.Output{}
	cmd.Stderr = logs
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := &replicaProc{cmd: cmd, logs: logs}
	t.Cleanup(func() {
		r.kill()
		if t.Failed() {
			t.Logf("replica log:\n%s", logs.String())
		}
	})
	line, err := bufio.NewReader(out).ReadString('\n')
	go io.Copy(io.Discard, out)
	i := strings.Index(line, "http://")
	if err != nil || i < 0 {
		t.Fatalf("replica did not start: %q %v\n%s", line, err, logs.String())
	}
	r.base = strings.TrimSuffix(strings.Fields(line[i:])[0], "/")
	return r
}

// kill ends the replica as kill -9 would.
func (r *replicaProc) kill() {
	if r.cmd.ProcessState == nil {
		r.cmd.Process.Kill()
		r.cmd.Wait()
	}
}

// hits is the number of passages the server finds for q (with the
// given norm filter, if any); -1 when it does not answer.
func hits(base, q, norm string) int {
	v := url.Values{"q": {q}}
	if norm != "" {
		v.Set("norm", norm)
	}
	resp, err := http.Get(base + "/api/search?" + v.Encode())
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	var res struct {
		Total int `json:"total"`
	}
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&res) != nil {
		return -1
	}
	return res.Total
}

// committedAt polls the writer's store until path is stored in it and
// returns when it saw it; zero if it never was.
func committed(ctx context.Context, data, path string) bool {
	st, err := sqlite.OpenReadOnly(ctx, filepath.Join(data, "corpus.db"))
	if err != nil {
		return false
	}
	defer st.Close()
	_, ok, err := st.LookupPath(ctx, path)
	return err == nil && ok
}

// watchLag polls the writer's store and the replica until every path is
// committed and searchable on the replica by its marker, and returns the
// time from commit (as seen by polling) to searchable for each.
func watchLag(t *testing.T, data string, r *replicaProc, paths []string) []time.Duration {
	t.Helper()
	ctx := context.Background()
	seen := make([]time.Time, len(paths))
	lags := make([]time.Duration, len(paths))
	found := make([]bool, len(paths))
	deadline := time.Now().Add(60 * time.Second)
	for left := len(paths); left > 0; {
		if time.Now().After(deadline) {
			t.Fatalf("after 60 s, %d documents still not searchable on the replica", left)
		}
		for i, p := range paths {
			if found[i] {
				continue
			}
			if seen[i].IsZero() {
				if committed(ctx, data, p) {
					seen[i] = time.Now()
				} else {
					continue
				}
			}
			if hits(r.base, marker(i), "") > 0 {
				found[i], lags[i] = true, time.Since(seen[i])
				left--
			} else if time.Since(seen[i]) > lagBudget {
				t.Fatalf("%s: committed %s ago, not searchable on the replica", filepath.Base(p), time.Since(seen[i]).Round(time.Millisecond))
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return lags
}

func logLags(t *testing.T, lags []time.Duration) {
	t.Helper()
	s := slices.Clone(lags)
	slices.Sort(s)
	t.Logf("replica lag, commit to searchable, %d documents: p50 %s, max %s", len(s), s[len(s)/2].Round(time.Millisecond), s[len(s)-1].Round(time.Millisecond))
}

// view is what a user sees of a data directory: its export, stats and
// failures; an error when a command fails (a replica not caught up yet
// may have no index).
func view(bin, data string) (string, error) {
	var parts []string
	for _, args := range [][]string{
		{"export", "--data", data, "--format", "jsonl"},
		{"stats", "--data", data, "--format", "json"},
		{"failures", "--data", data, "--format", "json"},
	} {
		out, err := exec.Command(bin, args...).Output()
		if ee, ok := err.(*exec.ExitError); err != nil && !(ok && ee.ExitCode() == 1 && args[0] == "failures") {
			return "", fmt.Errorf("normtag %s: %w: %s", strings.Join(args, " "), err, out)
		}
		parts = append(parts, string(out))
	}
	lines := strings.Split(strings.TrimSpace(parts[0]), "\n")
	sort.Strings(lines)
	if len(lines) < 10 {
		return "", fmt.Errorf("%s exports only %d passages", data, len(lines))
	}
	if d := duplicates(lines); d != "" {
		return "", fmt.Errorf("%s exports a passage twice: %s", data, d)
	}
	return strings.Join(lines, "\n") + "\n--- stats\n" + parts[1] + "\n--- failures\n" + parts[2], nil
}

func duplicates(sorted []string) string {
	for i := 1; i < len(sorted); i++ {
		if sorted[i] == sorted[i-1] {
			return sorted[i]
		}
	}
	return ""
}

// sameCorpus waits (up to 10 s) until the replica's view equals the
// writer's, failing with the first difference.
func sameCorpus(t *testing.T, bin, writer, replica string) {
	t.Helper()
	want, err := view(bin, writer)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		got, err := view(bin, replica)
		if err == nil && got == want {
			return
		}
		if time.Now().After(deadline) {
			if err != nil {
				t.Fatal(err)
			}
			w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
			for i := range min(len(w), len(g)) {
				if w[i] != g[i] {
					t.Fatalf("replica differs from the writer (%d vs %d lines); first difference:\nwriter  %s\nreplica %s", len(w), len(g), w[i], g[i])
				}
			}
			t.Fatalf("replica differs from the writer: %d vs %d lines", len(w), len(g))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// A replica follows a coordinator's ingest by workers: each document is
// searchable on it within lagBudget of its commit, and in the end it
// exports and counts what the coordinator does.
func TestReplicaFollowsCoordinatorIngest(t *testing.T) {
	bin := binary(t)
	natsURL := startNATS(t)
	src, paths := makeFolder(t, 16)
	coordinator := filepath.Join(t.TempDir(), "coordinator")
	replicaDir := filepath.Join(t.TempDir(), "replica")
	// The replica starts first: it waits for the stream.
	r := startReplica(t, bin, natsURL, replicaDir)
	startBackground(t, bin, "worker", "--nats", natsURL, "--workers", "1")
	done := make(chan struct{})
	go func() {
		defer close(done)
		run(t, bin, "ingest", "--quiet", "--data", coordinator, "--nats", natsURL, src)
	}()
	lags := watchLag(t, coordinator, r, paths)
	<-done
	logLags(t, lags)
	sameCorpus(t, bin, coordinator, replicaDir)
	// Users cannot write the replica while it follows.
	out, err := exec.Command(bin, "ingest", "--data", replicaDir, src).CombinedOutput()
	if err == nil {
		t.Fatalf("ingest into a running replica succeeded:\n%s", out)
	}
}

// A retag with changed rules reaches the replica: passages gain the new
// rules' norm there within lagBudget of the retag's end.
func TestReplicaShowsRetaggedTags(t *testing.T) {
	bin := binary(t)
	natsURL := startNATS(t)
	src, paths := makeFolder(t, 4)
	// A text no rule tags: the new rules' word alone will.
	const word = "xyloretagmark"
	write(t, filepath.Join(src, "minutes.txt"), "The committee adopted the "+word+" clause on Tuesday.\n")
	coordinator := filepath.Join(t.TempDir(), "coordinator")
	replicaDir := filepath.Join(t.TempDir(), "replica")
	startBackground(t, bin, "worker", "--nats", natsURL, "--workers", "1")
	r := startReplica(t, bin, natsURL, replicaDir)
	run(t, bin, "ingest", "--quiet", "--data", coordinator, "--nats", natsURL, src)
	watchLag(t, coordinator, r, paths)
	if n := hits(r.base, word, "k"); n != 0 {
		t.Fatalf("before the retag, %d passages with %s carry norm (k)", n, word)
	}
	// New rules: the marker word of one document is norm (k).
	dump := run(t, bin, "rules", "dump")
	at := strings.Index(dump, "\n  k:\n")
	if at < 0 {
		t.Fatal("no norm k in the rules dump")
	}
	at += len("\n  k:\n")
	rules := filepath.Join(t.TempDir(), "rules.yaml")
	write(t, rules, dump[:at]+"    - name: replica-test-word\n      lang: en\n      weight: 0.9\n      context: none\n      any: [\""+word+"\"]\n"+dump[at:])
	run(t, bin, "retag", "--data", coordinator, "--rules", rules, "--nats", natsURL)
	retagged := time.Now()
	want := 0
	for want == 0 && time.Since(retagged) < lagBudget {
		want = hits(r.base, word, "k")
		time.Sleep(20 * time.Millisecond)
	}
	if want == 0 {
		t.Fatalf("%s after the retag, no passage with %s carries norm (k) on the replica", lagBudget, word)
	}
	t.Logf("retag to new tags searchable on the replica: %s", time.Since(retagged).Round(time.Millisecond))
	sameCorpus(t, bin, coordinator, replicaDir)

	// A judgement recorded without --nats waits in the store until
	// publish sends it.
	ctx := context.Background()
	st, err := sqlite.OpenReadOnly(ctx, filepath.Join(coordinator, "corpus.db"))
	if err != nil {
		t.Fatal(err)
	}
	pi, ok, err := st.LookupPath(ctx, filepath.Join(src, "minutes.txt"))
	st.Close()
	if err != nil || !ok {
		t.Fatalf("minutes.txt not stored: %v", err)
	}
	run(t, bin, "review", "reject", "--data", coordinator, "--by", "ana", pi.DocID, "0", "k")
	if out := run(t, bin, "publish", "--data", coordinator, "--nats", natsURL); !strings.HasPrefix(out, "1 change(s) sent") {
		t.Fatalf("publish: %s", out)
	}
	for n := want; n != 0; n = hits(r.base, word, "k") {
		if time.Since(retagged) > 30*time.Second {
			t.Fatalf("the rejected tag is still on the replica (%d passages)", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	sameCorpus(t, bin, coordinator, replicaDir)
}

// changesInStream is the number of messages in the change stream.
func changesInStream(t *testing.T, natsURL string) int {
	t.Helper()
	nc, err := nats.Connect(natsURL)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	s, err := js.Stream(context.Background(), "normtag_changes")
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(info.State.Msgs)
}

// killedDocs is how many documents TestReplicaKilledMidStreamResumes
// ingests: enough that the stream is still being applied a few
// documents in, even when the whole corpus is published at once (a run
// shorter than the writer's look for replicas publishes at its end),
// since the replica applies it a batch of messages at a time.
const killedDocs = 300

// A replica killed (SIGKILL) while it applies a stream and started again
// resumes where its store says it stopped: in the end it holds what the
// coordinator holds, nothing twice, and its index agrees with its store.
func TestReplicaKilledMidStreamResumes(t *testing.T) {
	bin := binary(t)
	natsURL := startNATS(t)
	src, _ := makeFolder(t, killedDocs)
	coordinator := filepath.Join(t.TempDir(), "coordinator")
	replicaDir := filepath.Join(t.TempDir(), "replica")
	startBackground(t, bin, "worker", "--nats", natsURL, "--workers", "2")
	r := startReplica(t, bin, natsURL, replicaDir)
	done := make(chan struct{})
	go func() {
		defer close(done)
		run(t, bin, "ingest", "--quiet", "--data", coordinator, "--nats", natsURL, src)
	}()
	// Kill it once it has applied some of the stream.
	ctx := context.Background()
	deadline := time.Now().Add(60 * time.Second)
	applied := 0
	for {
		if time.Now().After(deadline) {
			t.Fatal("the replica applied nothing in 60 s")
		}
		if st, err := sqlite.OpenReadOnly(ctx, filepath.Join(replicaDir, "corpus.db")); err == nil {
			ids, _ := st.DocumentIDs(ctx)
			st.Close()
			if applied = len(ids); applied >= 3 {
				break
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	r.kill()
	if applied >= killedDocs {
		t.Fatalf("the replica had applied all %d documents before it was killed: nothing to resume", applied)
	}
	t.Logf("replica killed with %d of %d documents applied", applied, killedDocs)
	<-done
	r = startReplica(t, bin, natsURL, replicaDir)
	sameCorpus(t, bin, coordinator, replicaDir)
	// Stopped, its index is checked against its store.
	r.kill()
	run(t, bin, "check", "--data", replicaDir)
}

// A corpus no replica follows costs its writer no publishing: its
// changes wait in the store. A replica started on an empty data
// directory after the corpus was built (and a document deleted from it)
// has it once the writer publishes (`normtag publish`, or any writer run
// with --nats: the replica reads the stream, so it is sent), and holds
// the same corpus, without the deleted document.
func TestFreshReplicaCatchesUp(t *testing.T) {
	bin := binary(t)
	natsURL := startNATS(t)
	src, paths := makeFolder(t, 8)
	coordinator := filepath.Join(t.TempDir(), "coordinator")
	startBackground(t, bin, "worker", "--nats", natsURL, "--workers", "1")
	run(t, bin, "ingest", "--quiet", "--data", coordinator, "--nats", natsURL, src)
	if err := os.Remove(paths[2]); err != nil {
		t.Fatal(err)
	}
	run(t, bin, "ingest", "--quiet", "--prune", "--data", coordinator, "--nats", natsURL, src)
	if n := changesInStream(t, natsURL); n != 0 {
		t.Fatalf("with no replica, the writer published %d changes", n)
	}
	replicaDir := filepath.Join(t.TempDir(), "replica")
	r := startReplica(t, bin, natsURL, replicaDir)
	time.Sleep(time.Second)
	if n := hits(r.base, marker(3), ""); n > 0 {
		t.Fatalf("the replica found a document nobody published (%d)", n)
	}
	if out := run(t, bin, "publish", "--data", coordinator, "--nats", natsURL); !strings.HasPrefix(out, "8 change(s) sent") {
		// Seven documents and the failures table.
		t.Fatalf("publish: %s", out)
	}
	sameCorpus(t, bin, coordinator, replicaDir)
	if n := hits(r.base, marker(2), ""); n != 0 {
		t.Fatalf("the deleted document is found %d times on the replica", n)
	}
	if n := hits(r.base, marker(3), ""); n <= 0 {
		t.Fatalf("a replayed document is not found on the replica (%d)", n)
	}
	// Stopped, the replica still refuses to be written by users.
	r.kill()
	out, err := exec.Command(bin, "ingest", "--data", replicaDir, src).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "search replica") {
		t.Fatalf("ingest into a stopped replica: %v\n%s", err, out)
	}
}
