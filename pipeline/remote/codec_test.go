package remote

import (
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
