package tag

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/internal/norms"
)

// anchorKind is a word that may start an explicit reference to norms.
type anchorKind int

const (
	anchorNone      anchorKind = iota
	anchorNorm                 // "norm", "norms", "norme", "norma"…: a list follows
	anchorParagraph            // "paragraph", "para", "párrafo"…: "13 (f)" follows
	anchorThirteen             // "13": letters follow
	anchorOrdinal              // "eleventh norm": the anchor is the reference
)

type anchorDef struct {
	text string
	kind anchorKind
	// letter is set for ordinal anchors.
	letter string
}

// anchors are folded words that trigger the explicit-reference parser.
var anchors = func() []anchorDef {
	var out []anchorDef
	for _, w := range []string{"norm", "norms", "norme", "normes", "norma", "normas"} {
		out = append(out, anchorDef{text: w, kind: anchorNorm})
	}
	for _, w := range []string{"paragraph", "paragraphs", "para", "paras", "paragraphe", "paragraphes", "parrafo", "parrafos", "par"} {
		out = append(out, anchorDef{text: w, kind: anchorParagraph})
	}
	out = append(out, anchorDef{text: "13", kind: anchorThirteen})
	ordinals := [][]string{
		{"first", "premiere", "primera"}, {"second", "deuxieme", "segunda"}, {"third", "troisieme", "tercera"},
		{"fourth", "quatrieme", "cuarta"}, {"fifth", "cinquieme", "quinta"}, {"sixth", "sixieme", "sexta"},
		{"seventh", "septieme", "septima"}, {"eighth", "huitieme", "octava"}, {"ninth", "neuvieme", "novena"},
		{"tenth", "dixieme", "decima"}, {"eleventh", "onzieme", "undecima"},
	}
	for i, words := range ordinals {
		l := string(rune('a' + i))
		out = append(out,
			anchorDef{text: words[0] + " norm", kind: anchorOrdinal, letter: l},
			anchorDef{text: words[1] + " norme", kind: anchorOrdinal, letter: l},
			anchorDef{text: "norme " + words[1], kind: anchorOrdinal, letter: l},
			anchorDef{text: words[2] + " norma", kind: anchorOrdinal, letter: l},
			anchorDef{text: "norma " + words[2], kind: anchorOrdinal, letter: l},
		)
	}
	return out
}()

var ordinalLetter = func() map[string]string {
	m := map[string]string{}
	for _, a := range anchors {
		if a.kind == anchorOrdinal {
			m[a.text] = a.letter
		}
	}
	return m
}()

type anchorHit struct {
	kind       anchorKind
	start, end int // folded offsets
}

// reference is an explicit mention of norms in the original text.
type reference struct {
	norms      []string
	match      string
	start, end int
}

// references parses the explicit references that start at anchors.
func (t *Tagger) references(text string, sc *scan) []reference {
	var out []reference
	covered := 0 // end of the last reference: anchors inside it are part of it
	for _, a := range sc.anchors {
		start := int(sc.f.offsets[a.start])
		end := int(endOfWord(text, int(sc.f.offsets[a.end-1])))
		if start < covered {
			continue
		}
		var letters []string
		stop := end
		switch a.kind {
		case anchorOrdinal:
			letters = []string{ordinalLetter[string(sc.f.text[a.start:a.end])]}
		case anchorNorm:
			letters, stop = parseNormList(text, end)
		case anchorParagraph:
			p := skipSpace(text, end)
			p = skipByte(text, p, '.')
			p = skipSpace(text, p)
			if strings.HasPrefix(text[p:], "13") && !isDigitAt(text, p+2) {
				letters, stop = parseLetterList(text, p+2)
			}
		case anchorThirteen:
			if start > 0 && (isDigitAt(text, start-1) || text[start-1] == '/' || text[start-1] == '.') {
				continue // part of "2013", "A/70/13", "1.13"
			}
			letters, stop = parseLetterList(text, end)
		}
		if len(letters) > 0 {
			out = append(out, reference{norms: letters, match: text[start:stop], start: start, end: stop})
			covered = stop
		}
	}
	return out
}

// parseNormList reads what follows "norm(s)": numbers 1–11, letters in
// parentheses, "13(f)", joined by commas, "and", "et", "y", "or", and
// ranges with "-", "–", "to", "à", "a".
func parseNormList(s string, p int) ([]string, int) {
	var out []string
	stop := p
	prev := ""
	rangeNext := false
	for items := 0; items < 12; items++ {
		q := skipSpace(s, p)
		if items > 0 {
			var sep string
			q, sep = parseSeparator(s, q)
			if sep == "" {
				break
			}
			rangeNext = sep == "range"
			q = skipSpace(s, q)
		}
		if items == 0 {
			q = skipNumberSign(s, q)
		}
		letter, next := parseItem(s, q, items == 0)
		if letter == "" {
			break
		}
		if rangeNext && prev != "" && letter > prev {
			for c := prev[0] + 1; c < letter[0]; c++ {
				out = append(out, string(c))
			}
		}
		out = append(out, letter)
		prev, p, stop = letter, next, next
	}
	return dedupe(out), stop
}

// parseItem reads one norm: "6", "(f)", "13(f)", "13 f" or "f)".
func parseItem(s string, p int, first bool) (string, int) {
	if p >= len(s) {
		return "", p
	}
	if strings.HasPrefix(s[p:], "13") && !isDigitAt(s, p+2) {
		if l, q := parseLetter(s, skipSpace(s, p+2), true); l != "" {
			return l, q
		}
	}
	// A bare letter only right after the anchor word ("la norme g"); in a
	// list, "and a" or "et a" would too often be an article.
	if l, q := parseLetter(s, p, first); l != "" {
		return l, q
	}
	// A number 1–11 that is not part of a larger number, a date or a
	// section number ("6.2").
	q := p
	for q < len(s) && q-p < 3 && isDigitAt(s, q) {
		q++
	}
	if q == p || isDigitAt(s, q) || q < len(s)-1 && (s[q] == '.' || s[q] == '/' || s[q] == ',') && isDigitAt(s, q+1) {
		return "", p
	}
	n := 0
	for _, c := range s[p:q] {
		n = n*10 + int(c-'0')
	}
	if nm, ok := norms.ByNumber(n); ok {
		return nm.Letter, q
	}
	return "", p
}

// skipNumberSign skips "no.", "n°", "nº", "n.º", "num." and "#" before a
// norm's number ("norm no. 7", "la norme n° 7").
func skipNumberSign(s string, p int) int {
	for _, sign := range []string{"no.", "No.", "n°", "N°", "nº", "Nº", "n.º", "N.º", "num.", "Num.", "#"} {
		if strings.HasPrefix(s[p:], sign) {
			return skipSpace(s, p+len(sign))
		}
	}
	return p
}

// parseLetter reads "(f)" or, when bare is allowed, "f" standing alone.
func parseLetter(s string, p int, bare bool) (string, int) {
	if p+2 < len(s) && s[p] == '(' && isNormLetter(s[p+1]) && s[p+2] == ')' {
		return string(lower(s[p+1])), p + 3
	}
	if bare && p < len(s) && isNormLetter(s[p]) {
		q := p + 1
		if q < len(s) && s[q] == ')' {
			return string(lower(s[p])), q + 1
		}
		if q+1 < len(s) && s[q] == '.' && isWordByte(s, q+1) {
			return "", p // "e.g.", "i.e."
		}
		if r := skipSpace(s, q); r > q && isDigitAt(s, r) {
			return "", p // "13 h 30": a time, not a norm
		}
		if q >= len(s) || !isWordByte(s, q) {
			// "13 a State…" is not a reference: a bare letter must not be
			// followed by a word, except a list word.
			// "a" is also the English article, so "a" alone must be
			// followed by punctuation or a list word.
			r := skipSpace(s, q)
			if r >= len(s) || !isWordByte(s, r) || hasWordAt(s, r, "and", "et", "y", "or", "ou", "to") || s[r-1] != ' ' || lower(s[p]) != 'a' {
				return string(lower(s[p])), q
			}
		}
	}
	return "", p
}

// parseLetterList reads the letters after "13": "(f)", "f", "(e), (f) and
// (h)", "(a)–(k)".
func parseLetterList(s string, p int) ([]string, int) {
	var out []string
	stop := p
	prev := ""
	q := skipSpace(s, p)
	if q-p > 1 {
		return nil, p
	}
	for items := 0; items < 11; items++ {
		rangeNext := false
		if items > 0 {
			var sep string
			q, sep = parseSeparator(s, skipSpace(s, q))
			if sep == "" {
				break
			}
			rangeNext = sep == "range"
			q = skipSpace(s, q)
		}
		l, next := parseLetter(s, q, true)
		if l == "" {
			break
		}
		if rangeNext && prev != "" && l > prev {
			for c := prev[0] + 1; c < l[0]; c++ {
				out = append(out, string(c))
			}
		}
		out = append(out, l)
		prev, q, stop = l, next, next
	}
	return dedupe(out), stop
}

// parseSeparator reads a list or range separator.
func parseSeparator(s string, p int) (int, string) {
	if p >= len(s) {
		return p, ""
	}
	for _, r := range []string{"–", "—", "-", "to ", "à ", "a ", "through "} {
		if strings.HasPrefix(s[p:], r) {
			return p + len(r), "range"
		}
	}
	for _, l := range []string{",", ";", "&", "/", "and ", "et ", "y ", "or ", "ou ", "o "} {
		if strings.HasPrefix(s[p:], l) {
			q := p + len(l)
			if l == "," {
				if r := skipSpace(s, q); hasWordAt(s, r, "and", "et", "y", "or", "ou") {
					q = r + strings.IndexByte(s[r:], ' ') + 1
				}
			}
			return q, "list"
		}
	}
	return p, ""
}

func isNormLetter(c byte) bool { c = lower(c); return c >= 'a' && c <= 'k' }

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func isDigitAt(s string, i int) bool { return i >= 0 && i < len(s) && s[i] >= '0' && s[i] <= '9' }

func isWordByte(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func hasWordAt(s string, i int, words ...string) bool {
	for _, w := range words {
		if strings.HasPrefix(strings.ToLower(s[i:min(len(s), i+len(w)+1)]), w) {
			if i+len(w) >= len(s) || !isWordByte(s, i+len(w)) {
				return true
			}
		}
	}
	return false
}

func skipSpace(s string, p int) int {
	for p < len(s) {
		r, size := utf8.DecodeRuneInString(s[p:])
		if r != ' ' && r != '\u00a0' && r != '\t' && r != '\n' {
			break
		}
		p += size
	}
	return p
}

func skipByte(s string, p int, b byte) int {
	if p < len(s) && s[p] == b {
		return p + 1
	}
	return p
}

func dedupe(in []string) []string {
	seen := map[string]bool{}
	out := in[:0]
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// isOpener reports a paragraph that opens a norm's section without being
// a heading: it starts with the norm's marker — "(g) States should…",
// "Norm 7:" — and explicitly names or quotes that norm.
func isOpener(text string, res result) bool {
	t := strings.TrimSpace(text)
	if len(t) >= 4 && t[0] == '(' && isNormLetter(t[1]) && t[2] == ')' {
		return quotes(string(lower(t[1])), t)
	}
	for _, r := range res.refs {
		if r.start <= 2 {
			return true
		}
	}
	return false
}

// quotes reports whether text reproduces most of the official text of a
// norm, as documents that restate each norm before discussing it do.
func quotes(letter, text string) bool {
	n, ok := norms.ByLetter(letter)
	if !ok {
		return false
	}
	have := map[string]bool{}
	for _, w := range strings.Fields(foldString(text)) {
		have[w] = true
	}
	total, found := 0, 0
	for _, w := range strings.Fields(foldString(n.Text)) {
		if len(w) < 5 {
			continue
		}
		total++
		if have[w] {
			found++
		}
	}
	return total > 0 && found*2 >= total
}

var _ = corpus.Tag{}
