package progress

import (
	"bufio"
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestJSONLines(t *testing.T) {
	var buf bytes.Buffer
	r := New(&buf, JSON)
	r.SetTotal(4)
	r.Add("a.pdf", 3, false)
	r.Add("b.pdf", 0, true)
	r.Finish()
	sc := bufio.NewScanner(&buf)
	var last Snapshot
	n := 0
	for sc.Scan() {
		if err := json.Unmarshal(sc.Bytes(), &last); err != nil {
			t.Fatalf("not JSON: %q", sc.Text())
		}
		n++
	}
	if n < 2 || last.Done != 2 || last.Failed != 1 || last.Pages != 3 || last.Total != 4 || last.Percent != 50 {
		t.Fatalf("%d lines, last %+v", n, last)
	}
}

func TestQuietPrintsNothing(t *testing.T) {
	var buf bytes.Buffer
	r := New(&buf, Quiet)
	r.Add("a", 1, false)
	r.Finish()
	if buf.Len() != 0 {
		t.Fatalf("quiet printed %q", buf.String())
	}
}

func TestBarLogDoesNotInterleave(t *testing.T) {
	var buf bytes.Buffer
	r := New(&buf, Bar)
	r.SetTotal(2)
	r.Add("a", 1, false)
	r.Log("a.pdf: malformed")
	r.Finish()
	out := buf.String()
	if !strings.Contains(out, "\r\x1b[Ka.pdf: malformed\n") || !strings.HasSuffix(out, "\n") {
		t.Fatalf("%q", out)
	}
}
