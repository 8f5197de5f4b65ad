package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/normtag/normtag/index"
	"github.com/normtag/normtag/internal/watch"
	"github.com/normtag/normtag/pipeline"
)

func copyFiles(t *testing.T, dst string, names ...string) {
	t.Helper()
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(sampleCorpus, n))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, n), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func docIDs(t *testing.T, data string) []string {
	t.Helper()
	code, out, errs := normtag(t, "docs", "--data", data, "--format", "json")
	if code != 0 {
		t.Fatalf("docs: exit %d: %s", code, errs)
	}
	var docs []struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal([]byte(out), &docs); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, d := range docs {
		ids = append(ids, d.ID)
	}
	return ids
}

// Watches made with the CLI before an ingest: its summary line and
// --report JSON count exactly the passages new to the corpus that match
// each (a search restricted to the new documents, less the texts the
// corpus had), watch list agrees, and a re-ingest of the same files
// reports none.
func TestWatchEndToEnd(t *testing.T) {
	root := t.TempDir()
	data, in := filepath.Join(root, "data"), filepath.Join(root, "in")
	os.Mkdir(in, 0o755)
	copyFiles(t, in, "northern-forum-submission.txt", "drw-statement.html")
	if code, _, errs := normtag(t, "ingest", "--data", data, "--quiet", in); code != 0 {
		t.Fatalf("first ingest: %s", errs)
	}
	// NAME before the search flags, as the usage line has it.
	for _, args := range [][]string{{"infra", "infrastructure"}, {"gnorm", "--norm", "g"}, {"--norm", "j", "vuln", "vulnerabilities", "OR", "disclosure"}} {
		code, out, errs := normtag(t, append([]string{"watch", "add", "--data", data}, args...)...)
		if code != 0 || !strings.Contains(out, "saved") {
			t.Fatalf("watch add %v: exit %d %s %s", args, code, out, errs)
		}
	}
	for _, bad := range [][]string{{"x", "--norm", "z"}, {"y", "cyber", "--norm", "g"}, {"no/slash", "cyber"}, {"infra", "again"}} {
		if code, _, _ := normtag(t, append([]string{"watch", "add", "--data", data}, bad...)...); code != 2 {
			t.Errorf("watch add %v: exit %d, want 2", bad, code)
		}
	}
	oldDocs := docIDs(t, data)
	before := map[string]bool{}
	for _, h := range searchJSON(t, "--data", data, "--no-collapse", "--limit", "10000").Hits {
		before[index.CopyKey(h.Text)] = true
	}

	copyFiles(t, in, "examplia-national-report.pdf", "fictivie-declaration.pdf", "acme-supply-chain.docx")
	report := filepath.Join(root, "report.json")
	code, out, errs := normtag(t, "ingest", "--data", data, "--quiet", "--report", report, in)
	if code != 0 {
		t.Fatalf("second ingest: exit %d %s", code, errs)
	}
	var newDocs []string
	for _, id := range docIDs(t, data) {
		if !slices.Contains(oldDocs, id) {
			newDocs = append(newDocs, "doc:"+id)
		}
	}
	if len(newDocs) != 3 {
		t.Fatalf("%d new documents, want 3", len(newDocs))
	}
	restrict := "(" + strings.Join(newDocs, " OR ") + ")"
	want := map[string]int{}
	for name, args := range map[string][]string{
		"infra": {"infrastructure AND " + restrict},
		"gnorm": {"--norm", "g", restrict},
		"vuln":  {"--norm", "j", "(vulnerabilities OR disclosure) AND " + restrict},
	} {
		for _, h := range searchJSON(t, append([]string{"--data", data, "--no-collapse", "--limit", "10000"}, args...)...).Hits {
			if !before[index.CopyKey(h.Text)] {
				want[name]++
			}
		}
	}
	if want["infra"] == 0 || want["gnorm"] == 0 || want["vuln"] == 0 {
		t.Fatalf("the sample files should give every watch new matches: %v", want)
	}
	var sum pipeline.Summary
	b, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &sum); err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, r := range sum.Watches {
		got[r.Watch] = r.New
	}
	if len(sum.Watches) != 3 || got["infra"] != want["infra"] || got["gnorm"] != want["gnorm"] || got["vuln"] != want["vuln"] {
		t.Errorf("--report watches %+v, want %v", sum.Watches, want)
	}
	total := want["infra"] + want["gnorm"] + want["vuln"]
	line := "watches: " + strconv.Itoa(total) + " new match(es) (gnorm " + strconv.Itoa(want["gnorm"]) + ", infra " + strconv.Itoa(want["infra"]) + ", vuln " + strconv.Itoa(want["vuln"]) + ")"
	if !strings.Contains(out, line) {
		t.Errorf("summary lacks %q:\n%s", line, out)
	}

	code, out, errs = normtag(t, "watch", "list", "--data", data, "--format", "json", "--since", sum.Watches[0].FoundAt.Format("2006-01-02T15:04:05.999999999Z07:00"))
	var sts []watch.Status
	if code != 0 || json.Unmarshal([]byte(out), &sts) != nil {
		t.Fatalf("watch list: exit %d %s %s", code, out, errs)
	}
	for _, st := range sts {
		if st.New != want[st.Name] {
			t.Errorf("watch list: %s has %d new, want %d", st.Name, st.New, want[st.Name])
		}
	}

	code, out, errs = normtag(t, "ingest", "--data", data, "--quiet", "--report", report, in)
	if code != 0 || !strings.Contains(out, "watches: 0 new match(es); 3 watch(es) with none") {
		t.Errorf("re-ingest: exit %d, summary:\n%s%s", code, out, errs)
	}
	b, _ = os.ReadFile(report)
	sum = pipeline.Summary{}
	json.Unmarshal(b, &sum)
	for _, r := range sum.Watches {
		if r.New != 0 {
			t.Errorf("re-ingest reports %d new for %s", r.New, r.Watch)
		}
	}

	if code, _, errs := normtag(t, "watch", "rm", "--data", data, "infra"); code != 0 {
		t.Fatalf("watch rm: %s", errs)
	}
	if code, _, _ := normtag(t, "watch", "rm", "--data", data, "infra"); code != 2 {
		t.Errorf("watch rm of a removed watch: exit %d, want 2", code)
	}
	_, out, _ = normtag(t, "watch", "list", "--data", data)
	if strings.Contains(out, "infra") || !strings.Contains(out, "gnorm") {
		t.Errorf("watch list after rm:\n%s", out)
	}
}
