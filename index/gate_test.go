package index

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/normtag/normtag/corpus"
)

// gateDocs are documents enough for several segments, from several
// submitters, types, countries, languages and years, with passages of
// every kind and length and random norms, some inherited.
func gateDocs() [][]*corpus.Document {
	r := rand.New(rand.NewPCG(11, 12))
	subs := []struct{ name, typ, country string }{
		{"Republic of Examplia", "state", "Examplia"}, {"Kingdom of Westmark", "state", "Westmark"},
		{"Acme Secure Systems", "company", ""}, {"Digital Rights Watchers", "NGO", ""}, {"Northern Regional Forum", "regional", ""},
	}
	words := []string{"critical", "infrastructure", "supply", "chain", "vulnerabilities", "cooperation", "human", "rights",
		"emergency", "response", "attribution", "capacity", "building", "cyber", "security", "states", "incidents"}
	langs := []string{"en", "fr", "en-GB"}
	var batches [][]*corpus.Document
	for b := range 4 {
		var batch []*corpus.Document
		for i := range 15 {
			n := b*15 + i
			s := subs[n%len(subs)]
			d := &corpus.Document{ID: fmt.Sprintf("%064x", n+1), Title: fmt.Sprintf("Submission %d", n), FileName: fmt.Sprintf("s%d.pdf", n),
				Meta: map[string]string{"submitter": s.name, "submitter_type": s.typ, "country": s.country, "lang": langs[n%len(langs)],
					"date": fmt.Sprintf("%d-%02d-%02d", 2018+n%6, 1+n%12, 1+n%27)}}
			for seq := range 25 {
				var text []string
				for range 3 + r.IntN(40) {
					text = append(text, words[r.IntN(len(words))])
				}
				p := corpus.Passage{Seq: seq, Page: 1 + seq/5, Text: fmt.Sprint(text), Kind: corpus.Kinds[r.IntN(len(corpus.Kinds))]}
				for _, norm := range []string{"a", "b", "c", "f", "g", "j", "k"} {
					if r.IntN(4) == 0 {
						p.Tags = append(p.Tags, corpus.Tag{Norm: norm, Score: 0.8, Inherited: r.IntN(3) == 0})
					}
				}
				d.Passages = append(d.Passages, p)
			}
			batch = append(batch, d)
		}
		batches = append(batches, batch)
	}
	return batches
}

// TestGatedConjunctionChangesNothing runs searches with every kind of
// filter, alone and together, with filters gated and as a plain scored
// conjunction, and wants the same hits in the same order with the same
// scores, totals, facets and next-page cursors.
func TestGatedConjunctionChangesNothing(t *testing.T) {
	ctx := context.Background()
	ix, err := Open(ctx, filepath.Join(t.TempDir(), "index"), OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for _, batch := range gateDocs() {
		if err := ix.IndexDocuments(ctx, batch); err != nil {
			t.Fatal(err)
		}
	}
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	filters := []struct {
		name string
		set  func(*Request)
	}{
		{"norms", func(r *Request) { r.Norms = []string{"a", "g"} }},
		{"all norms", func(r *Request) { r.Norms, r.NormsAll = []string{"b", "j"}, true }},
		{"direct norm", func(r *Request) { r.Norms, r.DirectOnly = []string{"c", "f"}, true }},
		{"submitters", func(r *Request) { r.Submitters = []string{"Republic of Examplia", "Acme Secure Systems"} }},
		{"type", func(r *Request) { r.SubmitterTypes = []string{"state"} }},
		{"country", func(r *Request) { r.Countries = []string{"Westmark"} }},
		{"lang", func(r *Request) { r.Langs = []string{"en"} }},
		{"kinds", func(r *Request) { r.Kinds = []string{"body", "note"} }},
		{"docs", func(r *Request) {
			r.Documents = []string{fmt.Sprintf("%064x", 3), fmt.Sprintf("%064x", 8), fmt.Sprintf("%064x", 21), fmt.Sprintf("%064x", 44)}
		}},
		{"years", func(r *Request) { r.Since, r.Until = day("2019-03-01"), day("2021-12-31") }},
	}
	var reqs []Request
	for _, q := range []string{"", "critical infrastructure", "\"supply chain\"", "cyber -security", "human AND rights OR attribution"} {
		for i, f := range filters {
			for j := i; j < len(filters); j++ {
				for k := j; k < len(filters); k += 3 {
					r := Request{Query: q, Limit: 7, Facets: true, AllFacets: true, Highlight: true}
					f.set(&r)
					filters[j].set(&r)
					filters[k].set(&r)
					reqs = append(reqs, r)
				}
			}
		}
	}
	// Paging, other orders, collapsing and a page per document.
	base := Request{Query: "critical infrastructure", Norms: []string{"a", "g"}, Since: day("2019-01-01"), Submitters: []string{"Republic of Examplia"}, Limit: 5}
	for _, edit := range []func(*Request){
		func(r *Request) { r.Offset = 10 },
		func(r *Request) { r.Sort = SortDate },
		func(r *Request) { r.Sort = SortDocument; r.Offset = 5 },
		func(r *Request) { r.Collapse = true },
		func(r *Request) { r.PerDocument = 2 },
	} {
		r := base
		edit(&r)
		reqs = append(reqs, r)
	}
	defer func() { gateFilters = true }()
	gated, found := 0, 0
	for _, r := range reqs {
		gateFilters = true
		if q, err := BuildQuery(r); err != nil {
			t.Fatal(err)
		} else if _, ok := q.(*gatedConjunction); ok {
			gated++
		}
		with, err := ix.Search(ctx, r)
		if err != nil {
			t.Fatalf("%+v: %v", r, err)
		}
		gateFilters = false
		without, err := ix.Search(ctx, r)
		if err != nil {
			t.Fatalf("%+v: %v", r, err)
		}
		with.Took, without.Took = 0, 0
		if !reflect.DeepEqual(with, without) {
			t.Errorf("%+v:\ngated:   %d hits of %d %+v\nungated: %d hits of %d %+v", r, len(with.Hits), with.Total, with, len(without.Hits), without.Total, without)
		}
		if with.Total > 0 {
			found++
		}
		// The r.After cursor of the next page is checked the same way.
		if with.Next != "" && r.Offset == 0 {
			r.After = with.Next
			gateFilters = true
			with, err := ix.Search(ctx, r)
			if err != nil {
				t.Fatal(err)
			}
			gateFilters = false
			without, err := ix.Search(ctx, r)
			if err != nil {
				t.Fatal(err)
			}
			with.Took, without.Took = 0, 0
			if !reflect.DeepEqual(with, without) {
				t.Errorf("%+v, next page: gated and ungated differ", r)
			}
		}
	}
	if gated < len(reqs)/2 || found < len(reqs)/2 {
		t.Fatalf("of %d searches %d were gated and %d found something: the comparison says little", len(reqs), gated, found)
	}
}
