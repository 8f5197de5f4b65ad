package main

import (
	"strings"
	"testing"
)

// `search -encryption` is read as a flag by the flag parser before any
// query word is seen: the error says how to write an excluded word, and
// that way of writing it works.
func TestSearchExcludedWordAfterDoubleDash(t *testing.T) {
	data := ingestSample(t)
	code, _, errs := normtag(t, "search", "--data", data, "-infrastructure")
	if code != 2 || !strings.Contains(errs, "normtag search -- -infrastructure") {
		t.Fatalf("exit %d, stderr %q; want 2 and the -- spelling", code, errs)
	}
	all := searchJSON(t, "--data", data, "--limit", "1")
	with := searchJSON(t, "--data", data, "--limit", "1", "infrastructure")
	without := searchJSON(t, "--data", data, "--limit", "100", "--", "-infrastructure")
	if with.Total == 0 || without.Total == 0 || without.Total != all.Total-with.Total {
		t.Fatalf("all %d, with the word %d, without it %d", all.Total, with.Total, without.Total)
	}
	for _, h := range without.Hits {
		if strings.Contains(strings.ToLower(h.Text), "infrastructure") {
			t.Errorf("excluded word in %s: %q", h.ID, h.Text)
		}
	}
}

// A flag after the query is refused with the command line that was meant.
func TestLateFlagMessageShowsTheFixedCommand(t *testing.T) {
	data := ingestSample(t)
	code, _, errs := normtag(t, "search", "--data", data, "critical infrastructure", "--norm", "g", "--direct-only")
	want := `put flags before it: normtag search --norm g --direct-only 'critical infrastructure'`
	if code != 2 || !strings.Contains(errs, want) || !strings.Contains(errs, `after the query "critical infrastructure"`) {
		t.Fatalf("exit %d, stderr %q; want 2 and %q", code, errs, want)
	}
}

// The query operators and field checks reach the command line: AND is an
// operator, an unknown field is a usage error naming it.
func TestSearchQueryOperatorsFromCLI(t *testing.T) {
	data := ingestSample(t)
	both := searchJSON(t, "--data", data, "--limit", "100", "critical AND infrastructure")
	either := searchJSON(t, "--data", data, "--limit", "1", "critical infrastructure")
	if both.Total == 0 || both.Total >= either.Total {
		t.Fatalf("AND %d hits, side by side %d: want fewer, not none", both.Total, either.Total)
	}
	for _, h := range both.Hits {
		text := strings.ToLower(h.Text)
		if !strings.Contains(text, "critical") || !strings.Contains(text, "infrastructure") {
			t.Errorf("%s lacks a word: %q", h.ID, h.Text)
		}
	}
	code, _, errs := normtag(t, "search", "--data", data, "foo:bar")
	if code != 2 || !strings.Contains(errs, `query: unknown field "foo"`) {
		t.Fatalf("foo:bar: exit %d, stderr %q", code, errs)
	}
}
