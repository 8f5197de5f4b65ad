// Package ahocorasick finds every occurrence of many byte patterns in one
// pass over a text, whatever the number of patterns: the automaton of Aho
// and Corasick, compiled to a dense transition table over byte classes so
// that each input byte costs one table lookup.
package ahocorasick

// Matcher is a compiled set of patterns. It is immutable and safe for
// concurrent use.
type Matcher struct {
	classes  [256]uint8 // byte → class; class 0 is "no pattern uses this byte"
	nclasses int
	// delta[state*nclasses + class] is the next state, premultiplied by
	// nclasses and shifted left once; the low bit says the next state
	// reports matches. One load per input byte, no multiply, no second
	// table to consult on the common path.
	delta []int32
	// delta16 is delta with 16-bit entries (next state << 1 | flag, not
	// premultiplied) for automata of fewer than 32768 states: half the
	// memory, so that a large rule set's table stays in the L2 cache.
	delta16 []uint16
	out     [][]int32
	// outLink points to the nearest state along the failure chain that
	// has output, or -1, so reporting walks only states that match.
	outLink  []int32
	patterns int
}

// New compiles patterns. Empty patterns are ignored. Pattern i is
// reported with id i.
func New(patterns [][]byte) *Matcher {
	m := &Matcher{patterns: len(patterns)}
	// Byte classes: every byte that occurs in a pattern gets its own class.
	used := [256]bool{}
	for _, p := range patterns {
		for _, b := range p {
			used[b] = true
		}
	}
	m.nclasses = 1
	for b := 0; b < 256; b++ {
		if used[b] {
			m.classes[b] = uint8(m.nclasses)
			m.nclasses++
		}
	}
	if m.nclasses > 256 {
		panic("ahocorasick: more than 255 byte classes")
	}
	// Trie. Its states are numbered in the order patterns reach them;
	// children are kept as sibling lists while the trie grows (a map per
	// state cost more than all the rest), then written into the dense
	// transition table, allocated once its size is known: row s holds
	// state s's children, 0 where there is none (the root is nobody's
	// child).
	nc := m.nclasses
	var rootChild [256]int32
	firstChild := []int32{0}
	nextSibling := []int32{0}
	parent := []int32{0}
	label := []uint8{0}
	m.out = [][]int32{nil}
	for id, p := range patterns {
		if len(p) == 0 {
			continue
		}
		s := int32(0)
		for _, b := range p {
			c := m.classes[b]
			var nx int32
			if s == 0 {
				nx = rootChild[c]
			} else {
				for nx = firstChild[s]; nx != 0 && label[nx] != c; nx = nextSibling[nx] {
				}
			}
			if nx == 0 {
				nx = int32(len(m.out))
				m.out = append(m.out, nil)
				firstChild = append(firstChild, 0)
				parent = append(parent, s)
				label = append(label, c)
				if s == 0 {
					nextSibling = append(nextSibling, 0)
					rootChild[c] = nx
				} else {
					nextSibling = append(nextSibling, firstChild[s])
					firstChild[s] = nx
				}
			}
			s = nx
		}
		m.out[s] = append(m.out[s], int32(id))
	}
	delta := make([]int32, len(m.out)*nc)
	for s := 1; s < len(m.out); s++ {
		delta[int(parent[s])*nc+int(label[s])] = int32(s)
	}
	n := len(m.out)
	m.delta = delta
	fail := make([]int32, n)
	m.outLink = make([]int32, n)
	for i := range m.outLink {
		m.outLink[i] = -1
	}
	// Breadth-first construction of the full transition function: a
	// state's missing transitions are its failure state's, whose row is
	// complete since it is shallower. Children are visited in class
	// order, which keeps the table reproducible.
	queue := make([]int32, 0, n)
	for c := 0; c < nc; c++ {
		if nx := delta[c]; nx != 0 {
			fail[nx] = 0
			queue = append(queue, nx)
		}
	}
	for qi := 0; qi < len(queue); qi++ {
		s := queue[qi]
		f := fail[s]
		if len(m.out[f]) > 0 {
			m.outLink[s] = f
		} else {
			m.outLink[s] = m.outLink[f]
		}
		row := delta[int(s)*nc : int(s)*nc+nc]
		frow := delta[int(f)*nc : int(f)*nc+nc]
		for c, nx := range row {
			if nx == 0 {
				row[c] = frow[c]
				continue
			}
			fail[nx] = frow[c]
			queue = append(queue, nx)
		}
	}
	if n < 1<<15 {
		m.delta16 = make([]uint16, len(m.delta))
	}
	for i, next := range m.delta {
		flag := int32(0)
		if len(m.out[next]) > 0 || m.outLink[next] >= 0 {
			flag = 1
		}
		if m.delta16 != nil {
			m.delta16[i] = uint16(next<<1 | flag)
		}
		m.delta[i] = next*int32(nc)<<1 | flag
	}
	if m.delta16 != nil {
		m.delta = nil
	}
	return m
}

// States is the number of automaton states (for diagnostics).
func (m *Matcher) States() int { return len(m.out) }

// Find calls fn for every occurrence of every pattern in text, with the
// pattern id and the occurrence's end offset (exclusive), in order of end
// offset.
func (m *Matcher) Find(text []byte, fn func(id, end int)) {
	if m.delta16 != nil {
		for _, mt := range m.AppendMatches(nil, text) {
			fn(int(mt.ID), int(mt.End))
		}
		return
	}
	s := int32(0)
	nc := int32(m.nclasses)
	delta := m.delta
	classes := &m.classes
	for i, b := range text {
		e := delta[s+int32(classes[b])]
		s = e >> 1
		if e&1 == 0 {
			continue
		}
		for t := s / nc; t > 0; t = m.outLink[t] {
			for _, id := range m.out[t] {
				fn(int(id), i+1)
			}
		}
	}
}

// Match is one occurrence: pattern ID ending at End (exclusive).
type Match struct {
	ID, End int32
}

// AppendMatches appends every occurrence of every pattern in text to dst,
// in order of end offset, and returns it. It does what Find does without
// a function call per match, for callers on a hot path.
func (m *Matcher) AppendMatches(dst []Match, text []byte) []Match {
	w, ok := m.Walker()
	if !ok {
		m.Find(text, func(id, end int) { dst = append(dst, Match{int32(id), int32(end)}) })
		return dst
	}
	var s uint32
	for i, b := range text {
		var report bool
		if s, report = w.Step(s, b); report {
			dst = w.AppendOutputs(dst, s, i+1)
		}
	}
	return dst
}
