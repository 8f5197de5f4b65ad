package remote

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/normtag/normtag/corpus"
)

// fill sets every field reachable from v to a value that is not its
// zero value (lists get two elements, maps one entry), so that a codec
// that leaves a field out reads back something else. It fails on a kind
// of field it does not know, so that a new kind is seen to.
func fill(t *testing.T, v reflect.Value, path string, seed *int) {
	t.Helper()
	*seed++
	n := *seed
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(t, v.Elem(), path, seed)
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(time.Time{}) {
			v.Set(reflect.ValueOf(time.Date(2026, 12, 1, 9, n%60, 7, n, time.UTC)))
			return
		}
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if !f.IsExported() {
				t.Fatalf("%s.%s is not exported: the result codec cannot carry it", path, f.Name)
			}
			fill(t, v.Field(i), path+"."+f.Name, seed)
		}
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			fill(t, v.Index(i), fmt.Sprintf("%s[%d]", path, i), seed)
		}
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(t, k, path+"[key]", seed)
		fill(t, e, path+"[value]", seed)
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.String:
		v.SetString(fmt.Sprintf("%s-%d ü", path, n))
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(int64(n) * 1000003 * int64(1-2*(n%2)))
	case reflect.Uint64:
		v.SetUint(uint64(n) * 0x9e3779b97f4a7c15)
	case reflect.Float64:
		v.SetFloat(float64(n) / 7)
	case reflect.Bool:
		v.SetBool(true)
	default:
		t.Fatalf("%s is a %s: teach fill and the result codec (resultcodec.go) to carry it", path, v.Kind())
	}
}

// Every field of a result, the analysed document's included, comes back
// as it went: a field added to corpus.Document (or any type it holds) and
// not to the codec fails here.
func TestResultCodecCarriesEveryField(t *testing.T) {
	in := &Result{}
	seed := 0
	fill(t, reflect.ValueOf(in).Elem(), "Result", &seed)
	raw, err := marshalResult(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := unmarshalResult(raw)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, out) {
		t.Errorf("a result does not come back as it went (a field the codec does not carry?):\n%+v\n%+v", in.Doc, out.Doc)
	}

	// Empty lists and maps read back as nil, as through gob before; a
	// failure carries no document.
	in = &Result{SHA256: strings.Repeat("f", 64), Doc: &corpus.Document{ID: "x", Pages: []corpus.Page{}, Meta: map[string]string{},
		Passages: []corpus.Passage{{Text: "t", Tags: []corpus.Tag{}, HeadingPath: []string{}}}}}
	want := &Result{SHA256: in.SHA256, Doc: &corpus.Document{ID: "x", Passages: []corpus.Passage{{Text: "t"}}}}
	if raw, err = marshalResult(in); err != nil {
		t.Fatal(err)
	}
	if out, err = unmarshalResult(raw); err != nil || !reflect.DeepEqual(want, out) {
		t.Errorf("empty lists: %v\n%+v\n%+v", err, want.Doc, out.Doc)
	}
	failure := &Result{SHA256: "s", Reason: string(corpus.ReasonCrashed), Detail: "gone"}
	if raw, err = marshalResult(failure); err != nil {
		t.Fatal(err)
	}
	if out, err = unmarshalResult(raw); err != nil || !reflect.DeepEqual(failure, out) {
		t.Errorf("failure: %v\n%+v\n%+v", err, failure, out)
	}
}

// A result cut short anywhere, or followed by more bytes, is refused,
// never read as a smaller one (and never panics).
func TestResultCodecRefusesTruncatedResults(t *testing.T) {
	in := &Result{}
	seed := 0
	fill(t, reflect.ValueOf(in).Elem(), "Result", &seed)
	raw, err := marshalResult(in)
	if err != nil {
		t.Fatal(err)
	}
	for n := range len(raw) {
		if _, err := unmarshalResult(raw[:n]); err == nil {
			t.Fatalf("a result cut to %d of its %d bytes was read", n, len(raw))
		}
	}
	if _, err := unmarshalResult(append(raw, 0)); err == nil {
		t.Error("a result followed by a byte more was read")
	}
}
