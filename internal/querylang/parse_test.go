package querylang

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// show renders a parsed query compactly: Bool as {+must ?should -not},
// terms as field:kind(text).
func show(n Node) string {
	switch n := n.(type) {
	case nil:
		return "<nil>"
	case *Term:
		kind := [...]string{"w", "p", "wc", "fz", "re"}[n.Kind]
		s := kind + "(" + n.Text + ")"
		if n.Kind == Fuzzy {
			s += fmt.Sprint(n.Fuzziness)
		}
		if n.Field != "" {
			s = n.Field + ":" + s
		}
		return s
	case *Bool:
		var parts []string
		for _, c := range n.Must {
			parts = append(parts, "+"+show(c))
		}
		for _, c := range n.Should {
			parts = append(parts, "?"+show(c))
		}
		for _, c := range n.MustNot {
			parts = append(parts, "-"+show(c))
		}
		return "{" + strings.Join(parts, " ") + "}"
	}
	return "?"
}

func TestParse(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", "<nil>"},
		{"   ", "<nil>"},
		{"state", "w(state)"},
		{"supply chain", "{?w(supply) ?w(chain)}"},
		{"attribution AND state", "{+w(attribution) +w(state)}"},
		{"attribution and state", "{?w(attribution) ?w(and) ?w(state)}"},
		{"a OR b", "{?w(a) ?w(b)}"},
		{"a OR b AND c", "{?w(a) ?{+w(b) +w(c)}}"},
		{"a AND b OR c", "{?{+w(a) +w(b)} ?w(c)}"},
		{"(a OR b) AND c", "{+{?w(a) ?w(b)} +w(c)}"},
		{"a AND NOT b", "{+w(a) -w(b)}"},
		{"a AND -b", "{+w(a) -w(b)}"},
		{"NOT a", "{-w(a)}"},
		{"-encryption", "{-w(encryption)}"},
		{"NOT NOT a", "w(a)"},
		{"a OR NOT b", "{?w(a) ?{-w(b)}}"},
		{"+health -vulnerabilities", "{+w(health) -w(vulnerabilities)}"},
		{"+a b", "{+w(a) ?w(b)}"},
		{`"critical infrastructure"`, "p(critical infrastructure)"},
		{`title:"national report" norm:g`, "{?title:p(national report) ?norm:w(g)}"},
		{"Norm:G", "norm:w(G)"},
		{"norm:(f OR g)", "{?norm:w(f) ?norm:w(g)}"},
		{"lang:fr", "lang:w(fr)"},
		{"cyber*", "wc(cyber*)"},
		{`cyber\*`, "w(cyber*)"},
		{"state~", "fz(state)1"},
		{"state~2", "fz(state)2"},
		{"/cyber.*/", "re(cyber.*)"},
		{"text:/cyb[eo]r/", "text:re(cyb[eo]r)"},
		{"10:30", "w(10:30)"},
		{`foo\:bar`, "w(foo:bar)"},
		{"ICT-dependent", "w(ICT-dependent)"},
		{"norm:AND", "norm:w(AND)"},
		{"((a))", "w(a)"},
		{"a (b c)", "{?w(a) ?{?w(b) ?w(c)}}"},
		{"cybersécurité", "w(cybersécurité)"},
	} {
		n, err := Parse(c.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.in, err)
			continue
		}
		if got := show(n); got != c.want {
			t.Errorf("Parse(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}

// Every mistake is an *Error saying what is wrong and, where it is about
// one place, at which character.
func TestParseErrors(t *testing.T) {
	for _, c := range []struct {
		in, want string
		pos      int
	}{
		{"a AND", "AND needs a word", 3},
		{"AND a", "AND needs a word, phrase or group before it", 1},
		{"a OR OR b", "OR needs a word", 3},
		{"(a b", `"(" is never closed`, 1},
		{"a b)", `")" closes no "("`, 4},
		{"()", "empty parentheses", 1},
		{`"unclosed`, "unclosed quote", 1},
		{`x /cyber`, "unclosed regular expression", 3},
		{"search - encryption", `"-" must be written right before`, 8},
		{"a +", `"+" must be written right before`, 3},
		{"title: report", "title: needs a value", 1},
		{"title:", "title: needs a value", 1},
		{"norm:(title:x)", "names a second field", 7},
		{"NOT", "NOT needs a word", 1},
		{strings.Repeat("(", MaxDepth+1) + "a" + strings.Repeat(")", MaxDepth+1), "nested deeper", MaxDepth + 1},
		{strings.Repeat("NOT ", MaxDepth+1) + "a", "nested deeper", 4*MaxDepth + 1},
		{strings.Repeat("w ", MaxTerms+1), "more than 100", 2*MaxTerms + 1},
		{"\xff", "not valid UTF-8", 0},
	} {
		_, err := Parse(c.in)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("Parse(%q): want *Error, got %v", c.in, err)
			continue
		}
		if !strings.Contains(e.Msg, c.want) || e.Pos != c.pos {
			t.Errorf("Parse(%q) = %q at %d, want %q at %d", c.in, e.Msg, e.Pos, c.want, c.pos)
		}
	}
}

// Parse never panics and every failure is an *Error, whatever the input.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"a AND (b OR -c)", `title:"x y" norm:g`, "cyb* state~2 /re/", `\(x\)`, "((", "NOT -+x", "f:(a b)", `a\`, "x:\"", "é:é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Parse(s)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse(%q): error %T %v is not *Error", s, err, err)
			}
			return
		}
		_ = show(n)
	})
}
