package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/normtag/normtag/corpus/sqlite"
	"github.com/normtag/normtag/index"
	"github.com/normtag/normtag/internal/export"
	"github.com/normtag/normtag/internal/testbin"
)

// reviewFile is the sample document the review tests judge passages of.
const reviewFile = "northern-forum-submission.txt"

// copySample copies one file of the sample corpus into a folder of its
// own, so that a test may remove it and put it back.
func copySample(t *testing.T, name string) (dir string) {
	t.Helper()
	dir = t.TempDir()
	b, err := os.ReadFile(filepath.Join(sampleCorpus, name))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errs := normtag(t, args...)
	if code != 0 {
		t.Fatalf("normtag %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

// hitAt finds passage seq of doc among a search's hits.
func hitAt(res index.Result, doc string, seq int) (index.Hit, bool) {
	for _, h := range res.Hits {
		if h.DocID == doc && h.Seq == seq {
			return h, true
		}
	}
	return index.Hit{}, false
}

// TestReviewJudgementsOverrideEverywhere judges two norms of the weakest
// passage of a sample document from the command line, and finds the
// judgements in search, facets, stats, export and coverage, after a
// retag --all, and after its file is removed, pruned and ingested again.
func TestReviewJudgementsOverrideEverywhere(t *testing.T) {
	src := copySample(t, reviewFile)
	data := filepath.Join(t.TempDir(), "data")
	mustRun(t, "ingest", "--data", data, "--quiet", src)

	var queue []sqlite.ReviewItem
	if err := json.Unmarshal([]byte(mustRun(t, "review", "list", "--data", data, "--format", "json", "--limit", "50")), &queue); err != nil {
		t.Fatal(err)
	}
	if len(queue) < 2 {
		t.Fatalf("review queue of the sample document has %d passages", len(queue))
	}
	for i := 1; i < len(queue); i++ {
		if queue[i].Score < queue[i-1].Score {
			t.Fatalf("queue not weakest first: %v then %v", queue[i-1].Score, queue[i].Score)
		}
	}
	item := queue[0]
	rejected := item.Tags[0].Norm
	added := ""
	for _, l := range []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"} {
		if !carries(item, l) {
			added = l
			break
		}
	}
	stats := statsJSON(t, data)
	before := map[string]int{added: coverageOf(t, data, item.DocID, added), rejected: coverageOf(t, data, item.DocID, rejected)}
	doc := item.DocID[:12]
	seq := strconv.Itoa(item.Seq)
	out := mustRun(t, "review", "reject", "--data", data, "--by", "ana", "--note", "not about this norm", doc, seq, rejected)
	if !strings.Contains(out, "overriding rule") {
		t.Errorf("a rejection of a rule's tag must name the rule: %q", out)
	}
	mustRun(t, "review", "add", "--data", data, "--by", "ana", doc, seq, added)

	check := func(when string) {
		t.Helper()
		if h, ok := hitAt(searchJSON(t, "--data", data, "--norm", rejected, "--limit", "1000"), item.DocID, item.Seq); ok {
			t.Errorf("%s: search --norm %s still finds the passage: %+v", when, rejected, h.Norms)
		}
		h, ok := hitAt(searchJSON(t, "--data", data, "--norm", added, "--limit", "1000"), item.DocID, item.Seq)
		if !ok || !slices.Contains(h.DirectNorms, added) {
			t.Errorf("%s: search --norm %s does not find the passage as a direct (%s): %+v", when, added, added, h)
		}
		st := statsJSON(t, data)
		for norm, delta := range map[string]float64{rejected: -1, added: +1} {
			b := stats["norms"].(map[string]any)[norm].(float64)
			a := st["norms"].(map[string]any)[norm].(float64)
			if a != b+delta {
				t.Errorf("%s: stats of (%s): %v before, %v now, want %+v", when, norm, b, a, delta)
			}
		}
		rows := mustRun(t, "export", "--data", data, "--format", "jsonl", "--norm", added)
		found := false
		for _, line := range strings.Split(strings.TrimSpace(rows), "\n") {
			var r export.Row
			if json.Unmarshal([]byte(line), &r) == nil && r.DocID == item.DocID && r.Passage == item.Seq {
				found = slices.Contains(r.DirectNorms, added) && !slices.Contains(r.DirectNorms, rejected) && strings.Contains(r.Evidence, "judgement: added by ana")
				if !found {
					t.Errorf("%s: export row: %+v", when, r)
				}
			}
		}
		if !found {
			t.Errorf("%s: export --norm %s misses the passage", when, added)
		}
		if got, want := coverageOf(t, data, item.DocID, added), before[added]+1; got != want {
			t.Errorf("%s: coverage of (%s) in the document: %d, want %d", when, added, got, want)
		}
		if got, want := coverageOf(t, data, item.DocID, rejected), before[rejected]-1; got != want {
			t.Errorf("%s: coverage of (%s) in the document: %d, want %d", when, rejected, got, want)
		}
	}
	check("after judging")

	mustRun(t, "retag", "--data", data, "--all")
	check("after retag --all")

	// The file goes away (pruned: the document is deleted) and comes back.
	moved := filepath.Join(t.TempDir(), reviewFile)
	if err := os.Rename(filepath.Join(src, reviewFile), moved); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "ingest", "--data", data, "--quiet", "--prune", src)
	if res := searchJSON(t, "--data", data, "--norm", added, "--limit", "1000"); len(res.Hits) > 0 {
		if _, ok := hitAt(res, item.DocID, item.Seq); ok {
			t.Fatal("the pruned document is still searchable")
		}
	}
	if err := os.Rename(moved, filepath.Join(src, reviewFile)); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "ingest", "--data", data, "--quiet", src)
	check("after the file was removed and ingested again")

	var js []judgementEntry
	if err := json.Unmarshal([]byte(mustRun(t, "review", "list", "--data", data, "--disagreements", "--format", "json")), &js); err != nil {
		t.Fatal(err)
	}
	if len(js) != 2 {
		t.Fatalf("both judgements contradict the rules: %+v", js)
	}
	for _, j := range js {
		if j.Norm == rejected && (len(j.Overrides) == 0 || j.By != "ana" || j.Note != "not about this norm" || j.RulesVersion == "") {
			t.Errorf("the rejection: %+v", j)
		}
	}
	gold := mustRun(t, "review", "export", "--data", data, "-")
	var g sqlite.GoldPassage
	if err := json.Unmarshal([]byte(strings.TrimSpace(gold)), &g); err != nil {
		t.Fatalf("gold export %q: %v", gold, err)
	}
	if wd, _ := os.Getwd(); g.Doc != filepath.ToSlash(mustRel(t, wd, filepath.Join(src, reviewFile))) || !slices.Equal(g.Gold, []string{added}) || g.Text != item.Text || g.Kind != "body" && g.Kind != "header" {
		t.Errorf("gold line: %+v", g)
	}
	// Beside the documents, the gold file names them by file name, and
	// eval reads it in both modes.
	goldFile := filepath.Join(src, "judged.gold.jsonl")
	mustRun(t, "review", "export", "--data", data, goldFile)
	b, err := os.ReadFile(goldFile)
	if err != nil || !strings.Contains(string(b), `"doc":"`+reviewFile+`"`) {
		t.Fatalf("gold file: %s %v", b, err)
	}
	for _, mode := range []string{"isolated", "document"} {
		var res struct {
			Figures struct {
				Passages int `json:"passages"`
				Normed   int `json:"normed"`
			} `json:"figures"`
		}
		out := mustRun(t, "eval", "--gold", goldFile, "--mode", mode, "--format", "json")
		if err := json.Unmarshal([]byte(out), &res); err != nil || res.Figures.Passages != 1 || res.Figures.Normed != 1 {
			t.Errorf("eval --mode %s of the exported judgements: %v\n%s", mode, err, out)
		}
	}
	os.Remove(goldFile)

	// Withdrawing the rejection gives the rule's tag back.
	mustRun(t, "review", "withdraw", "--data", data, doc, seq, rejected)
	if _, ok := hitAt(searchJSON(t, "--data", data, "--norm", rejected, "--limit", "1000"), item.DocID, item.Seq); !ok {
		t.Error("after withdrawing the rejection, search does not find the rule's tag again")
	}
}

func mustRel(t *testing.T, base, target string) string {
	t.Helper()
	rel, err := filepath.Rel(base, target)
	if err != nil {
		t.Fatal(err)
	}
	return rel
}

// coverageOf reads the passages of doc carrying norm from the coverage
// report.
func coverageOf(t *testing.T, data, doc, norm string) int {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(mustRun(t, "report", "--data", data, "--kind", "coverage"), "\ufeff"))).ReadAll()
	if err != nil || len(recs) < 2 {
		t.Fatalf("coverage report: %v %v", recs, err)
	}
	col := slices.Index(recs[0], norm)
	for _, r := range recs[1:] {
		if r[0] == doc && col >= 0 {
			n, err := strconv.Atoi(r[col])
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatalf("coverage report has no row for %s or no column (%s): %v", doc, norm, recs[0])
	return 0
}

func carries(it sqlite.ReviewItem, norm string) bool {
	for _, t := range it.Tags {
		if t.Norm == norm {
			return true
		}
	}
	return false
}

func TestReviewUsageErrors(t *testing.T) {
	src := copySample(t, reviewFile)
	data := filepath.Join(t.TempDir(), "data")
	mustRun(t, "ingest", "--data", data, "--quiet", src)
	for _, args := range [][]string{
		{"review", "accept", "--data", data, "--by", "ana", "abc"},
		{"review", "accept", "--data", data, "--by", "ana", "abcdef", "x", "g"},
		{"review", "accept", "--data", data, "--by", "ana", "abcdef", "1", "z"},
		{"review", "list", "--data", data, "--norm", "q"},
		{"review", "list", "--data", data, "--limit", "0"},
	} {
		if code, _, errs := normtag(t, args...); code != 2 || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
			t.Errorf("%v: exit %d, want 2 with one line: %q", args, code, errs)
		}
	}
	if code, _, errs := normtag(t, "review", "accept", "--data", data, "--by", "ana", "ffffff", "1", "g"); code == 0 || !strings.Contains(errs, "no such document") {
		t.Errorf("unknown document: exit %d %q", code, errs)
	}
}

// serveReview runs normtag serve --review until the test ends and
// returns its base URL and its stderr.
func serveReview(t *testing.T, data string) (string, *testbin.Output) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb testbin.Output
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"normtag", "serve", "--review", "--addr", "127.0.0.1:0", "--data", data}, &out, &errb, testbin.Normtag(t))
	}()
	t.Cleanup(func() { cancel(); <-done })
	addr := regexp.MustCompile(`on (http://127\.0\.0\.1:\d+)/`)
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := addr.FindStringSubmatch(out.String()); m != nil {
			return m[1], &errb
		}
	}
	t.Fatalf("serve --review did not start: %s %s", out.String(), errb.String())
	return "", nil
}

func bearerJudge(t *testing.T, base, token, body string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/api/judgements", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestServeReviewToken: serve --review prints a new token once to
// stderr, or takes the one in NORMTAG_REVIEW_TOKEN and prints none; the
// token admits a judgement, which the command line then sees.
func TestServeReviewToken(t *testing.T) {
	src := copySample(t, reviewFile)
	data := filepath.Join(t.TempDir(), "data")
	mustRun(t, "ingest", "--data", data, "--quiet", src)
	var queue []sqlite.ReviewItem
	if err := json.Unmarshal([]byte(mustRun(t, "review", "list", "--data", data, "--format", "json")), &queue); err != nil || len(queue) == 0 {
		t.Fatalf("queue: %v %v", queue, err)
	}
	it := queue[0]
	body := fmt.Sprintf(`{"doc":%q,"passage":%d,"norm":%q,"verdict":"reject","by":"script"}`, it.DocID, it.Seq, it.Tags[0].Norm)

	t.Setenv("NORMTAG_REVIEW_TOKEN", "")
	base, stderr := serveReview(t, data)
	m := regexp.MustCompile(`review token[^:]*: (\S+)`).FindAllStringSubmatch(stderr.String(), -1)
	if len(m) != 1 || len(m[0][1]) < 32 {
		t.Fatalf("the generated token must be printed once to stderr: %q", stderr.String())
	}
	if code := bearerJudge(t, base, "not-the-token-0123456789", body); code != http.StatusUnauthorized {
		t.Errorf("a wrong token: %d", code)
	}
	if code := bearerJudge(t, base, m[0][1], body); code != http.StatusOK {
		t.Fatalf("the printed token: %d", code)
	}
	if out := mustRun(t, "review", "list", "--data", data, "--judged"); !strings.Contains(out, "reject ("+it.Tags[0].Norm+") by script") {
		t.Errorf("review list --judged after a judgement over HTTP: %q", out)
	}

	t.Setenv("NORMTAG_REVIEW_TOKEN", "an-operator-chosen-token-42")
	base, stderr = serveReview(t, data)
	if strings.Contains(stderr.String(), "review token") {
		t.Errorf("a token from the environment must not be printed: %q", stderr.String())
	}
	if code := bearerJudge(t, base, "an-operator-chosen-token-42", strings.Replace(body, "reject", "accept", 1)); code != http.StatusOK {
		t.Errorf("the environment's token: %d", code)
	}
	t.Setenv("NORMTAG_REVIEW_TOKEN", "short")
	if code, _, errs := normtag(t, "serve", "--review", "--addr", "127.0.0.1:0", "--data", data); code != 2 || !strings.Contains(errs, "NORMTAG_REVIEW_TOKEN") {
		t.Errorf("a too short token: exit %d %q", code, errs)
	}
}
