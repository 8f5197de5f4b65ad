package index

import (
	"context"
	"errors"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/normtag/normtag/corpus"
)

// trapDocs are documents for the query traps of issue 13: an English
// report, a French one stored as fr-FR with accented words, a Canadian
// French one, and a multi-stakeholder submitter whose name has many words.
func trapDocs() []*corpus.Document {
	return []*corpus.Document{
		{ID: "en", Title: "State practice", FileName: "state.pdf", Meta: map[string]string{"submitter": "Republic of Examplia", "submitter_type": "state", "language": "en", "date": "2021"},
			Passages: []corpus.Passage{
				{Seq: 0, Page: 1, Text: "Attribution of malicious activity to a State requires evidence.", Tags: []corpus.Tag{{Norm: "b", Score: 1}}},
				{Seq: 1, Page: 1, Text: "Attribution is a political decision.", Tags: []corpus.Tag{{Norm: "b", Score: 1}}},
				{Seq: 2, Page: 2, Text: "Every State protects its critical infrastructure.", Tags: []corpus.Tag{{Norm: "f", Score: 1}}},
				{Seq: 3, Page: 2, Text: "Strong encryption protects citizens and the State.", Tags: []corpus.Tag{{Norm: "e", Score: 1}}},
			}},
		{ID: "fr", Title: "Rapport national", FileName: "rapport.pdf", Meta: map[string]string{"submitter": "République française", "submitter_type": "state", "language": "fr-FR", "date": "2022"},
			Passages: []corpus.Passage{
				{Seq: 0, Page: 1, Text: "La stratégie nationale de cybersécurité protège les hôpitaux.", Tags: []corpus.Tag{{Norm: "f", Score: 1}}},
			}},
		{ID: "ca", Title: "Énoncé canadien", FileName: "enonce.pdf", Meta: map[string]string{"submitter": "Paris Call for Trust and Security in Cyberspace", "submitter_type": "multi-stakeholder", "language": "fr-CA", "date": "2023"},
			Passages: []corpus.Passage{
				{Seq: 0, Page: 1, Text: "Les équipes d'intervention en cas d'urgence informatique.", Tags: []corpus.Tag{{Norm: "k", Score: 1}}},
			}},
	}
}

func openTraps(t *testing.T) *Index {
	t.Helper()
	ix := openTest(t)
	if err := ix.IndexDocuments(context.Background(), trapDocs()); err != nil {
		t.Fatal(err)
	}
	return ix
}

// hitIDs runs a query (through Params, as the CLI and API do) and
// returns the sorted ids of every hit in the trap documents.
func hitIDs(t *testing.T, ix *Index, p Params) ([]string, error) {
	t.Helper()
	p.Limit = "100"
	r, err := p.Request()
	if err != nil {
		return nil, err
	}
	res, err := ix.Search(context.Background(), r)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, h := range res.Hits {
		if h.DocID == "en" || h.DocID == "fr" || h.DocID == "ca" {
			ids = append(ids, h.ID)
		}
	}
	sort.Strings(ids)
	return ids, nil
}

// "attribution AND state" used to search the word AND (every passage
// with either word); AND, OR, NOT and parentheses are now operators, and
// words side by side stay ranked alternatives.
func TestQueryOperators(t *testing.T) {
	ix := openTraps(t)
	for _, c := range []struct{ q, want string }{
		{"attribution AND state", "en/0"},
		{"attribution state", "en/0 en/1 en/2 en/3"},
		{"attribution OR state", "en/0 en/1 en/2 en/3"},
		{"attribution AND NOT state", "en/1"},
		{"attribution -state", "en/1"},
		{"state AND (attribution OR encryption)", "en/0 en/3"},
		{"state AND attribution OR encryption", "en/0 en/3"},
		{"+state +protects", "en/2 en/3"},
		{"state AND protects AND NOT encryption", "en/2"},
		{"attribution and state", "en/0 en/1 en/2 en/3"},            // lower-case and is a (stop) word
		{"the AND attribution AND state", "en/0"},                   // a stop word in a conjunction is skipped
		{"(attribution AND of) AND NOT (the OR political)", "en/0"}, // and in a group
		{"title:(practice OR rapport) AND norm:f", "en/2 fr/0"},
	} {
		got, err := hitIDs(t, ix, Params{Query: c.q})
		if err != nil {
			t.Errorf("%s: %v", c.q, err)
			continue
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("%s: got %v, want %s", c.q, got, c.want)
		}
	}
}

// A field or norm that does not exist is a request error naming it, not
// a silent zero hits; so is a syntax error, with its position.
func TestQueryRefusesUnknownFieldsAndNorms(t *testing.T) {
	ix := openTraps(t)
	for _, c := range []struct{ q, want string }{
		{"foo:bar", `query: unknown field "foo" (known: country, direct, doc, dup, file, kind, lang, norm, ocr, submitter, submitter_name, submitter_type, text, title, year`},
		{"norm:z", `query: unknown norm "z"`},
		{"direct:12", `query: unknown norm "12"`},
		{"state AND", "query: AND needs a word, phrase or group after it (at character 7)"},
		{"(state", `query: "(" is never closed (at character 1)`},
		{"year:last", `query: year: want a year such as 2021, got "last"`},
		{"norm:f*", "query: norm: takes a norm letter"},
	} {
		_, err := hitIDs(t, ix, Params{Query: c.q})
		var re *RequestError
		if !errors.As(err, &re) || re.Field != "query" {
			t.Errorf("%s: want a request error on query, got %v", c.q, err)
			continue
		}
		if !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%s: message %q, want it to start %q", c.q, err, c.want)
		}
	}
	// Norms by number and by letter both work.
	for _, q := range []string{"norm:f", "norm:6", "norm:F"} {
		got, err := hitIDs(t, ix, Params{Query: q})
		if err != nil || strings.Join(got, " ") != "en/2 fr/0" {
			t.Errorf("%s: %v %v", q, got, err)
		}
	}
}

// Languages are stored as read ("fr-FR"); "fr" means French of any region,
// in the query and in the --lang filter alike.
func TestLangMatchesRegionalForms(t *testing.T) {
	ix := openTraps(t)
	for _, c := range []struct {
		p    Params
		want string
	}{
		{Params{Query: "lang:fr"}, "ca/0 fr/0"},
		{Params{Langs: []string{"fr"}}, "ca/0 fr/0"},
		{Params{Langs: []string{"FR"}}, "ca/0 fr/0"},
		{Params{Query: "lang:fr-CA"}, "ca/0"},
		{Params{Langs: []string{"fr-fr"}}, "fr/0"},
		{Params{Query: "lang:en"}, "en/0 en/1 en/2 en/3"},
		{Params{Query: "lang:f"}, ""}, // a prefix of the language is not the language
	} {
		got, err := hitIDs(t, ix, c.p)
		if err != nil || strings.Join(got, " ") != c.want {
			t.Errorf("%+v: got %v %v, want %s", c.p, got, err, c.want)
		}
	}
}

// Case and accents fold for matching, in the words and in the fields,
// while the snippet shows the passage as written, marks around the
// original word.
func TestQueryFoldsAccentsSnippetsKeepThem(t *testing.T) {
	ix := openTraps(t)
	for _, q := range []string{"cybersecurite", "cybersécurité", "CYBERSÉCURITÉ", "Cybersecurite", `"strategie nationale"`, "cybersec*", "hopitaux", "title:enonce", "submitter:republique", "submitter_type:Multi-Stakeholder"} {
		got, err := hitIDs(t, ix, Params{Query: q})
		if err != nil || len(got) != 1 {
			t.Errorf("%s: got %v %v, want one hit", q, got, err)
		}
	}
	r, err := Params{Query: "cybersecurite hopitaux"}.Request()
	if err != nil {
		t.Fatal(err)
	}
	r.Highlight = true
	res, err := ix.Search(context.Background(), r)
	if err != nil || len(res.Hits) != 1 {
		t.Fatalf("%v %+v", err, res)
	}
	h := res.Hits[0]
	var marked []string
	for _, span := range h.Highlights {
		marked = append(marked, h.Snippet[span[0]:span[1]])
	}
	for _, want := range []string{"cybersécurité", "hôpitaux"} {
		if !slices.Contains(marked, want) {
			t.Errorf("snippet %q highlights %q, not %q", h.Snippet, marked, want)
		}
	}
	if h.Submitter != "République française" || h.Title != "Rapport national" {
		t.Errorf("stored fields changed: %+v", h)
	}
}

// --submitter matches the words of a name, in any case and accents; the
// facet still counts the name as written.
func TestSubmitterMatchesWordsOfTheName(t *testing.T) {
	ix := openTraps(t)
	for _, c := range []struct {
		names []string
		want  string
	}{
		{[]string{"Paris"}, "ca/0"},
		{[]string{"paris call"}, "ca/0"},
		{[]string{"Paris Call for Trust and Security in Cyberspace"}, "ca/0"},
		{[]string{"republique francaise"}, "fr/0"},
		{[]string{"Examplia", "Paris"}, "ca/0 en/0 en/1 en/2 en/3"},
		{[]string{"Paris Examplia"}, ""}, // every word of one name
		{[]string{"Lyon"}, ""},
	} {
		got, err := hitIDs(t, ix, Params{Submitters: c.names})
		if err != nil || strings.Join(got, " ") != c.want {
			t.Errorf("%q: got %v %v, want %s", c.names, got, err, c.want)
		}
	}
	res, err := ix.Search(context.Background(), Request{Submitters: []string{"paris"}, Facets: true})
	if err != nil {
		t.Fatal(err)
	}
	if f := res.Facets[FieldSubmitter]; len(f) != 1 || f[0].Value != "Paris Call for Trust and Security in Cyberspace" {
		t.Errorf("submitter facet %+v", f)
	}
}

// -word alone excludes: every passage but those with the word.
func TestExclusionAlone(t *testing.T) {
	ix := openTraps(t)
	all, err := hitIDs(t, ix, Params{})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"-encryption", "NOT encryption"} {
		got, err := hitIDs(t, ix, Params{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(all)-1 || strings.Contains(strings.Join(got, " "), "en/3") {
			t.Errorf("%s: got %v of %v", q, got, all)
		}
	}
}
