package matrix

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/index"
	"github.com/normtag/normtag/internal/sampledata"
)

const sampleCorpus = "../../examples/corpus"

func openIndex(t *testing.T, d *datadir.Dir) *index.Index {
	t.Helper()
	ix, err := d.OpenIndex(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

// searchTotal runs the search a cell links to, as the search page runs
// it, and returns how many passages it finds.
func searchTotal(t *testing.T, ix *index.Index, search string) int {
	t.Helper()
	v, err := url.ParseQuery(search)
	if err != nil {
		t.Fatalf("%s: %v", search, err)
	}
	req, err := index.Params{Kind: index.KindSearch, Query: v.Get("q"), Norms: v["norm"], Langs: v["lang"], Since: v.Get("since"), Until: v.Get("until"),
		Collapse: v.Get("collapse"), Limit: "1"}.Request()
	if err != nil {
		t.Fatalf("%s: %v", search, err)
	}
	res, err := ix.Search(context.Background(), req)
	if err != nil {
		t.Fatalf("%s: %v", search, err)
	}
	return int(res.Total)
}

// checkLinks checks that every cell's search finds exactly the passages
// the cell counts, and returns how many cells were non-zero.
func checkLinks(t *testing.T, ix *index.Index, m *Matrix) int {
	t.Helper()
	nonZero := 0
	for _, r := range m.Rows {
		if r.All == "" {
			t.Errorf("row %v has no search", r.Labels)
			continue
		}
		if got := searchTotal(t, ix, r.All); got != r.Passages {
			t.Errorf("row %v counts %d passages, its search finds %d (%s)", r.Labels, r.Passages, got, r.All)
		}
		for i, n := range r.Counts {
			if n > 0 {
				nonZero++
			}
			if got := searchTotal(t, ix, r.Search[i]); got != n {
				t.Errorf("row %v norm (%s): %d counted, its search finds %d (%s)", r.Labels, m.Norms[i], n, got, r.Search[i])
			}
		}
	}
	return nonZero
}

func TestCompareCountsMatchTheStoreAndTheirSearches(t *testing.T) {
	ctx := context.Background()
	d := sampledata.Open(t, sampleCorpus)
	ix := openIndex(t, d)
	m, err := Compare(ctx, ix, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Rows) != 5 {
		t.Fatalf("want the 5 submitters of the sample corpus, got %d rows: %+v", len(m.Rows), m.Rows)
	}
	// The store, counted per document, gives the same numbers.
	docs, err := d.Store.Documents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cov, err := d.Store.Coverage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	passages, err := d.Store.CountedPassages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range m.Rows {
		want := map[string]int{}
		wantPassages := 0
		for _, doc := range docs {
			if doc.Submitter() == r.Labels[1] && strings.EqualFold(doc.Meta["submitter_type"], r.Labels[0]) {
				for l, n := range cov[doc.ID] {
					want[l] += n
				}
				wantPassages += passages[doc.ID]
			}
		}
		if r.Passages != wantPassages || wantPassages == 0 {
			t.Errorf("%v: %d passages, the store has %d", r.Labels, r.Passages, wantPassages)
		}
		for i, l := range m.Norms {
			if r.Counts[i] != want[l] {
				t.Errorf("%v (%s): %d, the store has %d", r.Labels, l, r.Counts[i], want[l])
			}
		}
	}
	if n := checkLinks(t, ix, m); n < 10 {
		t.Errorf("only %d non-zero cells: the sample corpus argues more norms than that", n)
	}

	// Sorted by a norm, grouped by type: types together, shares falling
	// within each type.
	if err := m.Sort("g", true, false, true); err != nil {
		t.Fatal(err)
	}
	g := slices.Index(m.Norms, "g")
	for i := 1; i < len(m.Rows); i++ {
		a, b := m.Rows[i-1], m.Rows[i]
		if a.Labels[0] > b.Labels[0] {
			t.Errorf("types out of order: %q before %q", a.Labels[0], b.Labels[0])
		}
		if a.Labels[0] == b.Labels[0] && a.Share(g) < b.Share(g) {
			t.Errorf("within %q, (g) share %.3f before %.3f", a.Labels[0], a.Share(g), b.Share(g))
		}
	}
	if err := m.Sort("g", true, false, false); err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(m.Rows); i++ {
		if m.Rows[i-1].Share(g) < m.Rows[i].Share(g) {
			t.Errorf("ungrouped: (g) share %.3f before %.3f", m.Rows[i-1].Share(g), m.Rows[i].Share(g))
		}
	}
	if err := m.Sort("nonsense", true, false, false); err == nil || !strings.Contains(err.Error(), "passages") {
		t.Errorf("unknown column: %v", err)
	}
}

func TestCompareFilteredByYearAndLanguage(t *testing.T) {
	ctx := context.Background()
	ix := openIndex(t, sampledata.Open(t, sampleCorpus))
	m, err := Compare(ctx, ix, Filter{Since: "2023", Until: "2023"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range m.Rows {
		names = append(names, r.Labels[1])
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"Republic of Examplia", "République de Fictivie"}) {
		t.Errorf("2023's submitters: %q", names)
	}
	checkLinks(t, ix, m)

	fr, err := Compare(ctx, ix, Filter{Langs: []string{"fr"}})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range fr.Rows {
		found = found || r.Labels[1] == "République de Fictivie" && r.Passages > 0
		if r.Labels[1] == "Acme Secure Systems" {
			t.Errorf("French passages of an English paper: %+v", r)
		}
	}
	if !found {
		t.Errorf("no French passages of Fictivie: %+v", fr.Rows)
	}
	checkLinks(t, ix, fr)
}

func TestTimelineSumsToCompareAndLinksToItsPassages(t *testing.T) {
	ctx := context.Background()
	ix := openIndex(t, sampledata.Open(t, sampleCorpus))
	tl, err := Timeline(ctx, ix, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	var years []string
	for _, r := range tl.Rows {
		years = append(years, r.Labels[0])
	}
	if !slices.Equal(years, []string{"2021", "2022", "2023", "2024"}) {
		t.Errorf("years %q", years)
	}
	cmp, err := Compare(ctx, ix, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range tl.Norms {
		var a, b int
		for _, r := range tl.Rows {
			a += r.Counts[i]
		}
		for _, r := range cmp.Rows {
			b += r.Counts[i]
		}
		if a != b {
			t.Errorf("(%s): %d over the years, %d over the submitters", l, a, b)
		}
	}
	checkLinks(t, ix, tl)

	// A selection of submitters: only their years, and the same counts
	// as their rows of the comparison.
	sel, err := Timeline(ctx, ix, Filter{Submitters: []string{"Republic of Examplia", "Digital Rights Watchers"}})
	if err != nil {
		t.Fatal(err)
	}
	years = years[:0]
	for _, r := range sel.Rows {
		years = append(years, r.Labels[0])
	}
	if !slices.Equal(years, []string{"2023", "2024"}) {
		t.Errorf("years of the selection: %q", years)
	}
	for _, r := range sel.Rows {
		for _, c := range cmp.Rows {
			if r.Labels[0] == "2023" && c.Labels[1] == "Republic of Examplia" || r.Labels[0] == "2024" && c.Labels[1] == "Digital Rights Watchers" {
				if !slices.Equal(r.Counts, c.Counts) {
					t.Errorf("%s: %v, the comparison's row of %s: %v", r.Labels[0], r.Counts, c.Labels[1], c.Counts)
				}
			}
		}
	}
	checkLinks(t, ix, sel)
	if _, err := Timeline(ctx, ix, Filter{Submitters: make([]string, MaxSubmitters+1)}); err == nil {
		t.Error("too many submitters accepted")
	}
}

// TestMissingSubmitterAndTypeStillLink ingests the sample corpus with one
// document's submitter and another's type taken away: their rows link to
// searches that exclude every named submitter or type.
func TestMissingSubmitterAndTypeStillLink(t *testing.T) {
	src := t.TempDir()
	entries, err := os.ReadDir(sampleCorpus)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(sampleCorpus, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if e.Name() == "metadata.csv" {
			data = bytes.Replace(data, []byte("northern-forum-submission.txt,Northern Regional Forum,regional"), []byte("northern-forum-submission.txt,,regional"), 1)
			data = bytes.Replace(data, []byte("Acme Secure Systems,company"), []byte("Acme Secure Systems,"), 1)
		}
		if err := os.WriteFile(filepath.Join(src, e.Name()), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ix := openIndex(t, sampledata.Open(t, src))
	m, err := Compare(context.Background(), ix, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	var noType, noName bool
	for _, r := range m.Rows {
		noType = noType || r.Labels[0] == "" && r.Labels[1] == "Acme Secure Systems"
		noName = noName || r.Labels[0] == "regional" && r.Labels[1] == ""
	}
	if !noType || !noName {
		t.Fatalf("rows without a type or a submitter missing: %+v", m.Rows)
	}
	checkLinks(t, ix, m)
}

func TestCoverageCountsMatchTheirSearches(t *testing.T) {
	ctx := context.Background()
	d := sampledata.Open(t, sampleCorpus)
	ix := openIndex(t, d)
	m, err := Coverage(ctx, d.Store)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Rows) != 5 {
		t.Fatalf("rows: %d", len(m.Rows))
	}
	for _, r := range m.Rows {
		if r.Labels[2] == "" || r.Labels[3] == "" || r.Passages == 0 {
			t.Errorf("row without submitter, date or passages: %+v", r)
		}
	}
	if n := checkLinks(t, ix, m); n < 10 {
		t.Errorf("only %d non-zero cells", n)
	}
	all, err := Coverage(ctx, d.Store, corpus.Kinds...)
	if err != nil {
		t.Fatal(err)
	}
	checkLinks(t, ix, all)
}

func TestWriteFormats(t *testing.T) {
	ctx := context.Background()
	ix := openIndex(t, sampledata.Open(t, sampleCorpus))
	m, err := Compare(ctx, ix, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := m.Write(&buf, "csv", false); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(m.Rows)+1 || recs[0][0] != "submitter_type" || recs[0][2] != "passages" || recs[0][3] != "a" || recs[0][14] != "a_share" {
		t.Fatalf("CSV header %q, %d records", recs[0], len(recs))
	}
	for i, r := range m.Rows {
		if recs[i+1][1] != r.Labels[1] || recs[i+1][2] != strconv.Itoa(r.Passages) || recs[i+1][9] != strconv.Itoa(r.Counts[6]) {
			t.Errorf("CSV row %q for %+v", recs[i+1], r)
		}
		share, _ := strconv.ParseFloat(recs[i+1][20], 64)
		if d := share - r.Share(6); d > 1e-4 || d < -1e-4 {
			t.Errorf("CSV (g) share %v, want %v", share, r.Share(6))
		}
	}
	buf.Reset()
	if err := m.Write(&buf, "json", false); err != nil {
		t.Fatal(err)
	}
	var js struct {
		Kind string
		Rows []struct {
			Labels   map[string]string
			Passages int
			Counts   map[string]int
			Shares   map[string]float64
			Search   map[string]string
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &js); err != nil {
		t.Fatal(err)
	}
	if js.Kind != KindCompare || len(js.Rows) != len(m.Rows) {
		t.Fatalf("JSON %+v", js)
	}
	for i, r := range js.Rows {
		if r.Labels["submitter"] != m.Rows[i].Labels[1] || r.Counts["g"] != m.Rows[i].Counts[6] || r.Passages != m.Rows[i].Passages {
			t.Errorf("JSON row %+v for %+v", r, m.Rows[i])
		}
		if m.Rows[i].Counts[6] > 0 && !strings.Contains(r.Search["g"], "norm=g") {
			t.Errorf("JSON row without its (g) search: %+v", r)
		}
	}
	buf.Reset()
	if err := m.Write(&buf, "text", false); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "Republic of Examplia") || !strings.Contains(buf.String(), "%") || !strings.Contains(buf.String(), "(k)") {
		t.Errorf("text:\n%s", buf.String())
	}
	if err := m.Write(&buf, "xml", false); err == nil {
		t.Error("xml accepted")
	}
}
