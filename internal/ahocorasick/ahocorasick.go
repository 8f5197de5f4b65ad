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
	// delta[state*nclasses + class] is the next state shifted left once;
	// the low bit says the next state reports matches. One load per input
	// byte, no second table to consult on the common path. delta16 holds
	// it for automata of fewer than 32768 states, in half the memory, so
	// that a large rule set's table stays in the L2 cache; delta32
	// otherwise.
	delta16 []uint16
	delta32 []uint32
	// outs[outAt[s]:outAt[s+1]] is everything state s reports: its own
	// patterns, then those of the states along its failure chain, as one
	// slice to copy.
	outs  []int32
	outAt []int32
	// depth is the length of the longest pattern: a scan that starts in
	// the middle of a text agrees with one from its start at most depth
	// bytes later.
	depth    int
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
	// out[s] are the patterns ending at state s.
	out := [][]int32{nil}
	for id, p := range patterns {
		if len(p) == 0 {
			continue
		}
		m.depth = max(m.depth, len(p))
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
				nx = int32(len(out))
				out = append(out, nil)
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
		out[s] = append(out[s], int32(id))
	}
	delta := make([]int32, len(out)*nc)
	for s := 1; s < len(out); s++ {
		delta[int(parent[s])*nc+int(label[s])] = int32(s)
	}
	n := len(out)
	fail := make([]int32, n)
	// outLink[s] is the nearest state along s's failure chain that has
	// output, or -1.
	outLink := make([]int32, n)
	for i := range outLink {
		outLink[i] = -1
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
		if len(out[f]) > 0 {
			outLink[s] = f
		} else {
			outLink[s] = outLink[f]
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
	m.outAt = make([]int32, n+1)
	for s := 0; s < n; s++ {
		m.outAt[s] = int32(len(m.outs))
		for t := int32(s); t > 0; t = outLink[t] {
			m.outs = append(m.outs, out[t]...)
		}
	}
	m.outAt[n] = int32(len(m.outs))
	if n < 1<<15 {
		m.delta16 = make([]uint16, len(delta))
	} else {
		m.delta32 = make([]uint32, len(delta))
	}
	for i, next := range delta {
		flag := int32(0)
		if m.outAt[next+1] > m.outAt[next] {
			flag = 1
		}
		if m.delta16 != nil {
			m.delta16[i] = uint16(next<<1 | flag)
		} else {
			m.delta32[i] = uint32(next<<1 | flag)
		}
	}
	return m
}

// States is the number of automaton states (for diagnostics).
func (m *Matcher) States() int { return len(m.outAt) - 1 }

// Patterns is the number of patterns the automaton was compiled from
// (empty ones included): ids run from 0 to Patterns()-1.
func (m *Matcher) Patterns() int { return m.patterns }

// Find calls fn for every occurrence of every pattern in text, with the
// pattern id and the occurrence's end offset (exclusive), in order of end
// offset.
func (m *Matcher) Find(text []byte, fn func(id, end int)) {
	for _, mt := range m.AppendMatches(nil, text) {
		fn(int(mt.ID), int(mt.End))
	}
}

// Match is one occurrence: pattern ID ending at End (exclusive).
type Match struct {
	ID, End int32
}

// AppendMatches appends every occurrence of every pattern in text to dst,
// in order of end offset, and returns it.
func (m *Matcher) AppendMatches(dst []Match, text []byte) []Match {
	return m.Scan(new(Scanner), dst, text)
}
