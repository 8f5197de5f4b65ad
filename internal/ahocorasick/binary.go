package ahocorasick

import (
	"fmt"

	"github.com/normtag/normtag/internal/flatbin"
)

// Encode appends the compiled automaton to w, for Decode: reading it
// back costs a pass over the transition table, where compiling it again
// builds the trie and every failure link.
func (m *Matcher) Encode(w *flatbin.Writer) {
	w.Int(m.patterns)
	w.Int(m.depth)
	w.Int(m.nclasses)
	w.B = append(w.B, m.classes[:]...)
	w.Uint16s(m.delta16)
	w.Uint32s(m.delta32)
	w.Int32s(m.outs)
	w.Int32s(m.outAt)
}

// Decode reads an automaton Encode wrote. Every transition, report and
// pattern id is checked to be in range, so that no damage to the bytes
// can make a scan index outside the tables.
func Decode(r *flatbin.Reader) (*Matcher, error) {
	m := &Matcher{patterns: r.Int(), depth: r.Int(), nclasses: r.Int()}
	for i := range m.classes {
		m.classes[i] = r.Byte()
	}
	m.delta16 = r.Uint16s()
	m.delta32 = r.Uint32s()
	m.outs = r.Int32s()
	m.outAt = r.Int32s()
	if err := r.Err(); err != nil {
		return nil, fmt.Errorf("automaton: %w", err)
	}
	if err := m.check(); err != nil {
		return nil, fmt.Errorf("automaton: %w", err)
	}
	if len(m.delta16) == 0 {
		m.delta16 = nil
	}
	return m, nil
}

// check verifies what Decode read.
func (m *Matcher) check() error {
	if m.patterns < 0 || m.depth < 0 || m.nclasses < 1 || m.nclasses > 256 {
		return fmt.Errorf("bad header: %d patterns, depth %d, %d classes", m.patterns, m.depth, m.nclasses)
	}
	for b, c := range m.classes {
		if int(c) >= m.nclasses {
			return fmt.Errorf("byte %d in class %d of %d", b, c, m.nclasses)
		}
	}
	n := len(m.outAt) - 1
	if n < 1 || m.outAt[0] != 0 || int(m.outAt[n]) != len(m.outs) {
		return fmt.Errorf("report table of %d states does not span %d reports", n, len(m.outs))
	}
	for s := 0; s < n; s++ {
		if m.outAt[s] > m.outAt[s+1] {
			return fmt.Errorf("state %d: reports out of order", s)
		}
	}
	for _, id := range m.outs {
		if id < 0 || int(id) >= m.patterns {
			return fmt.Errorf("pattern id %d of %d", id, m.patterns)
		}
	}
	// One table, of the width New picks for the number of states, each
	// entry a state in range whose report bit is right (appendTraced
	// trusts it).
	switch {
	case n < 1<<15 && len(m.delta16) == n*m.nclasses && len(m.delta32) == 0:
		return checkDelta(m.delta16, m.outAt)
	case n >= 1<<15 && len(m.delta32) == n*m.nclasses && len(m.delta16) == 0:
		return checkDelta(m.delta32, m.outAt)
	}
	return fmt.Errorf("transition tables of %d and %d entries for %d states of %d classes", len(m.delta16), len(m.delta32), n, m.nclasses)
}

// checkDelta verifies that every entry of delta names a state of outAt
// and says whether it reports.
func checkDelta[E uint16 | uint32](delta []E, outAt []int32) error {
	n := E(len(outAt) - 1)
	for i, e := range delta {
		s := e >> 1
		if s >= n {
			return fmt.Errorf("transition %d to state %d of %d", i, s, n)
		}
		if reports := outAt[s+1] > outAt[s]; reports != (e&1 == 1) {
			return fmt.Errorf("transition %d: report bit of state %d is wrong", i, s)
		}
	}
	return nil
}
