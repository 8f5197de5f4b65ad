package remote

import (
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"
	"sync"
)

// A gob stream describes each type it uses before the first value of
// that type, and a decoder compiles its reading of each described type:
// for one result per stream, as results travel, that was half of a
// coordinator's decoding time and a quarter of a worker's encoding. So a
// worker keeps one encoder and sends each result as the type definitions
// it has sent so far followed by the value (the bytes a fresh encoder
// would write), and a coordinator keeps decoders that have read a given
// set of definitions and hands them only the value of a result that comes
// with the same definitions.

// splitTypes splits an encoded gob stream into its leading type
// definitions and the rest. Each gob message is its length and then a
// type id, negative for a type definition.
func splitTypes(b []byte) (defs, rest []byte, err error) {
	for i := 0; i < len(b); {
		n, k, err := gobUint(b[i:])
		if err != nil || n > uint64(len(b)-i-k) {
			return nil, nil, errors.New("gob stream: bad message length")
		}
		body := b[i+k : i+k+int(n)]
		u, _, err := gobUint(body)
		if err != nil {
			return nil, nil, errors.New("gob stream: bad type id")
		}
		if u&1 == 0 { // not negative: a value's type id
			return b[:i], b[i:], nil
		}
		i += k + int(n)
	}
	return b, nil, nil
}

// gobUint reads an unsigned integer as gob writes it: below 128, one
// byte; else the negated count of the big-endian bytes that follow.
func gobUint(b []byte) (x uint64, n int, err error) {
	if len(b) == 0 {
		return 0, 0, errors.New("gob stream: truncated")
	}
	if b[0] < 0x80 {
		return uint64(b[0]), 1, nil
	}
	size := -int(int8(b[0]))
	if size > 8 || len(b) < 1+size {
		return 0, 0, errors.New("gob stream: bad integer")
	}
	for _, c := range b[1 : 1+size] {
		x = x<<8 | uint64(c)
	}
	return x, 1 + size, nil
}

// resultEncoder is a worker's one gob encoder of results.
type resultEncoder struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	enc   *gob.Encoder
	types []byte // the type definitions enc has written so far
}

var resultGob resultEncoder

// encode returns r as a fresh gob encoder would write it.
func (e *resultEncoder) encode(r *Result) ([]byte, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.enc == nil {
		e.buf.Reset()
		e.enc, e.types = gob.NewEncoder(&e.buf), nil
	}
	e.buf.Reset()
	if err := e.enc.Encode(r); err != nil {
		e.enc = nil // its state is unknown: the next result starts afresh
		return nil, err
	}
	defs, value, err := splitTypes(e.buf.Bytes())
	if err != nil || len(value) == 0 {
		e.enc = nil
		return nil, fmt.Errorf("read back the encoded result: %v", err)
	}
	e.types = append(e.types, defs...)
	out := make([]byte, 0, len(e.types)+len(value))
	return append(append(out, e.types...), value...), nil
}

// primedDecoder is a gob decoder that has read a set of type definitions
// and nothing after its last value.
type primedDecoder struct {
	r   *bytes.Reader
	dec *gob.Decoder
}

// resultDecoders keeps idle primed decoders by the definitions they read.
type resultDecoders struct {
	mu   sync.Mutex
	idle map[string][]*primedDecoder
}

var resultGobs = resultDecoders{idle: map[string][]*primedDecoder{}}

// Bounds of the cache: the workers of one build send one set of
// definitions; a few builds at once is already unusual.
const (
	maxTypeSets      = 8
	maxIdleDecoders  = 16
	maxTypeSetLength = 64 << 10
)

// decode reads one gob-encoded result.
func (c *resultDecoders) decode(raw []byte) (*Result, error) {
	defs, value, err := splitTypes(raw)
	if err != nil {
		return nil, err
	}
	key := string(defs)
	c.mu.Lock()
	var d *primedDecoder
	if list := c.idle[key]; len(list) > 0 {
		d = list[len(list)-1]
		c.idle[key] = list[:len(list)-1]
	}
	c.mu.Unlock()
	if d == nil {
		d = &primedDecoder{r: bytes.NewReader(raw)}
		// A bytes.Reader is an io.ByteReader: the decoder reads it
		// directly, so Reset gives it the next message.
		d.dec = gob.NewDecoder(d.r)
	} else {
		d.r.Reset(value)
	}
	var r Result
	if err := d.dec.Decode(&r); err != nil {
		return nil, err
	}
	if d.r.Len() == 0 && len(defs) <= maxTypeSetLength {
		c.mu.Lock()
		if list, ok := c.idle[key]; (ok || len(c.idle) < maxTypeSets) && len(list) < maxIdleDecoders {
			c.idle[key] = append(list, d)
		}
		c.mu.Unlock()
	}
	return &r, nil
}
