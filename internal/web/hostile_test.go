package web

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/internal/hostile"
	"github.com/normtag/normtag/pipeline"
	"github.com/normtag/normtag/pipeline/tag"
)

// serveEnv names the data directory a re-executed test binary serves
// (see TestMain): the hostile test measures the server's memory in a
// process of its own.
const serveEnv = "NORMTAG_WEB_TEST_SERVE"

func TestMain(m *testing.M) {
	if dir := os.Getenv(serveEnv); dir != "" {
		if err := serveUntilStdinCloses(dir); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// serveUntilStdinCloses serves dir on a loopback port, printing the
// address, until standard input ends (the parent test closed it or died).
func serveUntilStdinCloses(dir string) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d, err := datadir.Open(ctx, dir, datadir.Options{})
	if err != nil {
		return err
	}
	defer d.Close()
	s, err := New(d, nil)
	if err != nil {
		return err
	}
	go func() {
		io.Copy(io.Discard, os.Stdin)
		cancel()
	}()
	return s.Run(ctx, "127.0.0.1:0", func(addr string) { fmt.Println(addr) })
}

// Limits of the hostile test: the server's peak resident memory, and the
// longest a light search may take while the storm runs.
const (
	maxServerRSS   = 500 << 20
	maxLightAnswer = time.Second
)

// TestHostileCorpusAndClients serves a corpus with megabyte titles and
// authors (HTML and Markdown, with escape sequences) to 20 clients asking
// at once for the most expensive things there are (pattern queries,
// the largest pages, exports, facets over everything, every document),
// while one more client keeps asking a plain search. Every response stays
// under its documented cap, no title comes back longer than FieldRunes,
// the plain search always answers within a second, and the server (its
// own process) never holds more than 500 MiB.
func TestHostileCorpusAndClients(t *testing.T) {
	if testing.Short() {
		t.Skip("ingests megabyte fields and runs a request storm")
	}
	ctx := context.Background()
	src := t.TempDir()
	if _, err := hostile.Write(src, 40, 6, 7); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "data")
	w, err := datadir.Open(ctx, dir, datadir.Options{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	tg, err := tag.Default()
	if err != nil {
		t.Fatal(err)
	}
	// HTML and Markdown written above: nothing for a PDF parser to crash on.
	sum, err := pipeline.Ingest(ctx, w, []string{src}, pipeline.IngestOptions{Tagger: tg, Extractor: pipeline.UnsafeInProcess{}})
	w.Close()
	if err != nil || sum.Added != 46 {
		t.Fatalf("ingest: %v, %+v", err, sum)
	}

	base, pid := startServerProcess(t, dir)

	var docs struct {
		Documents []docSummary `json:"documents"`
	}
	if code := getJSON(t, base+"/api/documents", &docs); code != 200 || len(docs.Documents) != 46 {
		t.Fatalf("documents: status %d, %d documents", code, len(docs.Documents))
	}
	var bigID string
	for _, d := range docs.Documents {
		if strings.HasPrefix(d.Title, "Title") {
			bigID = d.ID
		}
	}
	if bigID == "" {
		t.Fatal("no document with a megabyte title")
	}

	expensive := []string{
		"/api/search?q=*a*&limit=100",
		"/api/search?limit=100",
		"/api/search?q=sta*&limit=100&sort=date",
		"/api/search?q=/sta.*/&limit=100",
		"/api/search?q=title:title&limit=100&sort=document",
		"/api/search?q=states~2&limit=100",
		"/api/search?limit=100&offset=10000",
		"/api/export?format=jsonl",
		"/api/export?format=csv&q=sta*",
		"/api/documents",
		"/api/coverage",
		"/api/compare?format=csv",
		"/compare?view=counts",
		"/timeline",
		"/coverage",
		"/api/documents/" + bigID,
		"/documents/" + bigID,
		"/?limit=100&q=sta*",
	}
	stop := make(chan struct{})
	var light struct {
		sync.Mutex
		max   time.Duration
		count int
		fails []string
	}
	var pollWG sync.WaitGroup
	pollWG.Add(1)
	go func() { // the plain search, asked again and again during the storm
		defer pollWG.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
			start := time.Now()
			status, _, err := fetch(base + "/api/search?q=critical+infrastructure&limit=5")
			took := time.Since(start)
			light.Lock()
			light.count++
			light.max = max(light.max, took)
			if err != nil || status != 200 {
				light.fails = append(light.fails, fmt.Sprintf("status %d, %v", status, err))
			}
			light.Unlock()
		}
	}()

	type outcome struct {
		path   string
		status int
		size   int64
		err    error
	}
	results := make(chan outcome, 20*3*10)
	var storm sync.WaitGroup
	stormStart := time.Now()
	for c := range 20 {
		storm.Add(1)
		go func() {
			defer storm.Done()
			for i := range 3 {
				p := expensive[(c*3+i)%len(expensive)]
				// a refused request is asked again (up to 10 times) so
				// that every kind of work really runs under load
				for try := 0; ; try++ {
					status, size, err := fetch(base + p)
					results <- outcome{p, status, size, err}
					if status != http.StatusServiceUnavailable || try == 9 {
						break
					}
					time.Sleep(300 * time.Millisecond)
				}
			}
		}()
	}
	storm.Wait()
	stormTook := time.Since(stormStart)
	close(stop)
	pollWG.Wait()
	close(results)

	statuses := map[int]int{}
	biggest := map[string]int64{}
	for r := range results {
		statuses[r.status]++
		biggest[r.path] = max(biggest[r.path], r.size)
		limit := int64(MaxResponseBytes)
		if strings.HasPrefix(r.path, "/api/export") {
			limit = MaxExportBytes
		}
		switch {
		case r.err != nil:
			t.Errorf("%s: %v", r.path, r.err)
		case r.size > limit:
			t.Errorf("%s: %d bytes, over the %d cap", r.path, r.size, limit)
		case r.status != 200 && r.status != 400 && r.status != 503:
			t.Errorf("%s: status %d", r.path, r.status)
		}
	}
	t.Logf("storm of 60 expensive requests from 20 clients (503s retried): %s, statuses %v", stormTook.Round(time.Millisecond), statuses)
	for p, n := range biggest {
		t.Logf("  largest response %9d bytes: %s", n, p)
	}
	t.Logf("plain search during the storm: %d asked, slowest %s", light.count, light.max.Round(time.Millisecond))
	if light.count == 0 || light.max > maxLightAnswer || len(light.fails) > 0 {
		t.Errorf("plain search: %d asked, slowest %s (want under %s), failures %v", light.count, light.max, maxLightAnswer, light.fails)
	}
	if statuses[200] == 0 || statuses[400] == 0 {
		t.Errorf("want some answers and some refused patterns, got %v", statuses)
	}

	// Titles and authors come back bounded, wherever they appear.
	var res searchResponse
	if code := getJSON(t, base+"/api/search?q=title:title&limit=100", &res); code != 200 || len(res.Hits) == 0 {
		t.Fatalf("search of the big titles: status %d, %d hits", code, len(res.Hits))
	}
	for _, h := range res.Hits {
		if utf8.RuneCountInString(h.Title) > FieldRunes || utf8.RuneCountInString(h.Submitter) > FieldRunes {
			t.Errorf("hit %s: title %d runes, submitter %d", h.ID, utf8.RuneCountInString(h.Title), utf8.RuneCountInString(h.Submitter))
		}
	}

	hwm, err := peakRSS(pid)
	if err != nil {
		t.Skipf("peak memory not measured: %v", err)
	}
	t.Logf("server peak RSS (VmHWM): %d MiB", hwm>>20)
	if hwm > maxServerRSS {
		t.Errorf("server peak RSS %d MiB, over %d MiB", hwm>>20, maxServerRSS>>20)
	}
}

// startServerProcess re-executes the test binary as a server of dir and
// returns its base URL and process id; the server ends with the test.
func startServerProcess(t *testing.T, dir string) (string, int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), serveEnv+"="+dir)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("server process: %v", err)
	}
	go io.Copy(io.Discard, stdout)
	return "http://" + strings.TrimSpace(line), cmd.Process.Pid
}

// fetch reads a whole response, returning its status and body size.
func fetch(u string) (int, int64, error) {
	client := &http.Client{Timeout: 60 * time.Second}
	resp, err := client.Get(u)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, n, err
}

// peakRSS reads a process's peak resident set size from /proc.
func peakRSS(pid int) (int64, error) {
	data, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("VmHWM %q: %w", rest, err)
			}
			return kb << 10, nil
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/%d/status", pid)
}
