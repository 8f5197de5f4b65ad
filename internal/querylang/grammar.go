package querylang

import "fmt"

// The grammar, lowest precedence first:
//
//	sequence := or { or }                 side by side: ranked alternatives
//	or       := and { "OR" and }
//	and      := unary { "AND" unary }
//	unary    := ("NOT" | "+" | "-") unary | primary
//	primary  := "(" sequence ")" | field primary | term

// mod is what a unary prefix did to a clause.
type mod int

const (
	modNone mod = iota
	modMust
	modNot
)

type parser struct {
	toks  []token
	at    int
	terms int
}

func (p *parser) peek() token { return p.toks[p.at] }

func (p *parser) next() token {
	t := p.toks[p.at]
	if t.kind != tEOF {
		p.at++
	}
	return t
}

// sequence parses clauses side by side up to ")" or the end.
func (p *parser) sequence(depth int, field string) (Node, error) {
	var b Bool
	count := 0
	var only Node
	var onlyMod mod
	for {
		if k := p.peek().kind; k == tEOF || k == tRParen {
			break
		}
		n, m, err := p.or(depth, field)
		if err != nil {
			return nil, err
		}
		count++
		only, onlyMod = n, m
		switch m {
		case modMust:
			b.Must = append(b.Must, n)
		case modNot:
			b.MustNot = append(b.MustNot, n)
		default:
			b.Should = append(b.Should, n)
		}
	}
	if count == 1 && onlyMod != modNot {
		return only, nil
	}
	return &b, nil
}

// or parses and-clauses joined by OR.
func (p *parser) or(depth int, field string) (Node, mod, error) {
	n, m, err := p.and(depth, field)
	if err != nil {
		return nil, 0, err
	}
	if p.peek().kind != tOr {
		return n, m, nil
	}
	alts := []Node{clause(n, m)}
	for p.peek().kind == tOr {
		op := p.next()
		if err := p.operand(op); err != nil {
			return nil, 0, err
		}
		n, m, err := p.and(depth, field)
		if err != nil {
			return nil, 0, err
		}
		alts = append(alts, clause(n, m))
	}
	return &Bool{Should: alts}, modNone, nil
}

// and parses unary clauses joined by AND.
func (p *parser) and(depth int, field string) (Node, mod, error) {
	n, m, err := p.unary(depth, field)
	if err != nil {
		return nil, 0, err
	}
	if p.peek().kind != tAnd {
		return n, m, nil
	}
	var b Bool
	add := func(n Node, m mod) {
		if m == modNot {
			b.MustNot = append(b.MustNot, n)
		} else {
			b.Must = append(b.Must, n)
		}
	}
	add(n, m)
	for p.peek().kind == tAnd {
		op := p.next()
		if err := p.operand(op); err != nil {
			return nil, 0, err
		}
		n, m, err := p.unary(depth, field)
		if err != nil {
			return nil, 0, err
		}
		add(n, m)
	}
	return &b, modNone, nil
}

// operand checks that an operator just read has a clause after it.
func (p *parser) operand(op token) error {
	switch t := p.peek(); t.kind {
	case tEOF, tRParen, tAnd, tOr:
		return &Error{Pos: op.pos, Msg: fmt.Sprintf("%s needs a word, phrase or group after it", op.text)}
	}
	return nil
}

// unary parses NOT, + and - prefixes and the clause they apply to.
func (p *parser) unary(depth int, field string) (Node, mod, error) {
	t := p.peek()
	switch t.kind {
	case tNot, tPlus, tMinus:
		p.next()
		if depth+1 > MaxDepth {
			return nil, 0, &Error{Pos: t.pos, Msg: fmt.Sprintf("nested deeper than %d levels", MaxDepth)}
		}
		if err := p.operand(t); err != nil {
			return nil, 0, err
		}
		n, m, err := p.unary(depth+1, field)
		if err != nil {
			return nil, 0, err
		}
		if t.kind == tPlus {
			if m == modNone {
				m = modMust
			}
			return n, m, nil
		}
		if m == modNot { // NOT NOT x, -NOT x: x
			return n, modMust, nil
		}
		return n, modNot, nil
	}
	n, err := p.primary(depth, field)
	return n, modNone, err
}

// primary parses a group, a field and its value, or a term.
func (p *parser) primary(depth int, field string) (Node, error) {
	t := p.next()
	switch t.kind {
	case tLParen:
		if depth+1 > MaxDepth {
			return nil, &Error{Pos: t.pos, Msg: fmt.Sprintf("nested deeper than %d levels", MaxDepth)}
		}
		if p.peek().kind == tRParen {
			return nil, &Error{Pos: t.pos, Msg: "empty parentheses ()"}
		}
		n, err := p.sequence(depth+1, field)
		if err != nil {
			return nil, err
		}
		if p.next().kind != tRParen {
			return nil, &Error{Pos: t.pos, Msg: `"(" is never closed`}
		}
		return n, nil
	case tField:
		if field != "" {
			return nil, &Error{Pos: t.pos, Msg: fmt.Sprintf("%s: inside %s:(…) names a second field", t.text, field)}
		}
		switch p.peek().kind {
		case tWord, tPhrase, tRegexp, tLParen, tAnd, tOr, tNot:
		default:
			return nil, &Error{Pos: t.pos, Msg: fmt.Sprintf("%s: needs a value right after the colon", t.text)}
		}
		v := p.peek()
		if v.kind == tAnd || v.kind == tOr || v.kind == tNot {
			// field:AND searches the word "AND".
			p.toks[p.at].kind = tWord
		}
		n, err := p.primary(depth, t.text)
		if err != nil {
			return nil, err
		}
		if term, ok := n.(*Term); ok && v.kind != tLParen {
			term.Pos = t.pos
		}
		return n, nil
	case tWord, tPhrase, tRegexp:
		p.terms++
		if p.terms > MaxTerms {
			return nil, &Error{Pos: t.pos, Msg: fmt.Sprintf("more than %d words, phrases and patterns", MaxTerms)}
		}
		term := &Term{Field: field, Text: t.text, Pos: t.pos}
		switch {
		case t.kind == tPhrase:
			term.Kind = Phrase
		case t.kind == tRegexp:
			term.Kind = Regexp
		case t.wildcard:
			term.Kind = Wildcard
		case t.fuzzy >= 0:
			term.Kind, term.Fuzziness = Fuzzy, t.fuzzy
		}
		return term, nil
	case tRParen:
		return nil, &Error{Pos: t.pos, Msg: `")" closes no "("`}
	case tEOF:
		return nil, &Error{Pos: t.pos, Msg: "the query ends where a word, phrase or group was expected"}
	}
	return nil, &Error{Pos: t.pos, Msg: fmt.Sprintf("%s needs a word, phrase or group before it", t.text)}
}

// clause turns a clause with its prefix into one that stands alone
// inside OR: NOT x becomes "everything but x".
func clause(n Node, m mod) Node {
	if m == modNot {
		return &Bool{MustNot: []Node{n}}
	}
	return n
}
