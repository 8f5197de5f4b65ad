package pdf

import (
	"bytes"
	"compress/zlib"
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// lastXref is the offset the final startxref gives.
func lastXref(t testing.TB, data []byte) int {
	t.Helper()
	m := regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`).FindSubmatch(data)
	if m == nil {
		t.Fatal("no startxref")
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// appendUpdate adds an incremental update to data: the given objects, a
// cross-reference section for them, and a trailer with extra entries.
func appendUpdate(t testing.TB, data []byte, objs map[int]string, trailer string) []byte {
	t.Helper()
	prev := lastXref(t, data)
	var b bytes.Buffer
	b.Write(data)
	offs := map[int]int{}
	maxNum := 0
	for n, body := range objs {
		offs[n] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", n, body)
		maxNum = max(maxNum, n)
	}
	xref := b.Len()
	b.WriteString("xref\n")
	for n := 1; n <= maxNum; n++ {
		if off, ok := offs[n]; ok {
			fmt.Fprintf(&b, "%d 1\n%010d 00000 n \n", n, off)
		}
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R /Prev %d %s >>\nstartxref\n%d\n%%%%EOF\n", maxNum+1, prev, trailer, xref)
	return b.Bytes()
}

func extractWithin(t *testing.T, data []byte, limit time.Duration) ([]string, error) {
	t.Helper()
	type result struct {
		pages []string
		err   error
	}
	done := make(chan result, 1)
	go func() {
		p, _, err := Extract(context.Background(), data, Options{})
		done <- result{p, err}
	}()
	select {
	case r := <-done:
		return r.pages, r.err
	case <-time.After(limit):
		t.Fatalf("extraction did not finish within %s", limit)
		return nil, nil
	}
}

// A /Prev chain that comes back to itself made the parser loop forever.
func TestCrossReferenceChainLoop(t *testing.T) {
	data, _ := generated(t, 3)
	self := appendUpdate(t, data, map[int]string{}, "")
	// Point the update's /Prev at the update's own section.
	at := lastXref(t, self)
	looped := regexp.MustCompile(`/Prev \d+`).ReplaceAll(self, []byte(fmt.Sprintf("/Prev %d", at)))
	if !prevChainLoops(looped) || prevChainLoops(self) || prevChainLoops(data) {
		t.Fatal("loop detection is wrong")
	}
	pages, err := extractWithin(t, looped, 20*time.Second)
	if err != nil || len(pages) != 3 || !strings.Contains(pages[2], "states") {
		t.Fatalf("%v %d pages", err, len(pages))
	}
}

// Files that encrypt only their attachments (Identity crypt filters for
// streams and strings) open without a password, as in other readers.
func TestIdentityCryptFilterNeedsNoPassword(t *testing.T) {
	data, _ := generated(t, 2)
	const dict = "<< /Filter /Standard /V 5 /R 6 /Length 256 /CF << /StdCF << /AuthEvent /EFOpen /CFM /AESV3 /Length 32 >> >> " +
		"/EFF /StdCF /StmF /Identity /StrF /Identity /EncryptMetadata false /O <00> /U <00> /OE <00> /UE <00> /Perms <00> /P -1028 >>"
	enc := appendUpdate(t, data, map[int]string{90: dict}, "/Encrypt 90 0 R /ID [<0102> <0102>]")
	pages, err := extractWithin(t, enc, 20*time.Second)
	if err != nil || len(pages) != 2 || !strings.Contains(pages[0], "states") {
		t.Fatalf("%v %q", err, pages)
	}
	// With a real crypt filter for streams the content is encrypted: no
	// text may be read as if it were not.
	real := strings.Replace(dict, "/StmF /Identity", "/StmF /StdCF", 1)
	if _, ok := withoutIdentityEncryption(appendUpdate(t, data, map[int]string{90: real}, "/Encrypt 90 0 R")); ok {
		t.Fatal("stream-encrypted file treated as unencrypted")
	}
}

// objectStreamPDF writes a one-page PDF whose catalog, page tree and page
// sit in an object stream, with no usable cross-reference table, so only
// a repair that reads object streams finds its page.
func objectStreamPDF(t testing.TB, typ string, compress bool) []byte {
	t.Helper()
	objs := []string{
		"<< /Type /Catalog /Pages 3 0 R >>",
		"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 3 0 R /MediaBox [0 0 612 792] /Contents 6 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
	}
	var header, body strings.Builder
	for i, o := range objs {
		fmt.Fprintf(&header, "%d %d ", i+2, body.Len())
		body.WriteString(o + "\n")
	}
	content := header.String() + body.String()
	filter := ""
	if compress {
		var z bytes.Buffer
		w := zlib.NewWriter(&z)
		w.Write([]byte(content))
		w.Close()
		content, filter = z.String(), " /Filter /FlateDecode"
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.5\n")
	fmt.Fprintf(&b, "1 0 obj\n<< /Type /%s /N 3 /First %d /Length %d%s >>\nstream\n%s\nendstream\nendobj\n", typ, header.Len(), len(content), filter, content)
	b.WriteString("5 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>\nendobj\n")
	page := "BT /F1 12 Tf 72 700 Td (Compressed objects survive) Tj ET"
	fmt.Fprintf(&b, "6 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\n", len(page), page)
	b.WriteString("7 0 obj\n<< /Type /XRef /Size 8 /Root 2 0 R /W [1 2 1] /Length 3 >>\nstream\nxyz\nendstream\nendobj\n")
	b.WriteString("startxref\n999999\n%%EOF\n")
	return b.Bytes()
}

func TestRepairReadsObjectStreams(t *testing.T) {
	for _, c := range []struct {
		typ      string
		compress bool
	}{{"ObjStm", false}, {"ObjStm", true}, {"Potato", true}} {
		pages, err := extractWithin(t, objectStreamPDF(t, c.typ, c.compress), 20*time.Second)
		if err != nil || len(pages) != 1 || !strings.Contains(pages[0], "Compressed objects survive") {
			t.Errorf("type %s, compressed %v: %v %q", c.typ, c.compress, err, pages)
		}
	}
}
