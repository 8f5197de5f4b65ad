package pdf

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"testing"
)

// objHeader is the regular expression objHeaders replaces.
var objHeader = regexp.MustCompile(`(?m)(?:^|[\r\n\s])(\d{1,7})\s+(\d{1,5})\s+obj\b`)

// TestObjHeadersAgreeWithTheRegexp checks the hand-written scan against
// the regular expression it replaces, on random text made of the bytes
// that matter (digits, each kind of white space, "obj" and its
// neighbours) and on every PDF in testdata.
func TestObjHeadersAgreeWithTheRegexp(t *testing.T) {
	pieces := []string{"0", "1", "12", "1234567", "12345678", "00000", "123456", " ", "  ", "\n", "\r\n", "\t", "\f", "\v", "obj", "endobj", "objs", "obj_", "x", "<<", ">>", "%", "stream"}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 20000 {
		var b []byte
		for range rng.IntN(24) {
			b = append(b, pieces[rng.IntN(len(pieces))]...)
		}
		want := objHeader.FindAllSubmatchIndex(b, -1)
		if got := objHeaders(b); !reflect.DeepEqual(got, want) {
			t.Fatalf("case %d %q: scan %v, regexp %v", i, b, got, want)
		}
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "*.pdf"))
	more, _ := filepath.Glob(filepath.Join("testdata", "*", "*.pdf"))
	files = append(files, more...)
	if len(files) == 0 {
		t.Fatal("no PDFs in testdata")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		want := objHeader.FindAllSubmatchIndex(data, -1)
		if got := objHeaders(data); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: scan found %d headers, regexp %d", f, len(got), len(want))
		}
	}
}

func BenchmarkObjHeaders(b *testing.B) {
	data := make([]byte, 4<<20)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range data {
		data[i] = byte(rng.IntN(256))
	}
	copy(data[1000:], "\n12 0 obj\n")
	b.Run("scan", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			objHeaders(data)
		}
	})
	b.Run("regexp", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			objHeader.FindAllSubmatchIndex(data, -1)
		}
	})
}
