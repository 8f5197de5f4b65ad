package pdf

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// shortDecimal must give exactly what strconv.ParseFloat gives, or leave
// the number to it.
func TestShortDecimalMatchesParseFloat(t *testing.T) {
	cases := []string{"0", "-0", "+0", "0.0", "-0.000", ".5", "-.5", "5.", "612", "-12.345", "0.001",
		"000123.4500", "123456789012345", "1234567890123456", "0.1234567890123456789012",
		"0.0000000000000000000001", "0.00000000000000000000001", "1.5e3", "1-2", "--1", "-", ".", "+",
		"1.2.3", "9007199254740993", "99999999999999.9", "3.14159265358979", "-0.30000000000000004"}
	rng := rand.New(rand.NewPCG(1, 2))
	digits := "0123456789"
	for range 20000 {
		var b strings.Builder
		if rng.IntN(3) == 0 {
			b.WriteByte('-')
		}
		for range rng.IntN(10) {
			b.WriteByte(digits[rng.IntN(10)])
		}
		if rng.IntN(2) == 0 {
			b.WriteByte('.')
			for range rng.IntN(12) {
				b.WriteByte(digits[rng.IntN(10)])
			}
		}
		cases = append(cases, b.String())
	}
	fast := 0
	for _, c := range cases {
		got, ok := shortDecimal([]byte(c))
		if !ok {
			continue
		}
		fast++
		want, err := strconv.ParseFloat(c, 64)
		if err != nil || math.Float64bits(got) != math.Float64bits(want) {
			t.Errorf("%q: shortDecimal %v (%x), ParseFloat %v (%x) %v", c, got, math.Float64bits(got), want, math.Float64bits(want), err)
		}
	}
	if fast < len(cases)/2 {
		t.Errorf("only %d of %d numbers parsed by shortDecimal", fast, len(cases))
	}
}

// The lexer reads operators and operands as before its fast paths:
// escapes, nested parentheses, #xx in names, numbers in all forms.
func TestLexerTokens(t *testing.T) {
	src := `q 1 0 0 -1.5 .5 -0 cm BT /F1#20x 12 Tf (plain) Tj (a\(b\)c \101\n) Tj (nest (ed)) Tj <48 65 6c6> Tj ` +
		`[(A) -250 (B)] TJ /Name#zz Do 1-2 frob ET Q (unterminated`
	var got []string
	interpret([]byte(src), func(op string, args []operand) {
		var b strings.Builder
		b.WriteString(op)
		var write func(a operand)
		write = func(a operand) {
			switch a.kind {
			case 'n':
				b.WriteString(" " + strconv.FormatFloat(a.num, 'g', -1, 64))
				if math.Signbit(a.num) && a.num == 0 {
					b.WriteString("(neg)")
				}
			case '[':
				b.WriteString(" [")
				for _, x := range a.arr {
					write(x)
				}
				b.WriteString(" ]")
			default:
				b.WriteString(" " + string(a.kind) + strconv.Quote(a.str))
			}
		}
		for _, a := range args {
			write(a)
		}
		got = append(got, b.String())
	})
	want := []string{
		"q",
		`cm 1 0 0 -1.5 0.5 -0(neg)`,
		"BT",
		`Tf /"F1 x" 12`,
		`Tj s"plain"`,
		`Tj s"a(b)c A\n"`,
		`Tj s"nest (ed)"`,
		`Tj s"Hel`,
		`TJ [ s"A" -250 s"B" ]`,
		`Do /"Name#zz"`,
		"frob",
		"ET",
		"Q",
	}
	want[7] = `Tj s"Hel` + "`" + `"`
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("tokens:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// cleanTextLines copies a page rune by rune only when hasDroppedRunes
// says a character changes; the result is the same either way.
func TestHasDroppedRunes(t *testing.T) {
	for _, c := range []struct {
		s    string
		drop bool
	}{
		{"plain text\n\twith tab", false}, {"café – “quoted” \uFFFD", false}, {"bell\a", true},
		{"del\x7f", true}, {"c1 \u0085", true}, {"bom \uFEFF", true}, {"bad \xff byte", true}, {"cut \xe2\x80", true},
		{"\r", true},
	} {
		if got := hasDroppedRunes(c.s); got != c.drop {
			t.Errorf("%q: %v", c.s, got)
		}
		var b strings.Builder
		for _, r := range c.s {
			if r == '\n' || r == '\t' || !unicode.IsControl(r) && r != '\uFEFF' {
				b.WriteRune(r)
			}
		}
		if changed := b.String() != c.s; changed != c.drop {
			t.Errorf("%q: changed by cleaning %v, hasDroppedRunes %v", c.s, changed, c.drop)
		}
	}
}
