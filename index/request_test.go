package index

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestValidateLimitsNormsDatesAndCursor(t *testing.T) {
	day := func(s string) time.Time { t, _ := time.Parse("2006-01-02", s); return t }
	cases := []struct {
		name  string
		req   Request
		field string // "" = valid
	}{
		{"empty search", Request{}, ""},
		{"full search", Request{Query: "supply chain", Norms: []string{"f", "g"}, DirectOnly: true, Submitters: []string{"Acme"}, Langs: []string{"en"},
			Since: day("2020-01-01"), Until: day("2024-12-31"), Limit: MaxLimit, Offset: MaxOffset, Sort: SortDate, Format: "json"}, ""},
		{"negative limit", Request{Limit: -1}, "limit"},
		{"limit over max", Request{Limit: MaxLimit + 1}, "limit"},
		{"negative offset", Request{Offset: -5}, "offset"},
		{"offset over cap", Request{Offset: MaxOffset + 1}, "offset"},
		{"unknown norm", Request{Norms: []string{"z"}}, "norm"},
		{"norm as number", Request{Norms: []string{"7"}}, "norm"},
		{"upper-case norm", Request{Norms: []string{"G"}}, "norm"},
		{"since after until", Request{Since: day("2024-01-01"), Until: day("2023-01-01")}, "since"},
		{"unknown sort", Request{Sort: "size"}, "sort"},
		{"search format", Request{Format: "csv"}, "format"},
		{"export format", Request{Kind: KindExport, Format: "json"}, "format"},
		{"export csv", Request{Kind: KindExport, Format: "csv", Sort: SortDocument}, ""},
		{"export with limit", Request{Kind: KindExport, Limit: 5}, "limit"},
		{"export with offset", Request{Kind: KindExport, Offset: 5}, "offset"},
		{"export with cursor", Request{Kind: KindExport, After: "x"}, "after"},
		{"unknown kind", Request{Kind: Kind(9)}, "kind"},
		{"query too long", Request{Query: strings.Repeat("a ", MaxQueryLength)}, "query"},
		{"query does not parse", Request{Query: `title:"unclosed`}, "query"},
		{"query of only parentheses", Request{Query: "((((("}, "query"},
		{"query naming an unknown field", Request{Query: "foo:bar"}, "query"},
		{"query naming an unknown norm", Request{Query: "norm:z"}, "query"},
		{"query grouping with parentheses", Request{Query: "(supply chain) -ransomware"}, ""},
		{"stray closing parenthesis", Request{Query: "supply)"}, "query"},
		{"parentheses as text", Request{Query: `norm (f) "((" title:/(abc)+/`}, ""},
		{"empty submitter", Request{Submitters: []string{" "}}, "submitter"},
		{"too many languages", Request{Langs: strings.Split(strings.Repeat("en,", MaxValues+1), ",")}, "lang"},
		{"cursor garbage", Request{After: "%%%"}, "after"},
		{"cursor not JSON", Request{After: "bm90IGpzb24"}, "after"},
		{"cursor of another order", Request{Query: "x", After: keysCursor([]string{FieldDoc, FieldSeq}, []string{"d1", "0"})}, "after"},
		{"cursor with too few keys", Request{After: keysCursor([]string{FieldDoc, FieldSeq}, []string{"d1"})}, "after"},
		{"position cursor too deep", Request{Query: "x", After: positionCursor([]string{"-_score"}, MaxCursorPosition+1)}, "after"},
		{"position cursor at zero", Request{Query: "x", After: positionCursor([]string{"-_score"}, 0)}, "after"},
		{"cursor and offset", Request{Offset: 10, After: keysCursor([]string{FieldDoc, FieldSeq}, []string{"d1", "0"})}, "after"},
		{"good cursor", Request{After: keysCursor([]string{FieldDoc, FieldSeq}, []string{"d1", "0"})}, ""},
		{"good position cursor", Request{Query: "x", After: positionCursor([]string{"-_score"}, 20)}, ""},
	}
	for _, c := range cases {
		err := c.req.Validate()
		if c.field == "" {
			if err != nil {
				t.Errorf("%s: want valid, got %v", c.name, err)
			}
			continue
		}
		var re *RequestError
		if !errors.As(err, &re) {
			t.Errorf("%s: want a RequestError on %s, got %v", c.name, c.field, err)
			continue
		}
		if re.Field != c.field || !strings.HasPrefix(err.Error(), c.field+": ") {
			t.Errorf("%s: error %q names %q, want %q", c.name, err, re.Field, c.field)
		}
	}
}

func TestParamsParseLikeFlagsAndURLs(t *testing.T) {
	r, err := Params{Norms: []string{"6,g", "7"}, DirectOnly: "1", Langs: []string{"FR"}, Since: "2021", Until: "2021-06", Limit: "25", Offset: "50"}.Request()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(r.Norms, ",") != "f,g" || !r.DirectOnly || r.Langs[0] != "fr" || r.Limit != 25 || r.Offset != 50 {
		t.Fatalf("parsed %+v", r)
	}
	if r.Since.Format(time.RFC3339) != "2021-01-01T00:00:00Z" || r.Until.Format("2006-01-02") != "2021-06-30" {
		t.Fatalf("dates %v %v", r.Since, r.Until)
	}
	for _, c := range []struct {
		p     Params
		field string
		says  string
	}{
		{Params{Norms: []string{"f,z"}}, "norm", `"z"`},
		{Params{Norms: []string{"12"}}, "norm", `"12"`},
		{Params{Since: "2021-13"}, "since", "YYYY"},
		{Params{Until: "last year"}, "until", "YYYY"},
		{Params{Limit: "ten"}, "limit", "not a whole number"},
		{Params{Limit: "0"}, "limit", "between 1 and"},
		{Params{Limit: fmt.Sprint(MaxLimit + 1)}, "limit", "between 1 and"},
		{Params{Offset: "-1"}, "offset", "between 0 and"},
		{Params{DirectOnly: "yes please"}, "direct_only", "true or false"},
		{Params{Kind: KindExport, Format: "xml"}, "format", "csv, jsonl"},
	} {
		_, err := c.p.Request()
		var re *RequestError
		if !errors.As(err, &re) || re.Field != c.field || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%+v: got %v, want %s error saying %s", c.p, err, c.field, c.says)
		}
	}
}

// TestCursorPagesEveryHitOnce pages through the sample index one hit at a
// time in every sort order and compares with the same search in one page.
func TestCursorPagesEveryHitOnce(t *testing.T) {
	ctx := context.Background()
	ix := openTest(t)
	for _, base := range []Request{
		{},
		{Query: "critical infrastructure"},
		{Query: "infrastructure OR vulnerabilities OR supply"},
		{Sort: SortDate},
		{Sort: SortDocument},
		{Norms: []string{"g", "i", "j"}, Sort: SortDocument},
	} {
		all := base
		all.Limit = 100
		want, err := ix.Search(ctx, all)
		if err != nil {
			t.Fatal(err)
		}
		if want.Next != "" || len(want.Hits) == 0 {
			t.Fatalf("%+v: one page of all hits has next %q and %d hits", base, want.Next, len(want.Hits))
		}
		page := base
		page.Limit = 1
		var got []string
		for i := 0; ; i++ {
			res, err := ix.Search(ctx, page)
			if err != nil {
				t.Fatalf("%+v page %d: %v", base, i, err)
			}
			for _, h := range res.Hits {
				got = append(got, h.ID)
			}
			if res.Next == "" {
				break
			}
			if i > 10 {
				t.Fatalf("%+v: cursor does not end", base)
			}
			page.After = res.Next
		}
		var wantIDs []string
		for _, h := range want.Hits {
			wantIDs = append(wantIDs, h.ID)
		}
		if strings.Join(got, " ") != strings.Join(wantIDs, " ") {
			t.Errorf("%+v: paged %v, one page %v", base, got, wantIDs)
		}
	}
}

func TestLangFilter(t *testing.T) {
	ctx := context.Background()
	ix := openTest(t)
	docs := sampleDocs()
	docs[1].Meta["language"] = "fr"
	if err := ix.IndexDocuments(ctx, docs[1:]); err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string]uint64{"fr": 1, "FR": 1, "de": 0} {
		r, err := Params{Langs: []string{lang}}.Request()
		if err != nil {
			t.Fatal(err)
		}
		res, err := ix.Search(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != want || (want == 1 && res.Hits[0].DocID != "d2") {
			t.Errorf("lang %s: %d hits %+v, want %d", lang, res.Total, res.Hits, want)
		}
	}
}
