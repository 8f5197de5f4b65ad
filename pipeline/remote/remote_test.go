package remote_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"math/rand/v2"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/normtag/normtag/corpus/sqlite"
	"github.com/normtag/normtag/internal/natstest"
	"github.com/normtag/normtag/internal/pdfgen"
	"github.com/normtag/normtag/internal/scanpdf"
	"github.com/normtag/normtag/internal/testbin"
	"github.com/normtag/normtag/pipeline/extract/ocr"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testbin.Cleanup()
	os.Exit(code)
}

// binary is a normtag built with the test hooks, or a skip with -short.
func binary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("runs real normtag processes and a NATS server; skipped with -short")
	}
	return testbin.Normtag(t)
}

// startNATS runs a JetStream server on a free loopback port, storing in a
// temporary folder.
func startNATS(t *testing.T) string {
	t.Helper()
	s := natstest.Start(t)
	return s.ClientURL()
}

var themes = []string{
	"States should not conduct or support ICT activity that damages critical infrastructure.",
	"Our national CERT cooperates with other computer emergency response teams.",
	"Integrity of the supply chain of ICT products is essential for trust.",
	"We encourage responsible reporting of ICT vulnerabilities and share remedies.",
	"Human rights online, including the right to privacy, must be respected.",
	"Before attributing an ICT incident, all relevant information should be considered.",
	"The committee met on a Tuesday and discussed its budget and staffing.",
}

// makeFolder writes a dozen small submissions: texts, a PDF, a
// near-duplicate, an empty file and a
// file whose parser process dies (the isolate test hook).
func makeFolder(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	r := rand.New(rand.NewPCG(17, 3))
	text := func(i int) string {
		var b strings.Builder
		fmt.Fprintf(&b, "Submission %d of the Republic of Testland\n\n", i)
		for p := 0; p < 4+r.IntN(6); p++ {
			for s := 0; s < 2+r.IntN(3); s++ {
				b.WriteString(themes[r.IntN(len(themes))])
				fmt.Fprintf(&b, " Reference %d-%d. ", i, p)
			}
			b.WriteString("\n\n")
		}
		return b.String()
	}
	for i := range 8 {
		write(t, filepath.Join(dir, fmt.Sprintf("sub-%02d.txt", i)), text(i))
	}
	// No byte-identical copy: which of two copies names their document
	// depends on which finishes first, in a local run too.
	first, _ := os.ReadFile(filepath.Join(dir, "sub-00.txt"))
	write(t, filepath.Join(dir, "sub-00-edited.md"), string(first)+"\nOne more closing line.\n")
	write(t, filepath.Join(dir, "empty.txt"), "")
	write(t, filepath.Join(dir, "exit-parser.txt"), text(99))
	var pdf bytes.Buffer
	if err := pdfgen.Write(&pdf, [][]string{{"Submission of Pdfland", themes[0], themes[2]}, {themes[3], themes[4]}}); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "pdfland.pdf"), pdf.String())
	return dir
}

func write(t *testing.T, path, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// env is the test environment of every normtag process: the parser
// hooks on, so exit-*.txt kills its parser in a local and a remote run.
func env() []string {
	return append(os.Environ(), "NORMTAG_ISOLATE_TEST=1", "NORMTAG_REMOTE_TEST=1")
}

func run(t *testing.T, bin string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	// Exit code 1 means some files failed, which the folders here expect.
	if ee, ok := err.(*exec.ExitError); err != nil && !(ok && ee.ExitCode() == 1) {
		t.Fatalf("normtag %s: %v\n%s%s", strings.Join(args, " "), err, out.String(), errb.String())
	}
	return out.String()
}

// startWorker runs a worker process; it is killed at the end of the test.
func startWorker(t *testing.T, bin, url string, extra ...string) *exec.Cmd {
	t.Helper()
	cmd, _ := startLoggedWorker(t, bin, url, extra...)
	return cmd
}

// corpusView is what a user can observe of a data directory: every
// exported passage, the stats and the failures, without run times.
type corpusView struct {
	Export   []string
	Stats    map[string]any
	Failures []string
}

func view(t *testing.T, bin, data string) corpusView {
	t.Helper()
	var v corpusView
	for _, line := range strings.Split(strings.TrimSpace(run(t, bin, "export", "--data", data, "--format", "jsonl")), "\n") {
		v.Export = append(v.Export, line)
	}
	sort.Strings(v.Export)
	if err := json.Unmarshal([]byte(run(t, bin, "stats", "--data", data, "--format", "json")), &v.Stats); err != nil {
		t.Fatal(err)
	}
	var failures []map[string]any
	if err := json.Unmarshal([]byte(run(t, bin, "failures", "--data", data, "--format", "json")), &failures); err != nil {
		t.Fatal(err)
	}
	for _, f := range failures {
		v.Failures = append(v.Failures, fmt.Sprintf("%v %v %v %v", f["path"], f["doc_id"], f["reason"], f["detail"]))
	}
	sort.Strings(v.Failures)
	run(t, bin, "check", "--data", data)
	return v
}

func sameView(t *testing.T, want, got corpusView) {
	t.Helper()
	if len(want.Export) < 10 {
		t.Fatalf("the local run exported only %d passages", len(want.Export))
	}
	if w, g := strings.Join(want.Export, "\n"), strings.Join(got.Export, "\n"); w != g {
		t.Errorf("exports differ:\nlocal  %d passages\nremote %d passages\nfirst difference: %s", len(want.Export), len(got.Export), firstDiff(want.Export, got.Export))
	}
	wj, _ := json.Marshal(want.Stats)
	gj, _ := json.Marshal(got.Stats)
	if string(wj) != string(gj) {
		t.Errorf("stats differ:\nlocal  %s\nremote %s", wj, gj)
	}
	if w, g := strings.Join(want.Failures, "\n"), strings.Join(got.Failures, "\n"); w != g {
		t.Errorf("failures differ:\nlocal\n%s\nremote\n%s", w, g)
	}
}

func firstDiff(a, b []string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return fmt.Sprintf("\n%s\n%s", a[i], b[i])
		}
	}
	return "one is a prefix of the other"
}

// local ingests the folder without NATS, the reference.
func local(t *testing.T, bin, src string, extra ...string) corpusView {
	t.Helper()
	data := filepath.Join(t.TempDir(), "local")
	run(t, bin, append([]string{"ingest", "--quiet", "--data", data}, append(extra, src)...)...)
	return view(t, bin, data)
}

func TestCoordinatorWithTwoWorkersEqualsLocalIngest(t *testing.T) {
	bin := binary(t)
	src := makeFolder(t)
	// Too large to travel in its job: it goes through the files bucket.
	var big strings.Builder
	for i := 0; big.Len() < 300<<10; i++ {
		fmt.Fprintf(&big, "%s Paragraph %d.\n\n", themes[i%len(themes)], i)
	}
	write(t, filepath.Join(src, "large.txt"), big.String())
	want := local(t, bin, src)
	if len(want.Failures) != 2 || !strings.Contains(strings.Join(want.Failures, "\n"), " crashed ") {
		t.Fatalf("the folder should give an empty and a crashed failure locally, got %q", want.Failures)
	}

	url := startNATS(t)
	startWorker(t, bin, url)
	startWorker(t, bin, url)
	data := filepath.Join(t.TempDir(), "remote")
	// Bytes only: the workers see this machine's files, and would read
	// them in place otherwise (TestWorkersReadSharedFilesInPlace).
	out := run(t, bin, "ingest", "--data", data, "--nats", url, "--shared-fs=false", "--json", src)
	sameView(t, want, view(t, bin, data))
	if !strings.Contains(out, `"message_type":"summary"`) {
		t.Errorf("no summary in the coordinator's output:\n%s", out)
	}
	// The coordinator builds no tagger; its summary names the rules the
	// workers tagged with.
	if v := storedRulesVersions(t, data); len(v) != 1 || !strings.Contains(out, `"rules_version":"`+v[0]+`"`) {
		t.Errorf("the summary's rules version is not the documents' %v:\n%s", v, out)
	}

	// Again: nothing changed, nothing is sent to workers.
	again := run(t, bin, "ingest", "--data", data, "--nats", url, "--shared-fs=false", "--json", src)
	if !strings.Contains(again, `"added":0`) {
		t.Errorf("a second run added documents:\n%s", again)
	}
	sameView(t, want, view(t, bin, data))

	// The uploaded bytes are gone once committed; results stay (see
	// Coordinator.Cleanup).
	js := connect(t, url)
	files, err := js.ObjectStore(context.Background(), "normtag_files")
	if err != nil {
		t.Fatal(err)
	}
	if list, _ := files.List(context.Background()); len(list) != 0 {
		t.Errorf("%d uploaded files left after the run", len(list))
	}
	// large.txt went through it; the small files travelled in their jobs.
	if s, err := js.Stream(context.Background(), "OBJ_normtag_files"); err != nil {
		t.Error(err)
	} else if info, err := s.Info(context.Background()); err != nil || info.State.LastSeq == 0 {
		t.Errorf("nothing was ever uploaded to the files bucket (%v): large.txt should have been", err)
	}
}

// With --shared-fs, another prefix and a rules file of its own, the
// workers read the files in place and tag with the coordinator's rules.
func TestSharedFSAndRulesFileEqualLocalIngest(t *testing.T) {
	bin := binary(t)
	src := makeFolder(t)
	rules := filepath.Join(t.TempDir(), "rules.yaml")
	write(t, rules, run(t, bin, "rules", "dump")+"# edited: no longer the built-in rules\n")
	want := local(t, bin, src, "--rules", rules)
	url := startNATS(t)
	startWorker(t, bin, url, "--nats-prefix", "corpus2")
	data := filepath.Join(t.TempDir(), "remote")
	run(t, bin, "ingest", "--quiet", "--data", data, "--nats", url, "--nats-prefix", "corpus2", "--shared-fs", "--rules", rules, src)
	sameView(t, want, view(t, bin, data))

	builtin := builtinRulesVersion(t, filepath.Join(t.TempDir(), "builtin"), bin, src)
	got := storedRulesVersions(t, data)
	if len(got) != 1 || got[0] == builtin {
		t.Errorf("documents tagged with rules %v, want the rules file's one version (not the built-in %s)", got, builtin)
	}
}

// builtinRulesVersion ingests src with the built-in rules into data and
// returns their version.
func builtinRulesVersion(t *testing.T, data, bin, src string) string {
	t.Helper()
	run(t, bin, "ingest", "--quiet", "--data", data, src)
	v := storedRulesVersions(t, data)
	if len(v) != 1 {
		t.Fatalf("built-in rules: versions %v", v)
	}
	return v[0]
}

// storedRulesVersions lists the rules versions of a data directory's
// documents.
func storedRulesVersions(t *testing.T, data string) []string {
	t.Helper()
	st, err := sqlite.OpenReadOnly(context.Background(), filepath.Join(data, "corpus.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	docs, err := st.Documents(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var out []string
	for _, d := range docs {
		if !seen[d.RulesVersion] {
			seen[d.RulesVersion] = true
			out = append(out, d.RulesVersion)
		}
	}
	return out
}

func connect(t *testing.T, url string) jetstream.JetStream {
	t.Helper()
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

// waitFor polls cond every 50 ms for up to 30 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// running is the number of jobs a worker holds.
func running(js jetstream.JetStream) int {
	c, err := js.Consumer(context.Background(), "normtag_jobs", "normtag_workers")
	if err != nil {
		return 0
	}
	info, err := c.Info(context.Background())
	if err != nil {
		return 0
	}
	return info.NumAckPending
}

// results is the number of results stored.
func results(js jetstream.JetStream) int {
	s, err := js.Stream(context.Background(), "normtag_results")
	if err != nil {
		return 0
	}
	info, err := s.Info(context.Background())
	if err != nil {
		return 0
	}
	return int(info.State.Msgs)
}

func TestKillWorkerMidJob(t *testing.T) {
	bin := binary(t)
	src := makeFolder(t)
	// A parse that hangs until the time limit keeps the job in a worker's
	// hands long enough to kill the worker.
	write(t, filepath.Join(src, "hang-slow.txt"), "States should not knowingly allow their territory to be used for wrongful acts.\n")
	args := []string{"--timeout", "3s"}
	want := local(t, bin, src, args...)

	url := startNATS(t)
	js := connect(t, url)
	victim := startWorker(t, bin, url)
	data := filepath.Join(t.TempDir(), "remote")
	coord := exec.Command(bin, append(append([]string{"ingest", "--quiet", "--data", data, "--nats", url, "--nats-ack-wait", "2s"}, args...), src)...)
	coord.Env = env()
	var out bytes.Buffer
	coord.Stdout, coord.Stderr = &out, &out
	if err := coord.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the worker to hold a job", func() bool { return running(js) > 0 })
	if err := victim.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	startWorker(t, bin, url)
	startWorker(t, bin, url)
	if err := coord.Wait(); err != nil {
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
			t.Fatalf("coordinator: %v\n%s", err, out.String())
		}
	}
	sameView(t, want, view(t, bin, data))
}

func TestKillCoordinatorThenRunAgain(t *testing.T) {
	bin := binary(t)
	src := makeFolder(t)
	write(t, filepath.Join(src, "hang-slow.txt"), "States should not knowingly allow their territory to be used for wrongful acts.\n")
	args := []string{"--timeout", "2s"}
	want := local(t, bin, src, args...)

	url := startNATS(t)
	js := connect(t, url)
	startWorker(t, bin, url)
	data := filepath.Join(t.TempDir(), "remote")
	cmdline := append(append([]string{"ingest", "--quiet", "--data", data, "--nats", url}, args...), src)
	coord := exec.Command(bin, cmdline...)
	coord.Env = env()
	if err := coord.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "some results", func() bool { return results(js) >= 3 })
	coord.Process.Signal(syscall.SIGKILL)
	coord.Wait()
	if n := results(js); n >= 13 {
		t.Logf("the coordinator was killed late: %d results in", n)
	}
	startWorker(t, bin, url)
	// Again with bytes only: the jobs the killed run sent with paths
	// and left unanswered go again as bytes, under other ids; those
	// answered are taken as they are.
	run(t, bin, append(cmdline[:len(cmdline)-1:len(cmdline)-1], "--shared-fs=false", src)...)
	sameView(t, want, view(t, bin, data))
}

func TestFileThatKillsEveryWorkerEndsCrashed(t *testing.T) {
	bin := binary(t)
	src := t.TempDir()
	write(t, filepath.Join(src, "ok.txt"), themes[0]+"\n\n"+themes[1]+"\n")
	write(t, filepath.Join(src, "killworker.txt"), themes[2]+"\n")
	url := startNATS(t)
	// Workers die on the file; a supervisor restarts them, as systemd
	// would.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int)
	go func() {
		restarts := 0
		for ctx.Err() == nil {
			cmd := exec.CommandContext(ctx, bin, "worker", "--nats", url, "--workers", "1")
			cmd.Env = env()
			cmd.Run()
			restarts++
		}
		done <- restarts
	}()
	data := filepath.Join(t.TempDir(), "remote")
	out := run(t, bin, "ingest", "--data", data, "--nats", url, "--nats-ack-wait", "1s", "--nats-max-deliveries", "3", "--json", src)
	cancel()
	restarts := <-done
	var failures []map[string]any
	if err := json.Unmarshal([]byte(run(t, bin, "failures", "--data", data, "--format", "json")), &failures); err != nil {
		t.Fatal(err)
	}
	if len(failures) != 1 || failures[0]["reason"] != "crashed" || !strings.HasSuffix(fmt.Sprint(failures[0]["path"]), "killworker.txt") {
		t.Fatalf("want killworker.txt failed as crashed, got %v\n%s", failures, out)
	}
	if !strings.Contains(fmt.Sprint(failures[0]["detail"]), "2 worker processes ended") {
		t.Errorf("detail should say how many workers died: %v", failures[0]["detail"])
	}
	if !strings.Contains(out, `"added":1`) {
		t.Errorf("ok.txt should be added:\n%s", out)
	}
	if restarts < 2 {
		t.Errorf("workers restarted %d times, want at least 2 (killed by the file)", restarts)
	}
}

// startCluster runs three JetStream servers clustered on loopback and
// returns them and their client URLs, comma-separated, once JetStream
// has a meta leader.
func startCluster(t *testing.T) ([]*server.Server, string) {
	t.Helper()
	var ports []int
	for range 3 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
		l.Close()
	}
	var routes []*url.URL
	for _, p := range ports {
		routes = append(routes, &url.URL{Scheme: "nats-route", Host: fmt.Sprintf("127.0.0.1:%d", p)})
	}
	var servers []*server.Server
	var urls []string
	for i, p := range ports {
		s, err := server.NewServer(&server.Options{
			ServerName: fmt.Sprintf("n%d", i+1), Host: "127.0.0.1", Port: -1,
			JetStream: true, StoreDir: t.TempDir(), NoLog: true, NoSigs: true,
			Cluster: server.ClusterOpts{Name: "normtag-test", Host: "127.0.0.1", Port: p},
			Routes:  routes,
		})
		if err != nil {
			t.Fatal(err)
		}
		go s.Start()
		t.Cleanup(s.Shutdown)
		servers = append(servers, s)
	}
	for _, s := range servers {
		if !s.ReadyForConnections(20 * time.Second) {
			t.Fatal("NATS server not ready")
		}
		urls = append(urls, s.ClientURL())
	}
	js := connect(t, strings.Join(urls, ","))
	waitFor(t, "a JetStream meta leader", func() bool {
		_, err := js.AccountInfo(context.Background())
		return err == nil
	})
	return servers, strings.Join(urls, ",")
}

// stopStreamLeader checks that a stream of startCluster's servers has
// three replicas, shuts down the server leading it and returns its name.
func stopStreamLeader(t *testing.T, js jetstream.JetStream, servers []*server.Server, name string) string {
	t.Helper()
	stream, err := js.Stream(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	info, err := stream.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if info.Config.Replicas != 3 || info.Cluster == nil {
		t.Fatalf("stream %s has %d replicas (cluster %+v), want 3", name, info.Config.Replicas, info.Cluster)
	}
	for _, s := range servers {
		if s.Name() == info.Cluster.Leader {
			s.Shutdown()
			return s.Name()
		}
	}
	t.Fatalf("no server is stream %s's leader %q", name, info.Cluster.Leader)
	return ""
}

// TestClusterNodeStoppedMidRun ingests through a three-node JetStream
// cluster with every stream and bucket kept on all three, and stops the
// node leading the job stream in the middle of the run: workers and the
// coordinator carry on through the other two, and the corpus equals a
// local ingest's.
func TestClusterNodeStoppedMidRun(t *testing.T) {
	bin := binary(t)
	src := makeFolder(t)
	write(t, filepath.Join(src, "hang-slow.txt"), "States should not knowingly allow their territory to be used for wrongful acts.\n")
	args := []string{"--timeout", "3s"}
	want := local(t, bin, src, args...)

	servers, urls := startCluster(t)
	js := connect(t, urls)
	startWorker(t, bin, urls)
	startWorker(t, bin, urls)
	data := filepath.Join(t.TempDir(), "remote")
	coord := exec.Command(bin, append(append([]string{"ingest", "--quiet", "--data", data, "--nats", urls, "--nats-replicas", "3", "--nats-ack-wait", "3s"}, args...), src)...)
	coord.Env = env()
	var out bytes.Buffer
	coord.Stdout, coord.Stderr = &out, &out
	if err := coord.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "some results", func() bool { return results(js) >= 2 })
	stopped := stopStreamLeader(t, js, servers, "normtag_jobs")
	t.Logf("stopped %s, the job stream's leader, with %d results in", stopped, results(js))
	if err := coord.Wait(); err != nil {
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
			t.Fatalf("coordinator: %v\n%s", err, out.String())
		}
	}
	sameView(t, want, view(t, bin, data))
}

// TestWorkersReadScans: a scanned note verbale among text files is read
// by OCR on the workers, with the coordinator's OCR settings, and the
// corpus equals a local ingest's (OCR flags and confidences included).
func TestWorkersReadScans(t *testing.T) {
	bin := binary(t)
	if cfg, err := ocr.Find(context.Background(), ocr.Auto, "eng"); err != nil || !cfg.Ready() {
		t.Skipf("skipping: OCR tools absent (%v); %s", err, ocr.InstallHint)
	}
	src := makeFolder(t)
	img, err := scanpdf.ReadPNG(filepath.Join("..", "..", "internal", "scanpdf", "testdata", "en-300.png"))
	if err != nil {
		t.Fatal(err)
	}
	if err := scanpdf.WriteFile(filepath.Join(src, "scan.pdf"), []*image.Gray{img}, 300); err != nil {
		t.Fatal(err)
	}
	args := []string{"--ocr-lang", "eng"}
	want := local(t, bin, src, args...)
	if fmt.Sprint(want.Stats["ocr_pages"]) != "1" {
		t.Fatalf("the local run read %v pages by OCR, want 1", want.Stats["ocr_pages"])
	}
	url := startNATS(t)
	startWorker(t, bin, url)
	startWorker(t, bin, url)
	data := filepath.Join(t.TempDir(), "remote")
	run(t, bin, append(append([]string{"ingest", "--quiet", "--data", data, "--nats", url}, args...), src)...)
	sameView(t, want, view(t, bin, data))
}

// startLoggedWorker starts a worker whose log the test may read.
func startLoggedWorker(t *testing.T, bin, url string, extra ...string) (*exec.Cmd, *testbin.Output) {
	t.Helper()
	return testbin.Start(t, bin, env(), append([]string{"--log-level", "debug", "worker", "--nats", url, "--workers", "1"}, extra...)...)
}

// jobsBy counts the jobs a worker's log says it did with their bytes
// from where ("path", "job" or "files bucket").
func jobsBy(log, where string) int {
	return strings.Count(log, "bytes=\""+where+"\"") + strings.Count(log, "bytes="+where+"\n")
}

// Workers on the coordinator's machine read its files in place: nothing
// is uploaded (small files still travel in their jobs), and the corpus
// equals a local ingest's. A worker that cannot read a file there gets its bytes, and
// one started with --bytes-only makes the coordinator send bytes to all.
func TestWorkersReadSharedFilesInPlace(t *testing.T) {
	bin := binary(t)
	src := makeFolder(t)
	var big strings.Builder
	for i := 0; big.Len() < 300<<10; i++ {
		fmt.Fprintf(&big, "%s Paragraph %d.\n\n", themes[(i+1)%len(themes)], i)
	}
	write(t, filepath.Join(src, "large.txt"), big.String())
	want := local(t, bin, src)
	url := startNATS(t)
	js := connect(t, url)
	uploads := func(prefix string) uint64 {
		s, err := js.Stream(context.Background(), "OBJ_"+prefix+"_files")
		if err != nil {
			t.Fatal(err)
		}
		info, err := s.Info(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return info.State.LastSeq
	}
	ingest := func(prefix string, dir string) string {
		data := filepath.Join(t.TempDir(), prefix)
		cmd := exec.Command(bin, "--log-level", "info", "ingest", "--quiet", "--data", data, "--nats", url, "--nats-prefix", prefix, dir)
		cmd.Env = env()
		out, err := cmd.CombinedOutput()
		if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() != 1) {
			t.Fatalf("ingest: %v\n%s", err, out)
		}
		sameView(t, want, view(t, bin, data))
		if probes, _ := filepath.Glob(filepath.Join(data, ".nats-probe-*")); len(probes) != 0 {
			t.Errorf("probe files left in the data directory: %v", probes)
		}
		return string(out)
	}

	// waitingWorker starts a worker of the corpus prefix and returns its
	// log once it waits for a queue, as workers do when a run starts:
	// then it hears the coordinator's first word and answers its probe
	// before the first job. A worker started with the run may be heard
	// only after the first large files went out, as bytes, on a loaded
	// machine.
	waitingWorker := func(t *testing.T, prefix string, extra ...string) *testbin.Output {
		t.Helper()
		_, logs := startLoggedWorker(t, bin, url, append([]string{"--nats-prefix", prefix}, extra...)...)
		waitFor(t, "the worker to wait for a queue", func() bool { return strings.Contains(logs.String(), "waiting for a coordinator") })
		return logs
	}

	t.Run("in place", func(t *testing.T) {
		a, b := waitingWorker(t, "shared"), waitingWorker(t, "shared")
		ingest("shared", src)
		if n := uploads("shared"); n != 0 {
			t.Errorf("%d messages uploaded to the files bucket; the workers see the files", n)
		}
		// large.txt by its path, the small files in their jobs.
		logs := a.String() + b.String()
		if jobsBy(logs, "files bucket") != 0 || jobsBy(logs, "path") != 1 || jobsBy(logs, "job") < 10 {
			t.Errorf("jobs by path %d, in the job %d, from the bucket %d: want large.txt by path and the rest in their jobs",
				jobsBy(logs, "path"), jobsBy(logs, "job"), jobsBy(logs, "files bucket"))
		}
	})

	t.Run("a file the worker cannot see", func(t *testing.T) {
		// The same folder with one file the workers are made not to
		// see in place (see inPlaceTestHook), large enough to be
		// uploaded.
		other := t.TempDir()
		entries, _ := os.ReadDir(src)
		for _, e := range entries {
			data, _ := os.ReadFile(filepath.Join(src, e.Name()))
			name := e.Name()
			if name == "large.txt" {
				name = "elsewhere-large.txt"
			}
			write(t, filepath.Join(other, name), string(data))
		}
		// The reference: the same renamed folder, locally.
		want = local(t, bin, other)
		a, b := waitingWorker(t, "partly"), waitingWorker(t, "partly")
		out := ingest("partly", other)
		if !strings.Contains(out, "cannot read the files in place") {
			t.Errorf("the coordinator did not say it sends bytes:\n%s", out)
		}
		if n := uploads("partly"); n == 0 {
			t.Error("elsewhere-large.txt was not uploaded after a worker could not read it")
		}
		if logs := a.String() + b.String(); !strings.Contains(logs, "need-bytes") {
			t.Error("no worker answered that it needs a file's bytes")
		}
	})

	t.Run("a worker that reads no path", func(t *testing.T) {
		want = local(t, bin, src)
		a, b := waitingWorker(t, "mixed"), waitingWorker(t, "mixed", "--bytes-only")
		ingest("mixed", src)
		if n := uploads("mixed"); n == 0 {
			t.Error("large.txt was not uploaded though one worker takes only bytes")
		}
		if logs := a.String() + b.String(); jobsBy(logs, "path") != 0 {
			t.Errorf("%d jobs went by path though one worker takes only bytes", jobsBy(logs, "path"))
		}
	})
}
