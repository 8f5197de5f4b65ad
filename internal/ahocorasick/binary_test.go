package ahocorasick

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/normtag/normtag/internal/flatbin"
)

// randomPatterns are n patterns of random words over a small alphabet.
func randomPatterns(r *rand.Rand, n, maxLen int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		p := make([]byte, 1+r.IntN(maxLen))
		for j := range p {
			p[j] = "abcdefghij klmnopqrstuvwxyz"[r.IntN(27)]
		}
		out[i] = p
	}
	return out
}

func roundTrip(t *testing.T, m *Matcher) *Matcher {
	t.Helper()
	var w flatbin.Writer
	m.Encode(&w)
	r := flatbin.NewReader(w.B)
	back, err := Decode(r)
	if err != nil {
		t.Fatal(err)
	}
	if r.Rest() != 0 {
		t.Fatalf("%d bytes left after the automaton", r.Rest())
	}
	return back
}

// TestEncodeDecode: an automaton read back finds what the original
// finds, with the compact table and with the wide one.
func TestEncodeDecode(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, c := range []struct{ n, maxLen int }{{50, 6}, {5000, 40}} {
		patterns := randomPatterns(r, c.n, c.maxLen)
		m := New(patterns)
		back := roundTrip(t, m)
		if (m.delta16 == nil) != (back.delta16 == nil) || back.States() != m.States() || back.Patterns() != len(patterns) {
			t.Fatalf("%d patterns: %d states (compact %v), read back %d (compact %v)", c.n, m.States(), m.delta16 != nil, back.States(), back.delta16 != nil)
		}
		text := bytes.Join(randomPatterns(r, 400, 30), []byte(" "))
		text = append(text, patterns[c.n/2]...)
		got, want := run(back, text), naive(patterns, text)
		if fmt.Sprint(got) != fmt.Sprint(want) || len(want) == 0 {
			t.Fatalf("%d patterns: %d matches read back, %d by naive search", c.n, len(got), len(want))
		}
	}
	if States := New(randomPatterns(r, 5000, 40)).States(); States < 1<<15 {
		t.Fatalf("%d states: the wide table is not tested", States)
	}
}

// TestDecodeRefusesDamage: cut short anywhere, or with a transition,
// report or class out of range, an automaton is refused.
func TestDecodeRefusesDamage(t *testing.T) {
	m := New(randomPatterns(rand.New(rand.NewPCG(5, 6)), 30, 5))
	var w flatbin.Writer
	m.Encode(&w)
	good := w.B
	for n := 0; n < len(good); n++ {
		if _, err := Decode(flatbin.NewReader(good[:n])); err == nil {
			t.Fatalf("the first %d of %d bytes were read", n, len(good))
		}
	}
	damage := func(f func(m *Matcher)) error {
		c := *m
		c.classes = m.classes
		c.delta16 = append([]uint16(nil), m.delta16...)
		c.outs = append([]int32(nil), m.outs...)
		c.outAt = append([]int32(nil), m.outAt...)
		f(&c)
		var w flatbin.Writer
		c.Encode(&w)
		_, err := Decode(flatbin.NewReader(w.B))
		return err
	}
	for name, f := range map[string]func(m *Matcher){
		"transition past the last state": func(m *Matcher) { m.delta16[7] = uint16(m.States()) << 1 },
		"wrong report bit":               func(m *Matcher) { m.delta16[0] ^= 1 },
		"pattern id out of range":        func(m *Matcher) { m.outs[0] = int32(m.patterns) },
		"reports out of order":           func(m *Matcher) { m.outAt[1], m.outAt[2] = m.outAt[2]+1, m.outAt[1] },
		"class out of range":             func(m *Matcher) { m.classes['a'] = uint8(m.nclasses) },
		"table too short":                func(m *Matcher) { m.delta16 = m.delta16[:len(m.delta16)-1] },
		"both tables":                    func(m *Matcher) { m.delta32 = []uint32{0} },
	} {
		if err := damage(f); err == nil {
			t.Errorf("%s: read", name)
		}
	}
	if err := damage(func(*Matcher) {}); err != nil {
		t.Fatalf("undamaged: %v", err)
	}
}
