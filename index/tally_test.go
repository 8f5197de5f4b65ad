package index

import (
	"context"
	"errors"
	"reflect"
	"testing"
)

func TestTallyGroupsAndCountsInOnePass(t *testing.T) {
	ix := openTest(t)
	ctx := context.Background()
	groups, err := ix.Tally(ctx, Request{}, []string{FieldSubmitterType, FieldYear}, FieldNorm)
	if err != nil {
		t.Fatal(err)
	}
	want := []TallyGroup{
		{Key: []string{"company", "2023"}, Passages: 1, Counts: map[string]int{"i": 1}},
		{Key: []string{"state", "2021"}, Passages: 3, Counts: map[string]int{"g": 2, "f": 1, "j": 1}},
	}
	if !reflect.DeepEqual(groups, want) {
		t.Errorf("got %+v\nwant %+v", groups, want)
	}
	// The request's filters apply: body passages with (g) or (j).
	groups, err = ix.Tally(ctx, Request{Query: "kind:body", Norms: []string{"g", "j"}}, []string{FieldSubmitterName}, FieldNorm)
	if err != nil {
		t.Fatal(err)
	}
	want = []TallyGroup{{Key: []string{"Republic of Examplia"}, Passages: 2, Counts: map[string]int{"g": 1, "f": 1, "j": 1}}}
	if !reflect.DeepEqual(groups, want) {
		t.Errorf("filtered: got %+v\nwant %+v", groups, want)
	}
	// An exact submitter, as the matrix cells link to it.
	res, err := ix.Search(ctx, Request{Query: `submitter_name:"Republic of Examplia"`, Limit: 10})
	if err != nil || res.Total != 3 {
		t.Errorf("submitter_name: %v, %+v", err, res)
	}
	if res, err := ix.Search(ctx, Request{Query: `submitter_name:"Republic"`, Limit: 10}); err != nil || res.Total != 0 {
		t.Errorf("submitter_name matches only the whole name: %v, %+v", err, res)
	}
	for _, by := range [][]string{{"text"}, {FieldNorm}, {FieldYear, FieldYear}} {
		var re *RequestError
		if _, err := ix.Tally(ctx, Request{}, by, FieldNorm); !errors.As(err, &re) {
			t.Errorf("tally by %v: %v, want a request error", by, err)
		}
	}
}
