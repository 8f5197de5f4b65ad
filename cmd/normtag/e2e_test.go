package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/index"
	"github.com/normtag/normtag/internal/norms"
	"github.com/normtag/normtag/internal/rulecache"
	"github.com/normtag/normtag/internal/testbin"
)

func TestMain(m *testing.M) {
	// A rules cache of the tests' own, for every command run in process
	// or as a child: none reads what an earlier run left in the user's.
	cache, err := os.MkdirTemp("", "normtag-rules-cache-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "rules cache folder:", err)
		os.Exit(2)
	}
	os.Setenv(rulecache.EnvDir, cache)
	code := m.Run()
	testbin.Cleanup()
	os.RemoveAll(cache)
	os.Exit(code)
}

// normtag runs the CLI in-process and returns exit code, stdout, stderr.
// Untrusted files are still parsed in child processes, by a normtag
// binary built for the tests.
func normtag(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), append([]string{"normtag"}, args...), &out, &errb, testbin.Normtag(t))
	return code, out.String(), errb.String()
}

// sampleCorpus is the repository's sample corpus.
const sampleCorpus = "../../examples/corpus"

func ingestSample(t *testing.T) string {
	t.Helper()
	data := filepath.Join(t.TempDir(), "data")
	code, out, errs := normtag(t, "ingest", "--data", data, "--quiet", sampleCorpus)
	if code != 0 {
		t.Fatalf("ingest exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	return data
}

func searchJSON(t *testing.T, args ...string) index.Result {
	t.Helper()
	code, out, errs := normtag(t, append([]string{"search", "--format", "json"}, args...)...)
	if code != 0 {
		t.Fatalf("search %v: exit %d: %s", args, code, errs)
	}
	var res index.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("search output is not JSON: %v\n%s", err, out)
	}
	return res
}

func statsJSON(t *testing.T, data string) map[string]any {
	t.Helper()
	code, out, errs := normtag(t, "stats", "--data", data, "--format", "json")
	if code != 0 {
		t.Fatalf("stats exit %d: %s", code, errs)
	}
	var st map[string]any
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatal(err)
	}
	return st
}

func TestSampleCorpusEndToEnd(t *testing.T) {
	data := ingestSample(t)
	st := statsJSON(t, data)
	if st["documents"].(float64) < 4 {
		t.Fatalf("want at least 4 documents stored, stats %v", st)
	}
	for _, key := range []string{"documents", "failed", "pages", "passages", "norms"} {
		if _, ok := st[key]; !ok {
			t.Errorf("stats json lacks %q", key)
		}
	}
	// Every norm is found, and every hit is a real tagged passage at the
	// page it claims.
	for _, n := range norms.All {
		res := searchJSON(t, "--data", data, "--norm", n.Letter, "--limit", "50")
		if res.Total == 0 {
			t.Errorf("norm (%s): no passage found in the sample corpus", n.Letter)
			continue
		}
		for _, h := range res.Hits {
			// A PDF's or DOCX's passages are on pages; text and HTML have none.
			paged := strings.HasSuffix(h.File, ".pdf") || strings.HasSuffix(h.File, ".docx")
			if !contains(h.Norms, n.Letter) || paged != (h.Page >= 1) || h.PageEnd != 0 && h.PageEnd <= h.Page || h.DocID == "" || h.File == "" {
				t.Errorf("norm (%s): bad hit %+v", n.Letter, h)
			}
		}
		for doc, page := range expectedCitations[n.Letter] {
			if !hasCitation(res.Hits, doc, page) {
				t.Errorf("norm (%s): expected a passage in %s on page %d; got %v", n.Letter, doc, page, citations(res.Hits))
			}
		}
	}
	// Word search with a norm filter, highlighted.
	res := searchJSON(t, "--data", data, "--norm", "g", "critical", "infrastructure")
	if res.Total == 0 || len(res.Hits[0].Highlights) == 0 {
		t.Fatalf("critical infrastructure under norm g: %+v", res)
	}
	// Text output cites document and page.
	_, out, _ := normtag(t, "search", "--data", data, "--norm", "g", "critical infrastructure")
	if !strings.Contains(out, "p. ") || !strings.Contains(out, "«") {
		t.Errorf("text output lacks citation or highlight:\n%s", out)
	}

	// Re-ingest adds nothing.
	code, out, errs := normtag(t, "ingest", "--data", data, "--format", "json", sampleCorpus)
	if code != 0 {
		t.Fatalf("re-ingest exit %d: %s", code, errs)
	}
	var sum struct{ Added, Unchanged int }
	if err := json.Unmarshal([]byte(lastLine(out)), &sum); err != nil || sum.Added != 0 || sum.Unchanged < 4 {
		t.Fatalf("re-ingest summary %q (%v)", lastLine(out), err)
	}
	if st2 := statsJSON(t, data); !reflect.DeepEqual(st, st2) {
		t.Fatalf("stats changed after re-ingest:\n%v\n%v", st, st2)
	}

	// Reindex gives identical search results.
	queries := [][]string{{"--norm", "f,g"}, {"critical infrastructure"}, {"--norm", "j", "vulnerability"}, {"supply chain"}}
	before := map[int]index.Result{}
	for i, q := range queries {
		before[i] = searchJSON(t, append([]string{"--data", data, "--limit", "100"}, q...)...)
	}
	if code, _, errs := normtag(t, "reindex", "--data", data); code != 0 {
		t.Fatalf("reindex exit %d: %s", code, errs)
	}
	for i, q := range queries {
		after := searchJSON(t, append([]string{"--data", data, "--limit", "100"}, q...)...)
		if !sameHits(before[i], after) {
			t.Errorf("query %v differs after reindex:\nbefore %v\nafter  %v", q, citations(before[i].Hits), citations(after.Hits))
		}
	}
	if code, out, _ := normtag(t, "check", "--data", data); code != 0 {
		t.Errorf("check after reindex: exit %d\n%s", code, out)
	}
}

func TestBadInputsAreReportedAndGoodFilesStored(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.txt")
	write(t, good, "Norm 7 (paragraph 13 (g)): our agency protects critical infrastructure such as the electricity grid.\n\nWe also share information on supply chain risks.")
	corrupt := filepath.Join(dir, "corrupt.pdf")
	write(t, corrupt, "%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nthis is not a pdf at all\n%%EOF")
	empty := filepath.Join(dir, "empty.txt")
	write(t, empty, "")
	binary := filepath.Join(dir, "image.bin")
	write(t, binary, string([]byte{0x89, 'P', 'N', 'G', 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 1, 2, 3, 0, 0, 0xff, 0xfe, 0}))
	missing := filepath.Join(dir, "does-not-exist.pdf")
	data := filepath.Join(t.TempDir(), "data")

	code, out, errs := normtag(t, "ingest", "--data", data, dir, missing)
	if code != 1 {
		t.Fatalf("want exit 1, got %d\n%s\n%s", code, out, errs)
	}
	for path, reason := range map[string]corpus.Reason{corrupt: "", empty: corpus.ReasonEmpty, binary: corpus.ReasonUnsupported, missing: corpus.ReasonUnreadable} {
		line := lineWith(errs, path)
		if line == "" {
			t.Errorf("stderr does not name %s:\n%s", path, errs)
			continue
		}
		if reason != "" && !strings.Contains(line, string(reason)) {
			t.Errorf("%s: want reason %s in %q", path, reason, line)
		}
	}
	st := statsJSON(t, data)
	if st["documents"].(float64) != 1 {
		t.Fatalf("the good file must be stored: %v", st)
	}
	failed := st["failed"].(map[string]any)
	total := 0.0
	for _, n := range failed {
		total += n.(float64)
	}
	if total != 4 {
		t.Fatalf("want 4 recorded failures, got %v", failed)
	}
	res := searchJSON(t, "--data", data, "--norm", "g")
	if res.Total == 0 || res.Hits[0].File != "good.txt" {
		t.Fatalf("good file not searchable: %+v", res)
	}
	// A second run does not duplicate anything and still reports failures.
	code, _, _ = normtag(t, "ingest", "--data", data, "--quiet", dir, missing)
	if code != 1 {
		t.Fatalf("second run exit %d", code)
	}
	if st2 := statsJSON(t, data); !reflect.DeepEqual(st, st2) {
		t.Fatalf("stats changed:\n%v\n%v", st, st2)
	}
}

func TestUsageErrorsExitTwo(t *testing.T) {
	for _, args := range [][]string{
		{"search", "--data", t.TempDir(), "--norm", "z", "x"},
		{"ingest"},
		{"stats", "--format", "xml"},
		{"no-such-command"},
	} {
		if code, _, _ := normtag(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

func TestExtractSeparatesPagesWithFormFeed(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "two-pages.txt")
	write(t, path, "First page about norm (a).\fSecond page about norm (b).")
	code, out, errs := normtag(t, "extract", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if pages := strings.Split(strings.TrimSpace(out), "\f"); len(pages) != 2 || !strings.Contains(pages[1], "Second page") {
		t.Fatalf("pages %q", pages)
	}
}

func TestTagJSONLOnLabelledExplainer(t *testing.T) {
	const text = "../../../shared/labeled/gpd-norms-explainer.txt"
	const gold = "../../../shared/labeled/gpd-norms-explainer.gold.jsonl"
	if _, err := os.Stat(text); err != nil {
		t.Skip("../shared/labeled is absent; skipping the labelled-set recall report")
	}
	code, out, errs := normtag(t, "tag", "--format", "jsonl", text)
	if code != 0 {
		t.Fatalf("tag exit %d: %s", code, errs)
	}
	type line struct {
		Doc   string `json:"doc"`
		Page  int    `json:"page"`
		Seq   int    `json:"passage"`
		Text  string `json:"text"`
		Norms []struct {
			Norm     string            `json:"norm"`
			Score    float64           `json:"score"`
			Evidence []corpus.Evidence `json:"evidence"`
		} `json:"norms"`
	}
	var lines []line
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var l line
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("bad jsonl line %q: %v", sc.Text(), err)
		}
		// A text file without form feeds has no pages: page 0.
		if l.Doc != text || l.Page != 0 || l.Text == "" {
			t.Fatalf("line lacks doc/page/text: %+v", l)
		}
		for i := 1; i < len(l.Norms); i++ {
			if l.Norms[i].Score > l.Norms[i-1].Score {
				t.Fatalf("norms not sorted by score: %+v", l.Norms)
			}
		}
		lines = append(lines, l)
	}
	norms := map[string][]string{}
	for _, l := range lines {
		key := goldKey(l.Text)
		for _, n := range l.Norms {
			norms[key] = append(norms[key], n.Norm)
		}
	}
	f, err := os.ReadFile(gold)
	if err != nil {
		t.Fatal(err)
	}
	found, hit, total := 0, 0, 0
	for _, raw := range strings.Split(strings.TrimSpace(string(f)), "\n") {
		var g struct {
			Gold []string `json:"gold"`
			Text string   `json:"text"`
		}
		if err := json.Unmarshal([]byte(raw), &g); err != nil {
			t.Fatal(err)
		}
		total++
		got, ok := norms[goldKey(g.Text)]
		if !ok {
			continue
		}
		found++
		for _, n := range g.Gold {
			if contains(got, n) {
				hit++
				break
			}
		}
	}
	t.Logf("gold passages: %d; matched to a tagged passage: %d; carrying a gold norm: %d (recall %.2f)", total, found, hit, float64(hit)/float64(total))
	if found < total/2 {
		t.Errorf("segmentation found only %d of %d gold passages", found, total)
	}
}

// goldKey identifies a passage by its first words, robust to whitespace
// and footnote-marker differences at its end.
func goldKey(s string) string {
	w := strings.Fields(s)
	if len(w) > 12 {
		w = w[:12]
	}
	return strings.ToLower(strings.Join(w, " "))
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func lineWith(text, needle string) string {
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, needle) {
			return l
		}
	}
	return ""
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

func hasCitation(hits []index.Hit, file string, page int) bool {
	for _, h := range hits {
		if h.File == file && h.Page == page {
			return true
		}
	}
	return false
}

func citations(hits []index.Hit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.File+"#"+strconv.Itoa(h.Page)+"/"+strconv.Itoa(h.Seq))
	}
	return out
}

// sameHits compares results, ordering tied scores by id: indexes built
// in different batches may return ties in either order.
func sameHits(a, b index.Result) bool {
	if a.Total != b.Total || len(a.Hits) != len(b.Hits) {
		return false
	}
	for _, r := range []index.Result{a, b} {
		sort.SliceStable(r.Hits, func(i, j int) bool {
			si, sj := math.Round(r.Hits[i].Score*1e6), math.Round(r.Hits[j].Score*1e6)
			if si != sj {
				return si > sj
			}
			return r.Hits[i].ID < r.Hits[j].ID
		})
	}
	for i := range a.Hits {
		x, y := a.Hits[i], b.Hits[i]
		if x.ID != y.ID || x.Page != y.Page || !reflect.DeepEqual(x.Norms, y.Norms) || x.Snippet != y.Snippet {
			return false
		}
	}
	return true
}

// expectedCitations says, per norm, in which sample files and on which
// page the sample corpus addresses it (see examples/src); a text or HTML
// file has no pages (page 0).
var expectedCitations = map[string]map[string]int{
	"a": {"examplia-national-report.pdf": 1, "northern-forum-submission.txt": 0},
	"b": {"examplia-national-report.pdf": 1, "northern-forum-submission.txt": 0},
	"c": {"northern-forum-submission.txt": 0},
	"d": {"northern-forum-submission.txt": 0},
	"e": {"drw-statement.html": 0},
	"f": {"examplia-national-report.pdf": 2, "drw-statement.html": 0, "fictivie-declaration.pdf": 1},
	"g": {"examplia-national-report.pdf": 2, "fictivie-declaration.pdf": 1},
	"h": {"examplia-national-report.pdf": 2, "northern-forum-submission.txt": 0},
	"i": {"acme-supply-chain.docx": 1},
	"j": {"examplia-national-report.pdf": 3, "acme-supply-chain.docx": 1},
	"k": {"examplia-national-report.pdf": 3, "drw-statement.html": 0, "acme-supply-chain.docx": 1},
}

// An index built by an older mapping is refused by readers with a clear
// message and rebuilt by the next writer; submitters facet as written.
func TestOutdatedIndexIsRebuiltByWriters(t *testing.T) {
	data := ingestSample(t)
	before := searchJSON(t, "--data", data, "--facets", "critical infrastructure")
	found := false
	for _, f := range before.Facets["submitter"] {
		found = found || f.Value == "Republic of Examplia"
	}
	if !found {
		t.Errorf("submitter facet does not keep the case of the names: %v", before.Facets["submitter"])
	}
	version := filepath.Join(liveIndex(t, data), "normtag-mapping-version")
	if err := os.WriteFile(version, []byte("0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs := normtag(t, "search", "--data", data, "critical infrastructure")
	if code != 2 || !strings.Contains(errs, "reindex") {
		t.Fatalf("search on an outdated index: exit %d, stderr %q", code, errs)
	}
	if code, out, errs := normtag(t, "check", "--data", data); code != 0 {
		t.Fatalf("check: exit %d\n%s%s", code, out, errs)
	}
	after := searchJSON(t, "--data", data, "--facets", "critical infrastructure")
	if after.Total != before.Total {
		t.Fatalf("rebuilt index: %d hits, before %d", after.Total, before.Total)
	}
}
