package wordf1

import "testing"

func TestScore(t *testing.T) {
	if _, _, f := Score("the ﬁrst norm", "The first norm"); f != 1 {
		t.Fatalf("ligature and case must not count: %v", f)
	}
	p, r, f := Score("critical infrastructure", "protect critical infrastructure now")
	if p != 1 || r != 0.5 || f < 0.66 || f > 0.67 {
		t.Fatalf("%v %v %v", p, r, f)
	}
	if _, _, f := Score("ChathamHouse", "Chatham House"); f != 0 {
		t.Fatalf("glued words must not match: %v", f)
	}
}
