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
	r.Add("a.pdf", 3, 2, false)
	r.Add("b.pdf", 0, 0, true)
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
	if n < 2 || last.Done != 2 || last.Failed != 1 || last.Pages != 3 || last.OCRPages != 2 || last.Total != 4 || last.Percent != 50 {
		t.Fatalf("%d lines, last %+v", n, last)
	}
}

func TestQuietPrintsNothing(t *testing.T) {
	var buf bytes.Buffer
	r := New(&buf, Quiet)
	r.Add("a", 1, 0, false)
	r.Finish()
	if buf.Len() != 0 {
		t.Fatalf("quiet printed %q", buf.String())
	}
}

func TestBarLogDoesNotInterleave(t *testing.T) {
	var buf bytes.Buffer
	r := New(&buf, Bar)
	r.SetTotal(2)
	r.Add("a", 1, 0, false)
	r.Log("a.pdf: malformed")
	r.Finish()
	out := buf.String()
	if !strings.Contains(out, "\r\x1b[Ka.pdf: malformed\n") || !strings.HasSuffix(out, "\n") {
		t.Fatalf("%q", out)
	}
}

// TestBarLogWriterStartsOnItsOwnLine: a logger writing to the reporter
// (its Write) used to write straight to the terminal, after the bar.
func TestBarLogWriterStartsOnItsOwnLine(t *testing.T) {
	var buf bytes.Buffer
	r := New(&buf, Bar)
	r.SetTotal(3)
	r.Add("a", 1, 0, false)
	log := "level=WARN msg=\"ignoring metadata sidecar\"\n"
	if _, err := r.Write([]byte(log)); err != nil {
		t.Fatal(err)
	}
	r.Finish()
	out := buf.String()
	i := strings.Index(out, log)
	if i < 0 || !strings.HasSuffix(out[:i], "\r\x1b[K") {
		t.Fatalf("log line not on a cleared line: %q", out)
	}
	// The bar is drawn again afterwards, on the next line.
	if !strings.Contains(out[i+len(log):], "3 files") {
		t.Fatalf("bar not redrawn after the log line: %q", out)
	}
}

func TestLinesSayOCRPages(t *testing.T) {
	var buf bytes.Buffer
	r := New(&buf, Lines)
	r.SetTotal(2)
	r.Add("scan.pdf", 4, 3, false)
	r.Finish()
	if !strings.Contains(buf.String(), "(3 by OCR)") {
		t.Fatalf("progress line %q does not say how many pages were read by OCR", buf.String())
	}
	buf.Reset()
	r = New(&buf, Lines)
	r.Add("text.pdf", 4, 0, false)
	r.Finish()
	if strings.Contains(buf.String(), "OCR") {
		t.Fatalf("progress line %q speaks of OCR without any", buf.String())
	}
}
