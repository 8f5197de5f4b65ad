package ahocorasick

// Walker steps a Matcher's automaton one byte at a time, for callers
// that produce the text as they scan it (folding and matching in one
// loop, so that the folding work overlaps the table loads).
type Walker struct {
	delta   []uint16
	classes *[256]uint8
	nc      uint32
	m       *Matcher
}

// Walker returns a Walker, or false if the automaton is too large for
// the compact table (then use AppendMatches).
func (m *Matcher) Walker() (Walker, bool) {
	if m.delta16 == nil {
		return Walker{}, false
	}
	return Walker{delta: m.delta16, classes: &m.classes, nc: uint32(m.nclasses), m: m}, true
}

// Step returns the state after reading b in state s, and whether that
// state reports matches (then call AppendOutputs). The start state is 0.
func (w *Walker) Step(s uint32, b byte) (uint32, bool) {
	e := w.delta[s*w.nc+uint32(w.classes[b])]
	return uint32(e >> 1), e&1 != 0
}

// AppendOutputs appends the matches state s reports, ending at end.
func (w *Walker) AppendOutputs(dst []Match, s uint32, end int) []Match {
	m := w.m
	for t := int32(s); t > 0; t = m.outLink[t] {
		for _, id := range m.out[t] {
			dst = append(dst, Match{id, int32(end)})
		}
	}
	return dst
}
