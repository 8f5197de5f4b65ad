package remote

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/normtag/normtag/corpus"
)

func TestResultRoundTripsAndIsBounded(t *testing.T) {
	text := strings.Repeat("States should not conduct or knowingly support ICT activity. ", 2000)
	in := &Result{SHA256: strings.Repeat("a", 64), Name: "/x/sub.txt", Key: "k1", Worker: "w",
		Doc: &corpus.Document{ID: strings.Repeat("a", 64), Title: "Sub", Pages: []corpus.Page{{Number: 1, Text: text}}}}
	data, err := encodeResult(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) > len(text)/4 {
		t.Errorf("%d bytes of repetitive text encoded to %d: not compressed", len(text), len(data))
	}
	out, err := decodeResult(data, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, out) {
		t.Errorf("decoded result differs:\n%+v\n%+v", in, out)
	}
	if _, err := decodeResult(data, int64(len(text)/2)); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Errorf("a result decompressing past the limit was read: %v", err)
	}
	old := append([]byte{resultVersion - 1}, data[1:]...)
	if _, err := decodeResult(old, 1<<20); err == nil || !strings.Contains(err.Error(), "another normtag version") {
		t.Errorf("a result of another format was read: %v", err)
	}
	if _, err := decodeResult(data[:len(data)/2], 1<<20); err == nil {
		t.Error("a truncated result was read")
	}
}

// A job's bytes follow its fields as they are, and come back as they
// went; a job of another format, a truncated one and bytes after a job
// that carries none are refused.
func TestJobRoundTripsWithItsBytesAsTheyAre(t *testing.T) {
	file := []byte("%PDF-1.4\n\x00\xff binary \"bytes\" {not json}\n")
	in := Job{SHA256: strings.Repeat("b", 64), Name: "/docs/sub ü.pdf", Size: int64(len(file)), Inline: true, Data: file,
		Rules: strings.Repeat("c", 64), Limits: Limits{MaxFileSize: 1 << 20, OCR: OCRSettings{Mode: "never"}}, Key: "k2"}
	data, err := encodeJob(&in)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasSuffix(data, file) || len(data) > len(file)+512 {
		t.Errorf("a job of %d bytes of file encoded to %d bytes not ending with them", len(file), len(data))
	}
	out, err := decodeJob(data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, out) {
		t.Errorf("decoded job differs:\n%+v\n%+v", in, out)
	}

	bare := Job{SHA256: strings.Repeat("d", 64), Name: "/docs/big.pdf", Size: 5 << 20, Key: "k3"}
	data, err = encodeJob(&bare)
	if err != nil {
		t.Fatal(err)
	}
	if out, err := decodeJob(data); err != nil || !reflect.DeepEqual(bare, out) {
		t.Errorf("a job without bytes: %v\n%+v\n%+v", err, bare, out)
	}
	if _, err := decodeJob(append(data, 'x')); err == nil {
		t.Error("bytes after a job that carries none were read")
	}
	if _, err := decodeJob(data[:len(data)-3]); err == nil {
		t.Error("a truncated job was read")
	}
	if _, err := decodeJob([]byte(`{"sha256":"` + strings.Repeat("d", 64) + `"}`)); err == nil || !strings.Contains(err.Error(), "another normtag version") {
		t.Errorf("a job in an earlier version's JSON was read: %v", err)
	}
}
