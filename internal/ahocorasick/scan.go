package ahocorasick

// Stepping the automaton is a chain of dependent table loads: each byte's
// load needs the state the previous one gave, and a text of varied words
// visits far more of the table than the L1 cache holds, so a single scan
// runs at the L2 cache's latency however little else there is to do.
// Scan cuts a long text into four segments and steps four scans, one per
// segment, in the same loop, so that their loads overlap.
//
// Each scan writes the table entry it loads (next state and report bit)
// to a trace, one entry per byte of text. A scan started from the root
// in the middle of a text misses the occurrences that began before its
// start, so the scan of the segment before goes on into the next one,
// writing over that scan's trace, until both are in the same state at
// the same byte: from there they agree on everything. They always agree
// within depth bytes, as a scan's state is the longest suffix of the
// text read that begins some pattern: once that suffix is shorter than
// the distance to the later scan's start, both scans have it. The trace
// is then exactly one scan's from the start of the text.
//
// The reporting bytes are picked out of the trace without a branch (in
// prose a pattern ends every few bytes, too irregularly for branch
// prediction), and only they are turned into matches.

// streams is the number of scans a long text is cut into.
const streams = 4

// minSegment is the shortest segment worth a scan of its own.
const minSegment = 32

// Scanner holds Matcher.Scan's buffers from one text to the next, for
// any Matcher; its zero value is ready to use. It is not safe for
// concurrent use.
type Scanner struct {
	trace16 []uint16
	trace32 []uint32
	// at are the offsets of the bytes whose entry reports matches.
	at []int32
}

// Scan is AppendMatches with s's buffers, for callers on a hot path.
func (m *Matcher) Scan(s *Scanner, dst []Match, text []byte) []Match {
	if m.delta16 != nil {
		return scan(m, m.delta16, &s.trace16, &s.at, dst, text)
	}
	return scan(m, m.delta32, &s.trace32, &s.at, dst, text)
}

// scan is Scan over either table width; trace and at are its buffers.
func scan[E uint16 | uint32](m *Matcher, delta []E, trace *[]E, at *[]int32, dst []Match, text []byte) []Match {
	if cap(*trace) < len(text) {
		*trace = make([]E, len(text)+len(text)/8)
	}
	if cap(*at) < len(text) {
		*at = make([]int32, len(text)+len(text)/8)
	}
	tr := (*trace)[:len(text)]
	nc := uint32(m.nclasses)
	classes := &m.classes
	depth := max(m.depth, 1)
	seg := len(text) / streams
	if seg < max(depth, minSegment) {
		var st uint32
		for i, b := range text {
			e := delta[st*nc+uint32(classes[b])]
			tr[i] = e
			st = uint32(e >> 1)
		}
		return appendTraced(m, dst, tr, (*at)[:len(text)])
	}
	// Segment j is text[j*seg : (j+1)*seg], the last one to the end.
	t0, t1, t2, t3 := text[:seg], text[seg:2*seg], text[2*seg:3*seg], text[3*seg:]
	x0, x1, x2, x3 := tr[:seg], tr[seg:2*seg], tr[2*seg:3*seg], tr[3*seg:]
	var s0, s1, s2, s3 uint32
	for i := range t0 {
		e0 := delta[s0*nc+uint32(classes[t0[i]])]
		e1 := delta[s1*nc+uint32(classes[t1[i]])]
		e2 := delta[s2*nc+uint32(classes[t2[i]])]
		e3 := delta[s3*nc+uint32(classes[t3[i]])]
		x0[i], x1[i], x2[i], x3[i] = e0, e1, e2, e3
		s0, s1, s2, s3 = uint32(e0>>1), uint32(e1>>1), uint32(e2>>1), uint32(e3>>1)
	}
	for i := seg; i < len(t3); i++ { // the last segment's remainder
		e3 := delta[s3*nc+uint32(classes[t3[i]])]
		x3[i] = e3
		s3 = uint32(e3 >> 1)
	}
	// Each scan but the last goes on into the next segment until it meets
	// that segment's scan.
	meet := func(st uint32, next []byte, trace []E) {
		for i, b := range next[:depth] {
			e := delta[st*nc+uint32(classes[b])]
			if e == trace[i] {
				return
			}
			trace[i] = e
			st = uint32(e >> 1)
		}
		panic("ahocorasick: scans did not meet within the longest pattern")
	}
	meet(s0, t1, x1)
	meet(s1, t2, x2)
	meet(s2, t3, x3)
	return appendTraced(m, dst, tr, (*at)[:len(text)])
}

// appendTraced appends the matches of a scan's trace, using at (as long
// as trace) as scratch.
func appendTraced[E uint16 | uint32](m *Matcher, dst []Match, trace []E, at []int32) []Match {
	k := 0
	for i, e := range trace {
		at[k] = int32(i)
		k += int(e & 1)
	}
	for _, i := range at[:k] {
		s := trace[i] >> 1
		for _, id := range m.outs[m.outAt[s]:m.outAt[s+1]] {
			dst = append(dst, Match{id, i + 1})
		}
	}
	return dst
}
