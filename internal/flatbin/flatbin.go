// Package flatbin writes and reads the compact binary form normtag keeps
// of compiled structures (the tagger's tables and automaton): numbers in
// little-endian order and flat arrays behind their lengths. A Reader
// checks every length against what is left, so that damaged or foreign
// bytes give an error, never a panic or a huge allocation.
package flatbin

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
)

// ErrShort is wrapped by a Reader's error when the bytes end early or a
// length is larger than what follows.
var ErrShort = errors.New("flatbin: data ends early")

// Writer appends values to B.
type Writer struct {
	B []byte
}

// Uint32 appends v.
func (w *Writer) Uint32(v uint32) { w.B = binary.LittleEndian.AppendUint32(w.B, v) }

// Int appends v, which must fit in 32 bits (lengths, counts, indices).
func (w *Writer) Int(v int) { w.Uint32(uint32(int32(v))) }

// Uint64 appends v.
func (w *Writer) Uint64(v uint64) { w.B = binary.LittleEndian.AppendUint64(w.B, v) }

// Float64 appends v bit for bit.
func (w *Writer) Float64(v float64) { w.Uint64(math.Float64bits(v)) }

// Bool appends v as one byte.
func (w *Writer) Bool(v bool) {
	b := byte(0)
	if v {
		b = 1
	}
	w.B = append(w.B, b)
}

// Byte appends v.
func (w *Writer) Byte(v byte) { w.B = append(w.B, v) }

// String appends s with its length.
func (w *Writer) String(s string) {
	w.Int(len(s))
	w.B = append(w.B, s...)
}

// Bytes appends b with its length.
func (w *Writer) Bytes(b []byte) {
	w.Int(len(b))
	w.B = append(w.B, b...)
}

// Int8s appends s with its length.
func (w *Writer) Int8s(s []int8) {
	w.Int(len(s))
	b := w.grow(len(s))
	for i, v := range s {
		b[i] = byte(v)
	}
}

// Uint16s appends s with its length.
func (w *Writer) Uint16s(s []uint16) {
	w.Int(len(s))
	b := w.grow(2 * len(s))
	for i, v := range s {
		binary.LittleEndian.PutUint16(b[2*i:], v)
	}
}

// Uint32s appends s with its length.
func (w *Writer) Uint32s(s []uint32) {
	w.Int(len(s))
	b := w.grow(4 * len(s))
	for i, v := range s {
		binary.LittleEndian.PutUint32(b[4*i:], v)
	}
}

// Int32s appends s with its length.
func (w *Writer) Int32s(s []int32) {
	w.Int(len(s))
	b := w.grow(4 * len(s))
	for i, v := range s {
		binary.LittleEndian.PutUint32(b[4*i:], uint32(v))
	}
}

// grow extends B by n bytes and returns them, for an array written in
// place: appending value by value stored B's pointer once a value, each
// with a write barrier while the collector runs.
func (w *Writer) grow(n int) []byte {
	at := len(w.B)
	w.B = slices.Grow(w.B, n)[:at+n]
	return w.B[at:]
}

// Reader reads what a Writer wrote. Its first error sticks: later reads
// return zero values, and Err reports it.
type Reader struct {
	// b[off:] is what is left to read: moving an offset, rather than
	// re-slicing b, stores no pointer, so reads need no write barrier
	// while the collector runs (and it runs while a large form is read).
	b   []byte
	off int
	err error
}

// NewReader reads b.
func NewReader(b []byte) *Reader { return &Reader{b: b} }

// Err is the first error met, if any.
func (r *Reader) Err() error { return r.err }

// Fail records err (when no error is recorded yet), for callers whose
// own checks find the values read inconsistent.
func (r *Reader) Fail(err error) {
	if r.err == nil {
		r.err = err
	}
}

// Failf records a formatted error, as Fail.
func (r *Reader) Failf(format string, args ...any) { r.Fail(fmt.Errorf(format, args...)) }

// Rest is the number of bytes not read yet.
func (r *Reader) Rest() int { return len(r.b) - r.off }

// take returns the next n bytes, or nil and an error when fewer are left.
func (r *Reader) take(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > r.Rest() {
		r.err = fmt.Errorf("%w: want %d bytes, %d left", ErrShort, n, r.Rest())
		return nil
	}
	out := r.b[r.off : r.off+n : r.off+n]
	r.off += n
	return out
}

// Uint32 reads a uint32.
func (r *Reader) Uint32() uint32 {
	if r.err == nil && r.off+4 <= len(r.b) {
		v := binary.LittleEndian.Uint32(r.b[r.off:])
		r.off += 4
		return v
	}
	b := r.take(4)
	if b == nil {
		return 0
	}
	return binary.LittleEndian.Uint32(b)
}

// Int reads what Writer.Int wrote.
func (r *Reader) Int() int { return int(int32(r.Uint32())) }

// Uint64 reads a uint64.
func (r *Reader) Uint64() uint64 {
	b := r.take(8)
	if b == nil {
		return 0
	}
	return binary.LittleEndian.Uint64(b)
}

// Float64 reads a float64.
func (r *Reader) Float64() float64 { return math.Float64frombits(r.Uint64()) }

// Bool reads a bool; a byte other than 0 or 1 is an error.
func (r *Reader) Bool() bool {
	b := r.Byte()
	if b > 1 {
		r.Failf("flatbin: bool byte %d", b)
	}
	return b == 1
}

// Byte reads a byte.
func (r *Reader) Byte() byte {
	if r.err == nil && r.off < len(r.b) {
		v := r.b[r.off]
		r.off++
		return v
	}
	b := r.take(1)
	if b == nil {
		return 0
	}
	return b[0]
}

// length reads a length of items of size bytes each and checks that
// they fit in what is left.
func (r *Reader) length(size int) int {
	n := r.Int()
	if r.err != nil {
		return 0
	}
	if n < 0 || n > r.Rest()/size {
		r.err = fmt.Errorf("%w: %d items of %d bytes, %d bytes left", ErrShort, n, size, r.Rest())
		return 0
	}
	return n
}

// Bytes reads what Writer.Bytes wrote. The slice shares the Reader's
// storage.
func (r *Reader) Bytes() []byte { return r.take(r.length(1)) }

// String reads what Writer.String wrote.
func (r *Reader) String() string { return string(r.Bytes()) }

// Int8s reads what Writer.Int8s wrote.
func (r *Reader) Int8s() []int8 {
	b := r.take(r.length(1))
	out := make([]int8, len(b))
	for i, v := range b {
		out[i] = int8(v)
	}
	return out
}

// Uint16s reads what Writer.Uint16s wrote.
func (r *Reader) Uint16s() []uint16 {
	n := r.length(2)
	b := r.take(2 * n)
	out := make([]uint16, n)
	for i := range out {
		out[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return out
}

// Uint32s reads what Writer.Uint32s wrote.
func (r *Reader) Uint32s() []uint32 {
	n := r.length(4)
	b := r.take(4 * n)
	out := make([]uint32, n)
	for i := range out {
		out[i] = binary.LittleEndian.Uint32(b[4*i:])
	}
	return out
}

// Int32s reads what Writer.Int32s wrote.
func (r *Reader) Int32s() []int32 {
	n := r.length(4)
	b := r.take(4 * n)
	out := make([]int32, n)
	for i := range out {
		out[i] = int32(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return out
}
