package main

import (
	"encoding/csv"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

type matrixReport struct {
	Kind string
	Rows []struct {
		Labels   map[string]string
		Passages int
		Counts   map[string]int
		Search   map[string]string
	}
}

func reportJSON(t *testing.T, args ...string) matrixReport {
	t.Helper()
	code, out, errs := normtag(t, append([]string{"report", "--format", "json"}, args...)...)
	if code != 0 {
		t.Fatalf("report %v: exit %d: %s", args, code, errs)
	}
	var m matrixReport
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("report %v: %v\n%s", args, err, out)
	}
	return m
}

// TestReportMatrices prints the compare, timeline and coverage matrices
// the web pages show, and checks that a cell's search, run by normtag
// search, finds as many passages as the cell counts.
func TestReportMatrices(t *testing.T) {
	data := ingestSample(t)
	cmp := reportJSON(t, "--data", data, "--kind", "compare", "--sort", "g")
	tl := reportJSON(t, "--data", data, "--kind", "timeline")
	cov := reportJSON(t, "--data", data, "--kind", "coverage")
	if cmp.Kind != "compare" || len(cmp.Rows) != 5 || tl.Kind != "timeline" || len(tl.Rows) != 4 || len(cov.Rows) != 5 {
		t.Fatalf("compare %d rows, timeline %d, coverage %d", len(cmp.Rows), len(tl.Rows), len(cov.Rows))
	}
	for _, n := range []string{"a", "g", "k"} {
		var a, b, c int
		for _, r := range cmp.Rows {
			a += r.Counts[n]
		}
		for _, r := range tl.Rows {
			b += r.Counts[n]
		}
		for _, r := range cov.Rows {
			c += r.Counts[n]
		}
		if a != b || a != c || a == 0 {
			t.Errorf("(%s): %d by submitter, %d by year, %d by document", n, a, b, c)
		}
	}
	checked := 0
	for _, r := range cmp.Rows {
		n := r.Counts["g"]
		if n == 0 {
			continue
		}
		v, err := url.ParseQuery(r.Search["g"])
		if err != nil {
			t.Fatal(err)
		}
		res := searchJSON(t, "--data", data, "--norm", v.Get("norm"), "--no-collapse", "--limit", "1", v.Get("q"))
		if int(res.Total) != n {
			t.Errorf("%v: (g) counts %d, normtag search %q finds %d", r.Labels, n, v.Get("q"), res.Total)
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no submitter argues (g)")
	}

	sel := reportJSON(t, "--data", data, "--kind", "timeline", "--submitter", "Republic of Examplia")
	if len(sel.Rows) != 1 || sel.Rows[0].Labels["year"] != "2023" {
		t.Errorf("timeline of Examplia: %+v", sel.Rows)
	}

	code, out, errs := normtag(t, "report", "--data", data, "--kind", "compare", "--format", "csv")
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != 0 || err != nil || len(recs) != 6 || strings.Join(recs[0][:4], ",") != "submitter_type,submitter,passages,a" {
		t.Errorf("compare CSV: exit %d %v %s\n%s", code, err, errs, out)
	}
	code, out, _ = normtag(t, "report", "--data", data, "--kind", "compare")
	if code != 0 || !strings.Contains(out, "Republic of Examplia") || !strings.Contains(out, "%") {
		t.Errorf("compare as text: exit %d\n%s", code, out)
	}
	// Without --format, --kind coverage prints the CSV it always has.
	code, out, _ = normtag(t, "report", "--data", data, "--kind", "coverage")
	if code != 0 || !strings.HasPrefix(out, "doc,title,file,submitter,a,") {
		t.Errorf("coverage's first CSV changed: %.100q", out)
	}
	for _, bad := range [][]string{
		{"--kind", "compare", "--format", "xml"},
		{"--kind", "compare", "--sort", "zz"},
		{"--kind", "compare", "--submitter", "Republic of Examplia"},
		{"--kind", "coverage", "--format", "csv", "--since", "2020"},
		{"--kind", "timeline", "--since", "yesterday"},
		{"--kind", "matrix"},
	} {
		if code, _, errs := normtag(t, append([]string{"report", "--data", data}, bad...)...); code != 2 || errs == "" {
			t.Errorf("report %v: exit %d, %q; want a usage error", bad, code, errs)
		}
	}
}
