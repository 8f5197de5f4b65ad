package index

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/normtag/normtag/corpus"
)

// directSampleDocs are sampleDocs plus passages that reach every field
// and value kind: accents to fold, every metadata field, no tags, an
// empty path, a date with a time and zone.
func directSampleDocs() []*corpus.Document {
	return append(sampleDocs(), &corpus.Document{
		ID: "d3", Title: "Rapport sur la cybersécurité — Œuvre", FileName: "Rapport É.PDF", Path: "",
		Meta: map[string]string{"submitter": "République d'Examplia", "submitter_type": "État", "country": "Examplia",
			"language": "fr-FR", "date": "2019-05-01T23:30:00-05:00",
			corpus.TitleSource: "pdf-title", corpus.DateSource: "sidecar", corpus.SubmitterSource: "first-page"},
		Passages: []corpus.Passage{
			{Seq: 0, Page: 4, Text: "La cybersécurité des hôpitaux est une priorité de l'État.", Tags: []corpus.Tag{{Norm: "f", Score: 0.7}, {Norm: "g", Score: 0.8, Inherited: true}}},
			{Seq: 7, Page: 9, Text: ""},
		},
	})
}

// describeFields lists a document's fields as text, sorted: name, array
// positions, options, value and, for analysed fields, every term with
// its positions and offsets.
func describeFields(t *testing.T, doc *document.Document) []string {
	t.Helper()
	var out []string
	doc.VisitFields(func(f bindex.Field) {
		f.Analyze()
		var terms []string
		for term, tf := range f.AnalyzedTokenFrequencies() {
			var locs []string
			for _, l := range tf.Locations {
				locs = append(locs, fmt.Sprintf("%s%v@%d[%d:%d]", l.Field, l.ArrayPositions, l.Position, l.Start, l.End))
			}
			terms = append(terms, fmt.Sprintf("%q:%s", term, strings.Join(locs, ",")))
		}
		sort.Strings(terms)
		// A whole-value field and an analysed one are the TextField
		// the mapping would make, made directly: they must agree in
		// everything but their type.
		typ := fmt.Sprintf("%T", f)
		switch f.(type) {
		case *wholeTermField, *analysedTextField:
			typ = fmt.Sprintf("%T", &document.TextField{})
		}
		out = append(out, fmt.Sprintf("%s %v %d %s %q len=%d %s", f.Name(), f.ArrayPositions(), f.Options(), typ, f.Value(), f.AnalyzedLength(), strings.Join(terms, " ")))
	})
	sort.Strings(out)
	return out
}

// TestDirectDocumentsMatchMapping proves that the documents built
// without bleve's mapping walk are the ones the walk makes: the same
// fields with the same options, values and analysed terms, and an
// index with the same terms per field and the same stored fields.
func TestDirectDocumentsMatchMapping(t *testing.T) {
	ctx := context.Background()
	open := func(name string) *Index {
		ix, err := Open(ctx, filepath.Join(t.TempDir(), name), OpenOptions{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ix.Close() })
		return ix
	}
	walked, direct := open("walked"), open("direct")
	builder, err := direct.builder()
	if err != nil {
		t.Fatal(err)
	}
	wb, db := walked.bi.NewBatch(), direct.bi.NewBatch()
	// The direct passages share what they can with the passage before,
	// as a batch's do.
	recent, described := recentTerms{}, recentTerms{}
	fields := map[string]bool{}
	for _, d := range directSampleDocs() {
		for _, p := range d.Passages {
			id := passageID(d.ID, p.Seq)
			ref := document.NewDocument(id)
			if err := walked.bi.Mapping().MapDocument(ref, passageDoc(d, p)); err != nil {
				t.Fatal(err)
			}
			got, err := builder.document(d, documentLanguage(d), p, described)
			if err != nil {
				t.Fatal(err)
			}
			want, have := describeFields(t, ref), describeFields(t, got)
			if !slices.Equal(want, have) || ref.HasComposite() != got.HasComposite() || ref.Indexed() != got.Indexed() {
				t.Fatalf("%s: walked\n%s\ndirect\n%s", id, strings.Join(want, "\n"), strings.Join(have, "\n"))
			}
			for _, line := range want {
				fields[strings.Fields(line)[0]] = true
			}
			if err := wb.Index(id, passageDoc(d, p)); err != nil {
				t.Fatal(err)
			}
			if err := direct.add(db, d, documentLanguage(d), p, recent); err != nil {
				t.Fatal(err)
			}
		}
	}
	if len(fields) < 18 {
		t.Fatalf("the sample reaches only %d fields: %v", len(fields), fields)
	}
	if err := walked.bi.Batch(wb); err != nil {
		t.Fatal(err)
	}
	if err := direct.bi.Batch(db); err != nil {
		t.Fatal(err)
	}
	dict := func(bi bleve.Index, field string) []string {
		fd, err := bi.FieldDict(field)
		if err != nil {
			t.Fatal(err)
		}
		defer fd.Close()
		var out []string
		for {
			e, err := fd.Next()
			if err != nil {
				t.Fatal(err)
			}
			if e == nil {
				return out
			}
			out = append(out, fmt.Sprintf("%q=%d", e.Term, e.Count))
		}
	}
	for field := range builder.fields {
		w, d := dict(walked.bi, field), dict(direct.bi, field)
		if !slices.Equal(w, d) {
			t.Errorf("field %s: walked terms %v, direct %v", field, w, d)
		}
	}
	stored := func(bi bleve.Index, id string) []string {
		doc, err := bi.Document(id)
		if err != nil || doc == nil {
			t.Fatalf("document %s: %v", id, err)
		}
		var out []string
		doc.VisitFields(func(f bindex.Field) {
			out = append(out, fmt.Sprintf("%s %v %q", f.Name(), f.ArrayPositions(), f.Value()))
		})
		sort.Strings(out)
		return out
	}
	wn, _ := walked.bi.DocCount()
	dn, _ := direct.bi.DocCount()
	if wn != dn || wn != 6 {
		t.Fatalf("doc counts: walked %d, direct %d, want 6", wn, dn)
	}
	for _, d := range directSampleDocs() {
		for _, p := range d.Passages {
			id := passageID(d.ID, p.Seq)
			if w, g := stored(walked.bi, id), stored(direct.bi, id); !slices.Equal(w, g) {
				t.Errorf("%s stored: walked %v, direct %v", id, w, g)
			}
		}
	}
	// Searches, facets and highlights through the whole request layer.
	for _, r := range []Request{
		{Query: "cybersecurite", Highlight: true, Facets: true},
		{Query: "critical infrastructure", Norms: []string{"g"}, Highlight: true, Facets: true},
		{Query: `submitter:"republique d'examplia"`}, {Query: "lang:fr"}, {Query: "submitter_type:etat"},
		{Sort: SortDate, Limit: 10, Facets: true}, {Sort: SortDocument, Limit: 10},
	} {
		w, err := walked.Search(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		g, err := direct.Search(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		// Hits of equal score come in the order of bleve's internal
		// numbers, which the two builds need not share: compare them by id.
		if r.Sort == "" {
			tiesByID(w.Hits)
			tiesByID(g.Hits)
		}
		if w.Total == 0 || fmt.Sprintf("%+v %+v", w.Hits, w.Facets) != fmt.Sprintf("%+v %+v", g.Hits, g.Facets) {
			t.Errorf("%+v: walked %d hits %+v %+v, direct %d hits %+v %+v", r, w.Total, w.Hits, w.Facets, g.Total, g.Hits, g.Facets)
		}
	}
}

// describeFrequencies describes token frequencies fully and in order:
// each term with its count and locations.
func describeFrequencies(tfs bindex.TokenFrequencies) string {
	var terms []string
	for term, tf := range tfs {
		var locs []string
		for _, l := range tf.Locations {
			locs = append(locs, fmt.Sprintf("%s%v@%d[%d:%d]", l.Field, l.ArrayPositions, l.Position, l.Start, l.End))
		}
		terms = append(terms, fmt.Sprintf("%q=%q×%d:%s", term, tf.Term, tf.Frequency(), strings.Join(locs, ",")))
	}
	sort.Strings(terms)
	return strings.Join(terms, " ")
}

// tokenFrequencies makes what bleve's analysis.TokenFrequency makes, with
// and without term vectors, counts and array positions, and its lists
// take merging (an array's values) as bleve's do.
func TestTokenFrequenciesMatchBleve(t *testing.T) {
	m, err := newMapping()
	if err != nil {
		t.Fatal(err)
	}
	a := m.AnalyzerNamed(textAnalyzer)
	texts := []string{"", "security", "The security of security: securing secure systems, security first.",
		"La cybersécurité des hôpitaux, la cybersécurité des États", "网络安全网络安全 and more and more"}
	for _, text := range texts {
		tokens := a.Analyze([]byte(text))
		for _, options := range []bindex.FieldIndexingOptions{
			bindex.IndexField | bindex.StoreField | bindex.IncludeTermVectors,
			bindex.IndexField | bindex.IncludeTermVectors | bindex.SkipFreqNorm,
			bindex.IndexField | bindex.StoreField,
			bindex.IndexField | bindex.SkipFreqNorm,
		} {
			for _, positions := range [][]uint64{nil, {2}} {
				want := analysis.TokenFrequency(tokens, positions, options)
				got, size := tokenFrequencies(tokens, positions, options)
				if describeFrequencies(got) != describeFrequencies(want) {
					t.Fatalf("%q %v %v:\nbleve %s\nhere  %s", text, options, positions, describeFrequencies(want), describeFrequencies(got))
				}
				if want.Size() > 0 && (size < want.Size()/2 || size > want.Size()*2) {
					t.Errorf("%q %v: size %d, bleve counts %d", text, options, size, want.Size())
				}
				// A second value of the field merged into each.
				other := analysis.TokenFrequency(a.Analyze([]byte("security of systems")), []uint64{3}, options)
				want.MergeAll("text", other)
				got.MergeAll("text", other)
				if describeFrequencies(got) != describeFrequencies(want) {
					t.Fatalf("%q %v merged:\nbleve %s\nhere  %s", text, options, describeFrequencies(want), describeFrequencies(got))
				}
			}
		}
	}
}

// countingAnalyzer counts the inputs it analyses.
type countingAnalyzer struct {
	inner analysis.Analyzer
	calls int
}

func (c *countingAnalyzer) Analyze(input []byte) analysis.TokenStream {
	c.calls++
	return c.inner.Analyze(input)
}

// A document's title is analysed once for all its passages, whatever its
// case (each passage brings its own copy of the value, which analysis
// folds in place), into what bleve's TextField makes of it; the memo
// stays bounded.
func TestFrequencyMemoAnalysesATitleOnce(t *testing.T) {
	m, err := newMapping()
	if err != nil {
		t.Fatal(err)
	}
	inner := &countingAnalyzer{inner: m.AnalyzerNamed(textAnalyzer)}
	memo := newFrequencyMemo()
	options := bindex.IndexField | bindex.StoreField | bindex.IncludeTermVectors
	field := func(title string) *analysedTextField {
		return &analysedTextField{name: FieldTitle, options: options, value: []byte(title), analyzer: inner, memo: memo}
	}
	const title = "Paris Call Working Group 6 - ICT Supply Chain Security"
	ref := document.NewTextFieldCustom(FieldTitle, nil, []byte(title), options, m.AnalyzerNamed(textAnalyzer))
	ref.Analyze()
	want := describeFrequencies(ref.AnalyzedTokenFrequencies())
	for range 50 {
		f := field(title)
		f.Analyze()
		if got := describeFrequencies(f.AnalyzedTokenFrequencies()); got != want || f.AnalyzedLength() != ref.AnalyzedLength() {
			t.Fatalf("remembered %s (%d), TextField %s (%d)", got, f.AnalyzedLength(), want, ref.AnalyzedLength())
		}
		if string(f.Value()) != title {
			t.Fatalf("stored value became %q", f.Value())
		}
	}
	if inner.calls != 1 {
		t.Fatalf("a title of 50 passages analysed %d times, want once", inner.calls)
	}
	for i := range memoSize + 10 {
		f := field(fmt.Sprintf("Rapport %d sur la Cybersécurité des États", i))
		f.Analyze()
		if len(memo.seen) > memoSize {
			t.Fatalf("%d values remembered, bound %d", len(memo.seen), memoSize)
		}
	}
}

// tiesByID orders each run of hits with the same score by id; hits come
// sorted by score, so the runs are contiguous and their order is kept.
func tiesByID(hits []Hit) {
	for start := 0; start < len(hits); {
		end := start + 1
		for end < len(hits) && hits[end].Score == hits[start].Score {
			end++
		}
		run := hits[start:end]
		sort.Slice(run, func(i, j int) bool { return run[i].ID < run[j].ID })
		start = end
	}
}
