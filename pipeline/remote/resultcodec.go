package remote

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/normtag/normtag/corpus"
)

// A result is written field by field in a fixed order: integers as
// varints, strings and lists as their length and then their bytes or
// elements, times as time.MarshalBinary writes them. gob, used before,
// cost a worker about a tenth of its CPU to encode an analysed document
// and the coordinator, the one writer, as much again to decode it. An
// empty list or map reads back as nil, as it did through gob. Every field
// of Result and of the corpus types it holds must be written here:
// TestResultCodecCarriesEveryField fills each one and fails when one is
// missing.

// The writer is plain append functions on a slice held by the caller: a
// slice kept in a heap object costs a write barrier per field while the
// collector runs.

func appendInt(b []byte, v int) []byte { return binary.AppendVarint(b, int64(v)) }

func appendCount(b []byte, n int) []byte { return binary.AppendUvarint(b, uint64(n)) }

func appendStr(b []byte, s string) []byte { return append(appendCount(b, len(s)), s...) }

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

func appendTime(b []byte, t time.Time) ([]byte, error) {
	tb, err := t.MarshalBinary()
	if err != nil {
		return nil, err
	}
	return append(appendCount(b, len(tb)), tb...), nil
}

// marshalResult writes r in the result codec.
func marshalResult(r *Result) ([]byte, error) {
	size := 256
	if d := r.Doc; d != nil {
		for _, p := range d.Pages {
			size += len(p.Text) + 16
		}
		for _, p := range d.Passages {
			size += len(p.Text) + 64 + 48*len(p.Tags)
		}
		size += 8 * len(d.Signature)
	}
	b := make([]byte, 0, size)
	b = appendStr(b, r.SHA256)
	b = appendStr(b, r.Name)
	b = appendStr(b, r.Key)
	b = appendStr(b, r.Reason)
	b = appendStr(b, r.Detail)
	b = appendStr(b, r.Worker)
	b = appendBool(b, r.Doc != nil)
	if r.Doc == nil {
		return b, nil
	}
	return appendDocument(b, r.Doc)
}

func appendDocument(b []byte, d *corpus.Document) ([]byte, error) {
	b = appendStr(b, d.ID)
	b = appendStr(b, d.Path)
	b = appendStr(b, d.FileName)
	b = appendStr(b, d.Title)
	b = appendStr(b, string(d.Format))
	b = binary.AppendVarint(b, d.Size)
	b, err := appendTime(b, d.ModTime)
	if err != nil {
		return nil, err
	}
	b = appendCount(b, len(d.Meta))
	for k, v := range d.Meta {
		b = appendStr(appendStr(b, k), v)
	}
	b = appendInt(b, d.PageCount)
	b = appendCount(b, len(d.Pages))
	for i := range d.Pages {
		p := &d.Pages[i]
		b = appendInt(b, p.Number)
		b = appendStr(b, p.Text)
		b = appendSpans(b, p.Headings)
		b = appendSpans(b, p.Notes)
		b = appendBool(b, p.RunsOn)
	}
	b = appendCount(b, len(d.Passages))
	for i := range d.Passages {
		b = appendPassage(b, &d.Passages[i])
	}
	b = appendStr(b, d.RulesVersion)
	if b, err = appendTime(b, d.IngestedAt); err != nil {
		return nil, err
	}
	b = appendCount(b, len(d.Signature))
	for _, v := range d.Signature {
		b = binary.LittleEndian.AppendUint64(b, v)
	}
	return appendStr(b, d.NearDuplicateOf), nil
}

func appendSpans(b []byte, spans []corpus.Span) []byte {
	b = appendCount(b, len(spans))
	for _, s := range spans {
		b = appendInt(appendInt(appendInt(b, s.Start), s.End), s.Level)
	}
	return b
}

func appendPassage(b []byte, p *corpus.Passage) []byte {
	b = appendInt(b, p.Seq)
	b = appendInt(b, p.Page)
	b = appendInt(b, p.PageEnd)
	b = appendInt(b, p.Start)
	b = appendInt(b, p.End)
	b = appendCount(b, len(p.Pieces))
	for _, pc := range p.Pieces {
		b = appendInt(appendInt(appendInt(b, pc.Page), pc.Start), pc.End)
	}
	b = appendStr(b, string(p.Kind))
	b = appendBool(b, p.Heading)
	b = appendInt(b, p.Level)
	b = appendCount(b, len(p.HeadingPath))
	for _, h := range p.HeadingPath {
		b = appendStr(b, h)
	}
	b = appendStr(b, p.Text)
	b = appendCount(b, len(p.Tags))
	for i := range p.Tags {
		t := &p.Tags[i]
		b = appendStr(b, t.Norm)
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(t.Score))
		b = appendBool(b, t.Inherited)
		b = appendCount(b, len(t.Evidence))
		for _, e := range t.Evidence {
			b = appendStr(appendStr(b, e.Rule), e.Match)
			b = appendInt(appendInt(appendInt(b, e.Start), e.End), e.HeadingSeq)
		}
	}
	return b
}

var errTruncated = errors.New("result truncated")

// resultReader reads what marshalResult wrote. Its strings are cut from
// one copy of the whole result (s), not copied one by one: a document
// keeps nearly all of it anyway. The first error sticks; every later read
// returns zero values.
type resultReader struct {
	b   []byte
	s   string // b as a string
	pos int
	err error
}

func (r *resultReader) fail(err error) {
	if r.err == nil {
		r.err = err
	}
	r.pos = len(r.b)
}

func (r *resultReader) int() int64 {
	v, n := binary.Varint(r.b[r.pos:])
	if n <= 0 {
		r.fail(errTruncated)
		return 0
	}
	r.pos += n
	return v
}

func (r *resultReader) intValue() int { return int(r.int()) }

// count reads a length of a list whose elements take at least min bytes
// each, refusing one the remaining bytes cannot hold.
func (r *resultReader) count(min int) int {
	n, k := binary.Uvarint(r.b[r.pos:])
	if k <= 0 || n > uint64((len(r.b)-r.pos-k)/min) {
		r.fail(errTruncated)
		return 0
	}
	r.pos += k
	return int(n)
}

func (r *resultReader) str() string {
	n := r.count(1)
	s := r.s[r.pos : r.pos+n]
	r.pos += n
	return s
}

func (r *resultReader) bool() bool {
	if r.pos >= len(r.b) {
		r.fail(errTruncated)
		return false
	}
	r.pos++
	return r.b[r.pos-1] != 0
}

func (r *resultReader) uint64() uint64 {
	if len(r.b)-r.pos < 8 {
		r.fail(errTruncated)
		return 0
	}
	r.pos += 8
	return binary.LittleEndian.Uint64(r.b[r.pos-8:])
}

func (r *resultReader) time() time.Time {
	var t time.Time
	n := r.count(1)
	if r.err == nil {
		if err := t.UnmarshalBinary(r.b[r.pos : r.pos+n]); err != nil {
			r.fail(err)
			return t
		}
		r.pos += n
	}
	return t
}

// unmarshalResult reads what marshalResult wrote.
func unmarshalResult(b []byte) (*Result, error) {
	r := &resultReader{b: b, s: string(b)}
	res := &Result{SHA256: r.str(), Name: r.str(), Key: r.str(), Reason: r.str(), Detail: r.str(), Worker: r.str()}
	if r.bool() {
		res.Doc = r.document()
	}
	if r.err == nil && r.pos < len(r.b) {
		r.err = fmt.Errorf("%d bytes after the result", len(r.b)-r.pos)
	}
	if r.err != nil {
		return nil, r.err
	}
	return res, nil
}

func (r *resultReader) document() *corpus.Document {
	d := &corpus.Document{ID: r.str(), Path: r.str(), FileName: r.str(), Title: r.str(), Format: corpus.Format(r.str()), Size: r.int()}
	d.ModTime = r.time()
	if n := r.count(2); n > 0 {
		d.Meta = make(map[string]string, n)
		for range n {
			k := r.str()
			d.Meta[k] = r.str()
		}
	}
	d.PageCount = r.intValue()
	if n := r.count(5); n > 0 {
		d.Pages = make([]corpus.Page, n)
		for i := range d.Pages {
			p := &d.Pages[i]
			p.Number = r.intValue()
			p.Text = r.str()
			p.Headings = r.spans()
			p.Notes = r.spans()
			p.RunsOn = r.bool()
		}
	}
	if n := r.count(12); n > 0 {
		d.Passages = make([]corpus.Passage, n)
		for i := range d.Passages {
			r.passage(&d.Passages[i])
		}
	}
	d.RulesVersion = r.str()
	d.IngestedAt = r.time()
	if n := r.count(8); n > 0 {
		d.Signature = make([]uint64, n)
		for i := range d.Signature {
			d.Signature[i] = r.uint64()
		}
	}
	d.NearDuplicateOf = r.str()
	return d
}

func (r *resultReader) spans() []corpus.Span {
	n := r.count(3)
	if n == 0 {
		return nil
	}
	spans := make([]corpus.Span, n)
	for i := range spans {
		spans[i] = corpus.Span{Start: r.intValue(), End: r.intValue(), Level: r.intValue()}
	}
	return spans
}

func (r *resultReader) passage(p *corpus.Passage) {
	p.Seq, p.Page, p.PageEnd, p.Start, p.End = r.intValue(), r.intValue(), r.intValue(), r.intValue(), r.intValue()
	if n := r.count(3); n > 0 {
		p.Pieces = make([]corpus.Piece, n)
		for i := range p.Pieces {
			p.Pieces[i] = corpus.Piece{Page: r.intValue(), Start: r.intValue(), End: r.intValue()}
		}
	}
	p.Kind = corpus.Kind(r.str())
	p.Heading = r.bool()
	p.Level = r.intValue()
	if n := r.count(1); n > 0 {
		p.HeadingPath = make([]string, n)
		for i := range p.HeadingPath {
			p.HeadingPath[i] = r.str()
		}
	}
	p.Text = r.str()
	if n := r.count(12); n > 0 {
		p.Tags = make([]corpus.Tag, n)
		for i := range p.Tags {
			t := &p.Tags[i]
			t.Norm = r.str()
			t.Score = math.Float64frombits(r.uint64())
			t.Inherited = r.bool()
			if m := r.count(5); m > 0 {
				t.Evidence = make([]corpus.Evidence, m)
				for j := range t.Evidence {
					t.Evidence[j] = corpus.Evidence{Rule: r.str(), Match: r.str(), Start: r.intValue(), End: r.intValue(), HeadingSeq: r.intValue()}
				}
			}
		}
	}
}
