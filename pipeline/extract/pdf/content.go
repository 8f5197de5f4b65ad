package pdf

import (
	"bytes"
	"fmt"
	"io"
	"strconv"

	lpdf "github.com/ledongthuc/pdf"
)

// maxContentBytes bounds one page's decoded content streams.
const maxContentBytes = 64 << 20

// operand is one operand of a content-stream operator.
type operand struct {
	kind byte // 'n' number, 's' string, '/' name, '[' array, 'o' other
	num  float64
	str  string
	arr  []operand
}

func (o operand) float() float64 { return o.num }

// contentBytes returns the decoded bytes of a content stream (or an array
// of them), in buf's storage when it is large enough. A stream that
// cannot be decoded to the end contributes what was decoded before the
// damage; the first decoding error is returned too, so that a page left
// empty by it is not mistaken for a blank one.
func contentBytes(strm lpdf.Value, buf []byte) (data []byte, firstErr error) {
	out := bytes.NewBuffer(buf[:0])
	read := func(v lpdf.Value) {
		defer func() {
			if r := recover(); r != nil && firstErr == nil {
				firstErr = fmt.Errorf("content stream: %v", r) // e.g. an unsupported filter
			}
		}()
		rc := v.Reader()
		defer rc.Close()
		if _, err := io.Copy(out, io.LimitReader(rc, maxContentBytes-int64(out.Len()))); err != nil && firstErr == nil {
			firstErr = fmt.Errorf("content stream: %w", err)
		}
		out.WriteByte('\n')
	}
	if strm.Kind() == lpdf.Array {
		for i := 0; i < strm.Len() && out.Len() < maxContentBytes; i++ {
			read(strm.Index(i))
		}
	} else if !strm.IsNull() {
		read(strm)
	}
	return out.Bytes(), firstErr
}

// lexer reads content-stream tokens. Unlike ledongthuc/pdf's interpreter
// it skips inline images and recovers from malformed tokens, so that one
// bad operator costs that operator, not the page.
type lexer struct {
	b   []byte
	pos int
	// scratch collects the elements of the arrays being read (nested
	// ones after their parent's); arena holds finished arrays until the
	// operator that takes them has run (see interpret). Reusing both
	// spares a growing allocation per TJ array, the most common operand
	// of text-heavy pages.
	scratch []operand
	arena   []operand
	// tmp collects the bytes of a string or name being unescaped.
	tmp []byte
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

// interpret calls do for every operator with its operands.
func interpret(data []byte, do func(op string, args []operand)) {
	lx := &lexer{b: data}
	var stack []operand
	for {
		tok, op, ok := lx.next()
		if !ok {
			return
		}
		if op == "" {
			if len(stack) < 1000 {
				stack = append(stack, tok)
			}
			continue
		}
		if op == "BI" {
			lx.skipInlineImage()
			stack = stack[:0]
			lx.arena = lx.arena[:0]
			continue
		}
		do(op, stack)
		stack = stack[:0]
		lx.arena = lx.arena[:0] // no operator keeps its operands
	}
}

// next returns an operand, or an operator name in op.
func (lx *lexer) next() (operand, string, bool) {
	for {
		lx.skipSpace()
		if lx.pos >= len(lx.b) {
			return operand{}, "", false
		}
		c := lx.b[lx.pos]
		switch {
		case c == '(':
			return operand{kind: 's', str: lx.literal()}, "", true
		case c == '<' && lx.peek(1) == '<':
			lx.skipDict()
			return operand{kind: 'o'}, "", true
		case c == '<':
			return operand{kind: 's', str: lx.hex()}, "", true
		case c == '/':
			return operand{kind: '/', str: lx.name()}, "", true
		case c == '[':
			lx.pos++
			return operand{kind: '[', arr: lx.array(0)}, "", true
		case c == ']' || c == ')' || c == '>' || c == '{' || c == '}':
			lx.pos++ // stray delimiter: ignore
			continue
		case c == '+' || c == '-' || c == '.' || c >= '0' && c <= '9':
			if n, ok := lx.number(); ok {
				return operand{kind: 'n', num: n}, "", true
			}
			continue
		default:
			start := lx.pos
			for lx.pos < len(lx.b) && !isSpace(lx.b[lx.pos]) && !isDelim(lx.b[lx.pos]) {
				lx.pos++
			}
			if lx.pos == start {
				lx.pos++
				continue
			}
			word := lx.b[start:lx.pos]
			switch string(word) {
			case "true", "false", "null":
				return operand{kind: 'o'}, "", true
			}
			return operand{}, operatorName(word), true
		}
	}
}

func (lx *lexer) peek(k int) byte {
	if lx.pos+k < len(lx.b) {
		return lx.b[lx.pos+k]
	}
	return 0
}

func (lx *lexer) skipSpace() {
	for lx.pos < len(lx.b) {
		c := lx.b[lx.pos]
		if c == '%' {
			for lx.pos < len(lx.b) && lx.b[lx.pos] != '\n' && lx.b[lx.pos] != '\r' {
				lx.pos++
			}
			continue
		}
		if !isSpace(c) {
			return
		}
		lx.pos++
	}
}

func (lx *lexer) number() (float64, bool) {
	start := lx.pos
	lx.pos++
	for lx.pos < len(lx.b) {
		c := lx.b[lx.pos]
		if c >= '0' && c <= '9' || c == '.' || c == '-' {
			lx.pos++
			continue
		}
		break
	}
	tok := lx.b[start:lx.pos]
	if n, ok := shortDecimal(tok); ok {
		return n, true
	}
	n, err := strconv.ParseFloat(string(tok), 64)
	if err != nil {
		return 0, false
	}
	return n, true
}

// exactPow10 holds the powers of ten a float64 represents exactly.
var exactPow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// shortDecimal parses the numbers content streams are made of, such as
// "612", "-0.5" or "12.345", faster than strconv.ParseFloat and to the
// same value: with at most 15 significant digits and 22 decimals, the
// digits and the power of ten are exact float64s, so one division,
// correctly rounded, gives the correctly rounded number ParseFloat
// returns. Anything else (no digit, a second sign, more digits) is
// left to ParseFloat with false.
func shortDecimal(b []byte) (float64, bool) {
	i, neg := 0, false
	if len(b) > 0 && (b[0] == '+' || b[0] == '-') {
		neg, i = b[0] == '-', 1
	}
	var mant uint64
	digits, decimals, dot, seen := 0, 0, false, false
	for ; i < len(b); i++ {
		c := b[i]
		switch {
		case c >= '0' && c <= '9':
			seen = true
			if dot {
				decimals++
			}
			if mant == 0 && c == '0' {
				continue // a leading zero is not a significant digit
			}
			if digits++; digits > 15 {
				return 0, false
			}
			mant = mant*10 + uint64(c-'0')
		case c == '.' && !dot:
			dot = true
		default:
			return 0, false
		}
	}
	if !seen || decimals >= len(exactPow10) {
		return 0, false
	}
	f := float64(mant)
	if decimals > 0 {
		f /= exactPow10[decimals]
	}
	if neg {
		f = -f
	}
	return f, true
}

// operatorName returns the operator spelled by word, without allocating
// for the operators of text and graphics and of CMaps.
func operatorName(word []byte) string {
	switch string(word) {
	case "q":
		return "q"
	case "Q":
		return "Q"
	case "cm":
		return "cm"
	case "BT":
		return "BT"
	case "ET":
		return "ET"
	case "Tf":
		return "Tf"
	case "Tc":
		return "Tc"
	case "Tw":
		return "Tw"
	case "Tz":
		return "Tz"
	case "TL":
		return "TL"
	case "Ts":
		return "Ts"
	case "Tr":
		return "Tr"
	case "Td":
		return "Td"
	case "TD":
		return "TD"
	case "Tm":
		return "Tm"
	case "T*":
		return "T*"
	case "Tj":
		return "Tj"
	case "TJ":
		return "TJ"
	case "'":
		return "'"
	case "\"":
		return "\""
	case "Do":
		return "Do"
	case "BI":
		return "BI"
	case "re":
		return "re"
	case "m":
		return "m"
	case "l":
		return "l"
	case "c":
		return "c"
	case "v":
		return "v"
	case "y":
		return "y"
	case "h":
		return "h"
	case "S":
		return "S"
	case "s":
		return "s"
	case "f":
		return "f"
	case "F":
		return "F"
	case "f*":
		return "f*"
	case "B":
		return "B"
	case "B*":
		return "B*"
	case "b":
		return "b"
	case "b*":
		return "b*"
	case "n":
		return "n"
	case "W":
		return "W"
	case "W*":
		return "W*"
	case "g":
		return "g"
	case "G":
		return "G"
	case "rg":
		return "rg"
	case "RG":
		return "RG"
	case "k":
		return "k"
	case "K":
		return "K"
	case "cs":
		return "cs"
	case "CS":
		return "CS"
	case "sc":
		return "sc"
	case "SC":
		return "SC"
	case "scn":
		return "scn"
	case "SCN":
		return "SCN"
	case "gs":
		return "gs"
	case "w":
		return "w"
	case "J":
		return "J"
	case "j":
		return "j"
	case "M":
		return "M"
	case "d":
		return "d"
	case "i":
		return "i"
	case "ri":
		return "ri"
	case "sh":
		return "sh"
	case "BMC":
		return "BMC"
	case "BDC":
		return "BDC"
	case "EMC":
		return "EMC"
	case "MP":
		return "MP"
	case "DP":
		return "DP"
	case "d0":
		return "d0"
	case "d1":
		return "d1"
	case "def":
		return "def"
	case "endbfchar":
		return "endbfchar"
	case "endbfrange":
		return "endbfrange"
	case "beginbfchar":
		return "beginbfchar"
	case "beginbfrange":
		return "beginbfrange"
	}
	return string(word)
}

func (lx *lexer) literal() string {
	lx.pos++ // (
	// Most strings have no escape and no nested parentheses: their text
	// is their bytes.
	for i := lx.pos; i < len(lx.b); i++ {
		if c := lx.b[i]; c == ')' {
			s := string(lx.b[lx.pos:i])
			lx.pos = i + 1
			return s
		} else if c == '(' || c == '\\' {
			break
		}
	}
	out := lx.tmp[:0]
	defer func() { lx.tmp = out[:0] }()
	depth := 1
	for lx.pos < len(lx.b) {
		c := lx.b[lx.pos]
		lx.pos++
		switch c {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return string(out)
			}
		case '\\':
			if lx.pos >= len(lx.b) {
				return string(out)
			}
			e := lx.b[lx.pos]
			lx.pos++
			switch e {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r':
				if lx.pos < len(lx.b) && lx.b[lx.pos] == '\n' {
					lx.pos++
				}
				continue
			case '\n':
				continue
			default:
				if e >= '0' && e <= '7' {
					v := int(e - '0')
					for k := 0; k < 2 && lx.pos < len(lx.b) && lx.b[lx.pos] >= '0' && lx.b[lx.pos] <= '7'; k++ {
						v = v*8 + int(lx.b[lx.pos]-'0')
						lx.pos++
					}
					c = byte(v)
				} else {
					c = e
				}
			}
		}
		out = append(out, c)
	}
	return string(out)
}

func (lx *lexer) hex() string {
	lx.pos++ // <
	out := lx.tmp[:0]
	defer func() { lx.tmp = out[:0] }()
	hi, have := byte(0), false
	for lx.pos < len(lx.b) {
		c := lx.b[lx.pos]
		lx.pos++
		if c == '>' {
			break
		}
		v, ok := hexVal(c)
		if !ok {
			continue
		}
		if have {
			out = append(out, hi<<4|v)
			have = false
		} else {
			hi, have = v, true
		}
	}
	if have {
		out = append(out, hi<<4)
	}
	return string(out)
}

func hexVal(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func (lx *lexer) name() string {
	lx.pos++ // /
	start := lx.pos
	for lx.pos < len(lx.b) && !isSpace(lx.b[lx.pos]) && !isDelim(lx.b[lx.pos]) && lx.b[lx.pos] != '#' {
		lx.pos++
	}
	if lx.pos == len(lx.b) || isSpace(lx.b[lx.pos]) || isDelim(lx.b[lx.pos]) {
		return string(lx.b[start:lx.pos]) // no #xx escape: the name is its bytes
	}
	out := append(lx.tmp[:0], lx.b[start:lx.pos]...)
	defer func() { lx.tmp = out[:0] }()
	for lx.pos < len(lx.b) && !isSpace(lx.b[lx.pos]) && !isDelim(lx.b[lx.pos]) {
		c := lx.b[lx.pos]
		if c == '#' && lx.pos+2 < len(lx.b) {
			h, ok1 := hexVal(lx.b[lx.pos+1])
			l, ok2 := hexVal(lx.b[lx.pos+2])
			if ok1 && ok2 {
				out = append(out, h<<4|l)
				lx.pos += 3
				continue
			}
		}
		out = append(out, c)
		lx.pos++
	}
	return string(out)
}

// array reads the elements of an array up to its closing bracket. The
// result lives in lx.arena: valid until the operator that takes it has
// run.
func (lx *lexer) array(depth int) []operand {
	start := len(lx.scratch)
	for lx.pos < len(lx.b) {
		lx.skipSpace()
		if lx.pos >= len(lx.b) {
			break
		}
		if lx.b[lx.pos] == ']' {
			lx.pos++
			break
		}
		if lx.b[lx.pos] == '[' {
			lx.pos++
			if depth < 32 {
				inner := lx.array(depth + 1)
				lx.scratch = append(lx.scratch, operand{kind: '[', arr: inner})
			}
			continue
		}
		tok, op, ok := lx.next()
		if !ok {
			break
		}
		if op != "" {
			continue // an operator inside an array is malformed: drop it
		}
		if len(lx.scratch)-start < 100000 {
			lx.scratch = append(lx.scratch, tok)
		}
	}
	from := len(lx.arena)
	lx.arena = append(lx.arena, lx.scratch[start:]...)
	clear(lx.scratch[start:]) // drop string references for the collector
	lx.scratch = lx.scratch[:start]
	return lx.arena[from:len(lx.arena):len(lx.arena)]
}

func (lx *lexer) skipDict() {
	depth := 0
	for lx.pos < len(lx.b) {
		switch {
		case lx.b[lx.pos] == '<' && lx.peek(1) == '<':
			depth++
			lx.pos += 2
		case lx.b[lx.pos] == '>' && lx.peek(1) == '>':
			depth--
			lx.pos += 2
			if depth == 0 {
				return
			}
		case lx.b[lx.pos] == '(':
			lx.literal()
		default:
			lx.pos++
		}
	}
}

// skipInlineImage skips "… ID <binary data> EI" after BI.
func (lx *lexer) skipInlineImage() {
	i := bytes.Index(lx.b[lx.pos:], []byte("ID"))
	if i < 0 {
		lx.pos = len(lx.b)
		return
	}
	p := lx.pos + i + 2
	for {
		j := bytes.Index(lx.b[p:], []byte("EI"))
		if j < 0 {
			lx.pos = len(lx.b)
			return
		}
		at := p + j
		before := at == 0 || isSpace(lx.b[at-1])
		after := at+2 >= len(lx.b) || isSpace(lx.b[at+2])
		if before && after {
			lx.pos = at + 2
			return
		}
		p = at + 2
	}
}
