package flatbin

import (
	"errors"
	"math"
	"reflect"
	"testing"
)

// TestRoundTrip: what a Writer writes, a Reader reads back, and a read
// past the end is an error that sticks.
func TestRoundTrip(t *testing.T) {
	var w Writer
	w.Uint32(7)
	w.Int(-3)
	w.Uint64(math.MaxUint64)
	w.Float64(0.45)
	w.Bool(true)
	w.Byte(200)
	w.String("critical infrastructure")
	w.Bytes(nil)
	w.Int8s([]int8{-1, 0, 1})
	w.Uint16s([]uint16{1, 65535})
	w.Uint32s([]uint32{math.MaxUint32})
	w.Int32s([]int32{-5, 5})

	r := NewReader(w.B)
	got := []any{r.Uint32(), r.Int(), r.Uint64(), r.Float64(), r.Bool(), r.Byte(), r.String(), r.Bytes(),
		r.Int8s(), r.Uint16s(), r.Uint32s(), r.Int32s()}
	want := []any{uint32(7), -3, uint64(math.MaxUint64), 0.45, true, byte(200), "critical infrastructure", []byte{},
		[]int8{-1, 0, 1}, []uint16{1, 65535}, []uint32{math.MaxUint32}, []int32{-5, 5}}
	if !reflect.DeepEqual(got, want) || r.Err() != nil || r.Rest() != 0 {
		t.Fatalf("read %v (%v, %d left), want %v", got, r.Err(), r.Rest(), want)
	}
	if r.Uint32(); !errors.Is(r.Err(), ErrShort) {
		t.Fatalf("read past the end: %v", r.Err())
	}
	if v := r.Int32s(); len(v) != 0 || !errors.Is(r.Err(), ErrShort) {
		t.Fatal("the error did not stick")
	}
}

// TestLengthsAreChecked: a length larger than what follows is an error,
// not an allocation.
func TestLengthsAreChecked(t *testing.T) {
	var w Writer
	w.Int(1 << 30) // a billion uint32s announced, none follow
	w.Uint32(1)
	r := NewReader(w.B)
	if v := r.Uint32s(); v != nil && len(v) != 0 || !errors.Is(r.Err(), ErrShort) {
		t.Fatalf("got %d values, %v", len(v), r.Err())
	}
	r = NewReader([]byte{2})
	if r.Bool(); r.Err() == nil {
		t.Fatal("a bool of 2 was read")
	}
	var neg Writer
	neg.Int(-1)
	r = NewReader(neg.B)
	if _ = r.String(); !errors.Is(r.Err(), ErrShort) {
		t.Fatalf("negative length: %v", r.Err())
	}
}
