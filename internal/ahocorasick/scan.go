package ahocorasick

// Stepping the automaton is a chain of dependent table loads: each byte's
// load needs the state the previous one gave, so a single scan runs at
// the table's load latency, however little else there is to do. A
// Scanner cuts a long text into four segments and steps four scans, one
// per segment, in the same loop, so that their loads overlap.
//
// A scan started from the root in the middle of a text reports only real
// occurrences, but misses those that began before its start. The scan
// of the segment before therefore goes on past the segment's end until
// both scans are in the same state at the same byte; from there they
// would agree on everything, so the earlier scan's reports are kept up
// to that byte and the later scan's after it. They always agree within
// depth bytes: the state is the longest suffix of the text read that
// begins some pattern, and once that suffix is shorter than the
// distance to the later scan's start, both scans have it.
//
// The reporting states are noted without a branch, a slot written every
// byte and kept by advancing past it (in prose a pattern ends every few
// bytes, too irregularly for branch prediction), and turned into matches
// after the loop.

// streams is the number of scans a long text is cut into.
const streams = 4

// minSegment is the shortest segment worth a scan of its own.
const minSegment = 32

// Scanner holds Matcher.Scan's buffers from one text to the next, for
// any Matcher; its zero value is ready to use. It is not safe for
// concurrent use.
type Scanner struct {
	// reports[j] are scan j's reporting states, in order.
	reports [streams][]report
	// states[j] are scan j's states over its first depth bytes, for the
	// scan before it to meet.
	states [streams][]uint32
}

// report is a state that reports matches and the end (exclusive) of the
// byte that led to it.
type report struct {
	state, end uint32
}

// Scan is AppendMatches with s's buffers, for callers on a hot path.
func (m *Matcher) Scan(s *Scanner, dst []Match, text []byte) []Match {
	if m.delta16 != nil {
		return scan(m, s, m.delta16, dst, text)
	}
	return scan(m, s, m.delta32, dst, text)
}

// scan is Scan over either table width.
func scan[E uint16 | uint32](m *Matcher, s *Scanner, delta []E, dst []Match, text []byte) []Match {
	nc := uint32(m.nclasses)
	classes := &m.classes
	depth := max(m.depth, 1)
	for j := range s.reports {
		if cap(s.reports[j]) < len(text)+1 {
			s.reports[j] = make([]report, len(text)+1+len(text)/8)
		}
		if cap(s.states[j]) < depth {
			s.states[j] = make([]uint32, depth)
		}
	}
	seg := len(text) / streams
	if seg < max(depth, minSegment) {
		// One scan.
		reps := s.reports[0][:len(text)+1]
		k := 0
		var st uint32
		for i, b := range text {
			e := delta[st*nc+uint32(classes[b])]
			st = uint32(e >> 1)
			reps[k] = report{st, uint32(i + 1)}
			k += int(e & 1)
		}
		return m.appendReports(dst, reps[:k], 0)
	}
	// Segment j is text[j*seg : (j+1)*seg], the last one to the end.
	t0, t1, t2, t3 := text[:seg], text[seg:2*seg], text[2*seg:3*seg], text[3*seg:]
	r0, r1, r2, r3 := s.reports[0][:len(text)+1], s.reports[1][:len(text)+1], s.reports[2][:len(text)+1], s.reports[3][:len(text)+1]
	q1, q2, q3 := s.states[1][:depth], s.states[2][:depth], s.states[3][:depth]
	var s0, s1, s2, s3 uint32
	var k0, k1, k2, k3 int
	b1, b2, b3 := uint32(seg), uint32(2*seg), uint32(3*seg)
	// The first depth bytes of each segment, recording the later scans'
	// states; then the rest of the common length.
	for i := range depth {
		e0 := delta[s0*nc+uint32(classes[t0[i]])]
		e1 := delta[s1*nc+uint32(classes[t1[i]])]
		e2 := delta[s2*nc+uint32(classes[t2[i]])]
		e3 := delta[s3*nc+uint32(classes[t3[i]])]
		s0, s1, s2, s3 = uint32(e0>>1), uint32(e1>>1), uint32(e2>>1), uint32(e3>>1)
		q1[i], q2[i], q3[i] = s1, s2, s3
		end := uint32(i + 1)
		r0[k0], r1[k1], r2[k2], r3[k3] = report{s0, end}, report{s1, b1 + end}, report{s2, b2 + end}, report{s3, b3 + end}
		k0, k1, k2, k3 = k0+int(e0&1), k1+int(e1&1), k2+int(e2&1), k3+int(e3&1)
	}
	for i := depth; i < seg; i++ {
		e0 := delta[s0*nc+uint32(classes[t0[i]])]
		e1 := delta[s1*nc+uint32(classes[t1[i]])]
		e2 := delta[s2*nc+uint32(classes[t2[i]])]
		e3 := delta[s3*nc+uint32(classes[t3[i]])]
		s0, s1, s2, s3 = uint32(e0>>1), uint32(e1>>1), uint32(e2>>1), uint32(e3>>1)
		end := uint32(i + 1)
		r0[k0], r1[k1], r2[k2], r3[k3] = report{s0, end}, report{s1, b1 + end}, report{s2, b2 + end}, report{s3, b3 + end}
		k0, k1, k2, k3 = k0+int(e0&1), k1+int(e1&1), k2+int(e2&1), k3+int(e3&1)
	}
	// The last segment's remainder.
	for i := seg; i < len(t3); i++ {
		e3 := delta[s3*nc+uint32(classes[t3[i]])]
		s3 = uint32(e3 >> 1)
		r3[k3] = report{s3, b3 + uint32(i+1)}
		k3 += int(e3 & 1)
	}
	// Each scan but the last goes on into the next segment until it meets
	// that segment's scan: meet[j] is the end of the byte where scan j-1
	// met scan j.
	var meet [streams]uint32
	cont := func(st uint32, reps []report, k int, next []byte, states []uint32, base uint32) (int, uint32) {
		for i, b := range next[:depth] {
			e := delta[st*nc+uint32(classes[b])]
			st = uint32(e >> 1)
			reps[k] = report{st, base + uint32(i+1)}
			k += int(e & 1)
			if st == states[i] {
				return k, base + uint32(i+1)
			}
		}
		panic("ahocorasick: scans did not meet within the longest pattern")
	}
	k0, meet[1] = cont(s0, r0, k0, t1, q1, b1)
	k1, meet[2] = cont(s1, r1, k1, t2, q2, b2)
	k2, meet[3] = cont(s2, r2, k2, t3, q3, b3)
	dst = m.appendReports(dst, r0[:k0], 0)
	dst = m.appendReports(dst, r1[:k1], meet[1])
	dst = m.appendReports(dst, r2[:k2], meet[2])
	return m.appendReports(dst, r3[:k3], meet[3])
}

// appendReports appends the matches of reports that end after from.
func (m *Matcher) appendReports(dst []Match, reps []report, from uint32) []Match {
	for _, r := range reps {
		if r.end <= from {
			continue
		}
		for _, id := range m.outs[m.outAt[r.state]:m.outAt[r.state+1]] {
			dst = append(dst, Match{id, int32(r.end)})
		}
	}
	return dst
}
