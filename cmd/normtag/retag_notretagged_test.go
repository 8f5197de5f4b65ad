package main

import (
	"strings"
	"testing"

	"github.com/normtag/normtag/pipeline"
)

// The text summary of a retag that left documents out names each with
// its passages and why, with terminal controls in titles made harmless.
func TestPrintRetagListsDocumentsNotRetagged(t *testing.T) {
	var b strings.Builder
	printRetag(&b, &pipeline.RetagSummary{Documents: 3, RulesVersion: "abc", NotRetagged: []pipeline.NotRetagged{
		{Doc: "d1", Title: "Note \x1b[31mverbale", Passages: 7, Reason: "2 worker processes ended while tagging it, then worker w1 refused it"},
	}})
	out := b.String()
	want := "not re-tagged, stored tags kept (1 documents; a later retag tries them again):\n  d1 "
	if !strings.Contains(out, want) || !strings.Contains(out, "(7 passages): 2 worker processes ended while tagging it, then worker w1 refused it\n") {
		t.Errorf("summary does not list the document left out:\n%s", out)
	}
	if strings.Contains(out, "\x1b") {
		t.Errorf("a terminal control reached the summary: %q", out)
	}
	b.Reset()
	printRetag(&b, &pipeline.RetagSummary{Documents: 3, RulesVersion: "abc"})
	if strings.Contains(b.String(), "not re-tagged") {
		t.Errorf("a run that left nothing out says it did:\n%s", b.String())
	}
}
