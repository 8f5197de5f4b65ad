package tag

import (
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/internal/norms"
	"github.com/normtag/normtag/internal/textfold"
)

// anchorKind is a word that may start an explicit reference to norms.
type anchorKind int

const (
	anchorNone      anchorKind = iota
	anchorNorm                 // "norm", "norms", "norme", "norma"…: a list follows
	anchorParagraph            // "paragraph", "para", "párrafo"…: "13 (f)" follows
	anchorThirteen             // "13": letters follow
	anchorOrdinal              // "eleventh norm": the anchor is the reference
	// anchorSubparagraph is "подпункт", "الفقرة الفرعية": letters follow,
	// then paragraph 13 ("подпункт (f) пункта 13").
	anchorSubparagraph
)

type anchorDef struct {
	text string
	kind anchorKind
	// letter is set for ordinal anchors.
	letter string
}

// anchors are folded words that trigger the explicit-reference parser.
// Only building a tagger needs them; folding the hundreds of them cost
// every process about a millisecond at start-up.
var anchors = sync.OnceValue(func() []anchorDef {
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
	return append(out, unAnchors()...)
})

// unAnchors are the anchors of Russian, Arabic and Chinese, folded as
// the text is (ة as ه, ى as ي, each Chinese character a word).
func unAnchors() []anchorDef {
	var out []anchorDef
	add := func(kind anchorKind, letter string, words ...string) {
		for _, w := range words {
			out = append(out, anchorDef{text: foldString(w), kind: kind, letter: letter})
		}
	}
	// Russian: every case of норма and пункт.
	add(anchorNorm, "", "норма", "нормы", "норме", "норму", "нормой", "норм", "нормам", "нормами", "нормах")
	add(anchorParagraph, "", "пункт", "пункта", "пункту", "пункте", "пунктом", "пункты", "пунктов", "пунктам", "пунктах", "пунктами")
	add(anchorSubparagraph, "", "подпункт", "подпункта", "подпункту", "подпункте", "подпунктом", "подпункты", "подпунктов", "подпунктам", "подпунктах", "подпунктами")
	// Arabic: قاعدة (rule) and معيار (norm), singular, dual and plural;
	// Load lets them follow the clitics Arabic attaches (للقاعدة,
	// بالقاعدة, والقاعدة).
	for _, w := range []string{"القاعدة", "قاعدة", "القاعدتين", "القاعدتان", "القواعد", "قواعد",
		"المعيار", "معيار", "المعيارين", "المعياران", "المعايير", "معايير"} {
		add(anchorNorm, "", w)
	}
	for _, w := range []string{"الفقرة", "فقرة", "الفقرات", "الفقرتين"} {
		add(anchorParagraph, "", w)
	}
	add(anchorSubparagraph, "", "الفقرة الفرعية", "الفقرات الفرعية")
	// البند (ز) من الفقرة 13: البند ("item") names a subparagraph too.
	add(anchorSubparagraph, "", "البند", "البندين", "البندان", "البنود")
	// Chinese: 规范 and 准则 take a number or letter after them
	// ("规范(g)", "准则7"); "十三段" is paragraph 13 in words.
	add(anchorNorm, "", "规范", "准则", "規範", "準則")
	add(anchorThirteen, "", "十三段")

	ruOrdinals := []string{"перв", "втор", "трет", "четверт", "пят", "шест", "седьм", "восьм", "девят", "десят", "одиннадцат"}
	zhNumbers := []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一"}
	for i := range ruOrdinals {
		l := string(rune('a' + i))
		// седьмая норма, седьмой нормы, седьмую норму, норма седьмая
		endings := []string{"ая", "ой", "ую"}
		if ruOrdinals[i] == "трет" {
			endings = []string{"ья", "ьей", "ью"}
		}
		for _, e := range endings {
			for _, n := range []string{"норма", "нормы", "норме", "норму", "нормой"} {
				add(anchorOrdinal, l, ruOrdinals[i]+e+" "+n, n+" "+ruOrdinals[i]+e)
			}
		}
		// Russian texts also call the norms правила: первое правило,
		// первого правила, первому правилу, первым правилом, первом
		// правиле. Only with the ordinal, which agrees with it: "правило"
		// alone is any rule.
		neuter := []string{"ое", "ого", "ому", "ым", "ом"}
		if ruOrdinals[i] == "трет" {
			neuter = []string{"ье", "ьего", "ьему", "ьим", "ьем"}
		}
		for k, n := range []string{"правило", "правила", "правилу", "правилом", "правиле"} {
			add(anchorOrdinal, l, ruOrdinals[i]+neuter[k]+" "+n)
		}
		// القاعدة السابعة, المعيار السابع
		add(anchorOrdinal, l, "القاعدة "+arFeminine[i], "المعيار "+arMasculine[i])
		// 第七项规范, 第7条准则, 第七规范
		for _, num := range []string{zhNumbers[i], strconv.Itoa(i + 1)} {
			for _, unit := range []string{"项", "条", "个", ""} {
				for _, noun := range []string{"规范", "准则"} {
					add(anchorOrdinal, l, "第"+num+unit+noun)
				}
			}
		}
	}
	return out
}

// ordinalLetter maps an ordinal anchor ("seventh norm", and the form
// after the clitic ل) to its norm's letter.
var ordinalLetter = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	for _, a := range anchors() {
		if a.kind == anchorOrdinal {
			m[a.text] = a.letter
			if rest, ok := strings.CutPrefix(a.text, "ال"); ok {
				m["ل"+rest] = a.letter // the pattern Load adds for للقاعدة
			}
		}
	}
	return m
})

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
	if len(sc.anchors) == 0 {
		return nil
	}
	var out []reference
	v := newRefView(text)
	s := v.text
	covered := 0 // end of the last reference: anchors inside it are part of it
	for _, a := range sc.anchors {
		start := int(sc.f.offsets[a.start])
		end := int(endOfWord(text, int(sc.f.offsets[a.end-1])))
		if start < covered {
			continue
		}
		var letters []string
		vstart, vend := v.at(start), v.at(end)
		stop := vend
		switch a.kind {
		case anchorOrdinal:
			letters = []string{ordinalLetter()[string(sc.f.text[a.start:a.end])]}
		case anchorNorm:
			letters, stop = parseNormList(s, vend)
		case anchorParagraph:
			p := skipSpace(s, vend)
			p = skipByte(s, p, '.')
			p = skipSpace(s, p)
			if strings.HasPrefix(s[p:], "13") && !isDigitAt(s, p+2) {
				letters, stop = parseLetterList(s, p+2)
			}
		case anchorSubparagraph:
			letters, stop = parseLetterList(s, vend)
			if !thirteenFollows(s, stop) {
				letters = nil
			}
		case anchorThirteen:
			if vstart > 0 && (isDigitAt(s, vstart-1) || s[vstart-1] == '/' || s[vstart-1] == '.') {
				continue // part of "2013", "A/70/13", "1.13"
			}
			p := vend
			// 第13段(g)项, 第13段第(g)项: the paragraph's character
			// between the number and the letter.
			if q, ok := strings.CutPrefix(s[skipSpace(s, p):], "段"); ok {
				p = len(s) - len(q)
				p = skipSpace(s, p)
				if strings.HasPrefix(s[p:], "第") {
					p += len("第")
				}
			}
			letters, stop = parseLetterList(s, p)
		}
		if len(letters) > 0 {
			ostop := v.orig(stop)
			out = append(out, reference{norms: letters, match: text[start:ostop], start: start, end: ostop})
			covered = ostop
		}
	}
	return out
}

// thirteenFollows reports whether paragraph 13 is named shortly after p:
// "(f) пункта 13", "(ز) من الفقرة 13".
func thirteenFollows(s string, p int) bool {
	tail := s[p:min(len(s), p+40)]
	for i := 0; i+2 <= len(tail); i++ {
		if tail[i] == '1' && tail[i+1] == '3' && (i == 0 || !isDigitAt(tail, i-1)) && !isDigitAt(tail, i+2) {
			return true
		}
	}
	return false
}

// refView is a passage's text as the reference parser reads it: digits
// of every script as ASCII, full-width forms as ASCII, Arabic and Chinese
// commas as commas, and an Arabic letter between parentheses as the Latin
// letter of its place in the abjad order ("(ز)" → "(g)"), with a map
// back to the text's offsets. The parser then reads one notation for all
// six languages.
type refView struct {
	text     string
	toOrig   []int // len(text)+1 entries; nil when text is the original
	fromOrig []int // view offset of each original offset
}

// abjad are the Arabic letters that enumerate subparagraphs, in order:
// (أ) (ب) (ج) (د) (هـ) (و) (ز) (ح) (ط) (ي) (ك) are (a) to (k).
var abjad = map[rune]byte{'أ': 'a', 'ا': 'a', 'ب': 'b', 'ج': 'c', 'د': 'd', 'ه': 'e', 'و': 'f', 'ز': 'g',
	'ح': 'h', 'ط': 'i', 'ي': 'j', 'ى': 'j', 'ك': 'k'}

// cyrillicEnum are the Cyrillic letters that enumerate subparagraphs in
// Russian, in order (й skipped): (а) (б) (в) (г) (д) (е) (ж) (з) (и) (к)
// (л) are (a) to (k). A Cyrillic с, which is not among them, is a Latin
// (c) typed on a Russian keyboard.
var cyrillicEnum = map[rune]byte{'а': 'a', 'б': 'b', 'в': 'c', 'с': 'c', 'г': 'd', 'д': 'e', 'е': 'f', 'ж': 'g',
	'з': 'h', 'и': 'i', 'к': 'j', 'л': 'k'}

func newRefView(text string) refView {
	plain := true
	for i := 0; i < len(text); i++ {
		if text[i] >= utf8.RuneSelf {
			plain = false
			break
		}
	}
	if plain {
		return refView{text: text}
	}
	var b strings.Builder
	to := make([]int, 0, len(text)+1)
	from := make([]int, len(text)+1)
	emit := func(s string, at int) {
		for i := 0; i < len(s); i++ {
			to = append(to, at)
		}
		b.WriteString(s)
	}
	for i := 0; i < len(text); {
		if c := text[i]; c < utf8.RuneSelf && c != '(' {
			// ASCII other than "(" reads as itself: every test below
			// would say so, at the cost of a map lookup per byte.
			from[i] = b.Len()
			emit(text[i:i+1], i)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		from[i] = b.Len()
		for k := 1; k < size; k++ {
			from[i+k] = b.Len()
		}
		// Russian quotes a subparagraph's letter in guillemets («ж»,
		// «b») or closes it alone ("13 в)"): both read as "(g)", "(b)",
		// "c)". A Cyrillic letter is read so only standing alone before
		// ")" and after a non-letter.
		if r == '«' {
			if l, n := guillemetLetter(text[i+size:]); l != 0 {
				emit("("+string(l)+")", i)
				for k := i + size; k < i+size+n; k++ {
					from[k] = b.Len()
				}
				i += size + n
				continue
			}
		}
		if strings.HasPrefix(text[i+size:], ")") {
			if l, ok := cyrillicEnum[unicode.ToLower(r)]; ok && !letterBefore(text, i) {
				emit(string(l), i)
				i += size
				continue
			}
		}
		if r == '(' || r == '（' {
			if l, n := abjadLetter(text[i+size:]); l != 0 {
				emit("("+string(l)+")", i)
				for k := i + size; k < i+size+n; k++ {
					from[k] = b.Len()
				}
				i += size + n
				continue
			}
		}
		switch m, keep := textfold.Letter(r); {
		case !keep:
			emit("", i)
		case r == '،' || r == '、' || r == '，':
			emit(",", i)
		case r == '؛':
			emit(";", i)
		case m != r && m < utf8.RuneSelf:
			emit(string(m), i)
		default:
			emit(text[i:i+size], i)
		}
		i += size
	}
	from[len(text)] = b.Len()
	to = append(to, len(text))
	return refView{text: b.String(), toOrig: to, fromOrig: from}
}

// abjadLetter reads an Arabic letter (with tatweel, as in "هـ") or a
// Cyrillic one (cyrillicEnum) and the closing parenthesis after an
// opening one: the Latin letter it stands
// for and the bytes read.
func abjadLetter(s string) (byte, int) {
	r, n := utf8.DecodeRuneInString(s)
	l, ok := abjad[r]
	if !ok {
		l, ok = cyrillicEnum[unicode.ToLower(r)]
	}
	if !ok {
		return 0, 0
	}
	for strings.HasPrefix(s[n:], "ـ") {
		n += len("ـ")
	}
	for _, closing := range []string{")", "）"} {
		if strings.HasPrefix(s[n:], closing) {
			return l, n + len(closing)
		}
	}
	return 0, 0
}

// guillemetLetter reads a Latin letter a–k or a Cyrillic one
// (cyrillicEnum) and the closing guillemet after an opening one: the
// Latin letter it stands for and the bytes read.
func guillemetLetter(s string) (byte, int) {
	r, n := utf8.DecodeRuneInString(s)
	l, ok := cyrillicEnum[unicode.ToLower(r)]
	if !ok && r < utf8.RuneSelf && isNormLetter(byte(r)) {
		l, ok = lower(byte(r)), true
	}
	if !ok || !strings.HasPrefix(s[n:], "»") {
		return 0, 0
	}
	return l, n + len("»")
}

// letterBefore reports whether the rune before byte offset i is a letter.
func letterBefore(s string, i int) bool {
	if i == 0 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return unicode.IsLetter(r)
}

// at is the view offset of original offset i.
func (v refView) at(i int) int {
	if v.fromOrig == nil {
		return i
	}
	return v.fromOrig[i]
}

// orig is the original offset of view offset i.
func (v refView) orig(i int) int {
	if v.toOrig == nil {
		return i
	}
	return v.toOrig[i]
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
			// المعايير من (أ) إلى (ك): "from" opens a range of letters
			// (not of numbers: معايير من 1 إلى 10 is a scoring scale).
			if r, ok := strings.CutPrefix(s[q:], "من ("); ok {
				q = len(s) - len(r) - 1
			}
			if letters, end := parseArOrdinalList(s, q); letters != nil {
				return dedupe(letters), end
			}
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
	if l, q := parseHanNumber(s, p); l != "" {
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

// arFeminine and arMasculine are the Arabic ordinals of norms 1–11, as
// القاعدة and المعيار take them.
var (
	arFeminine  = []string{"الأولى", "الثانية", "الثالثة", "الرابعة", "الخامسة", "السادسة", "السابعة", "الثامنة", "التاسعة", "العاشرة", "الحادية عشرة"}
	arMasculine = []string{"الأول", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن", "التاسع", "العاشر", "الحادي عشر"}
)

// arOrdinalWords are those ordinals as the reference parser reads them
// in a list after a dual or plural (القاعدتين السادسة والسابعة), also
// with a bare alef (الاولى), longest first so that الحادي عشر is read
// before الحادي and الأولى before الأول.
var arOrdinalWords = func() []struct{ text, letter string } {
	var out []struct{ text, letter string }
	for i := range arFeminine {
		l := string(rune('a' + i))
		for _, w := range []string{arFeminine[i], arMasculine[i]} {
			out = append(out, struct{ text, letter string }{w, l})
			if bare := strings.Replace(w, "أ", "ا", 1); bare != w {
				out = append(out, struct{ text, letter string }{bare, l})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b struct{ text, letter string }) int { return len(b.text) - len(a.text) })
	return out
}()

// parseArOrdinalList reads two or more Arabic ordinals joined by و or a
// comma ("السادسة والسابعة", "السادس، والسابع والثامن"); one ordinal
// alone after a plural is too often "the first rules" of something else.
func parseArOrdinalList(s string, p int) ([]string, int) {
	var out []string
	stop := p
	for len(out) < 11 {
		q := skipSpace(s, p)
		if len(out) > 0 {
			r := q
			if strings.HasPrefix(s[r:], ",") || strings.HasPrefix(s[r:], "،") {
				_, size := utf8.DecodeRuneInString(s[r:])
				r = skipSpace(s, r+size)
			}
			if strings.HasPrefix(s[r:], "و") {
				r += len("و")
			}
			if r == q {
				break
			}
			q = r
		}
		letter := ""
		for _, o := range arOrdinalWords {
			if strings.HasPrefix(s[q:], o.text) && (q+len(o.text) >= len(s) || !isWordByte(s, q+len(o.text))) {
				letter, q = o.letter, q+len(o.text)
				break
			}
		}
		if letter == "" {
			break
		}
		out = append(out, letter)
		p, stop = q, q
	}
	if len(out) < 2 {
		return nil, p
	}
	return out, stop
}

// hanNumbers are the Chinese numerals of norms 1–11, longest first so
// that 十一 is read before 十.
var hanNumbers = []struct {
	text   string
	letter string
}{{"十一", "k"}, {"一", "a"}, {"二", "b"}, {"三", "c"}, {"四", "d"}, {"五", "e"}, {"六", "f"}, {"七", "g"}, {"八", "h"}, {"九", "i"}, {"十", "j"}}

// parseHanNumber reads a norm's number in Chinese numerals after 规范 or
// 准则: "（七）", or a bare "七" that ends the phrase or a list ("规范八和
// 规范九"). A bare numeral followed by another Han character is a word
// (规范一致, 规范十分), not a number.
func parseHanNumber(s string, p int) (string, int) {
	paren := p < len(s) && s[p] == '('
	q := p
	if paren {
		q++
	}
	for _, n := range hanNumbers {
		if !strings.HasPrefix(s[q:], n.text) {
			continue
		}
		end := q + len(n.text)
		if paren {
			if end < len(s) && s[end] == ')' {
				return n.letter, end + 1
			}
			return "", p
		}
		r, _ := utf8.DecodeRuneInString(s[end:])
		if end >= len(s) || !unicode.Is(unicode.Han, r) || strings.ContainsRune("和及与或至到", r) {
			return n.letter, end
		}
		return "", p
	}
	return "", p
}

// skipNumberSign skips "no.", "n°", "nº", "n.º", "num.", "#", "№" and رقم
// before a norm's number ("norm no. 7", "la norme n° 7", "القاعدة رقم 7").
func skipNumberSign(s string, p int) int {
	for _, sign := range []string{"no.", "No.", "n°", "N°", "nº", "Nº", "n.º", "N.º", "num.", "Num.", "#", "№", "رقم"} {
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
		if r, _ := utf8.DecodeRuneInString(s[q:]); q < len(s) && unicode.Is(unicode.Han, r) {
			return string(lower(s[p])), q // "规范g要求", "第13段g项": Chinese needs no space after the letter
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

// rangeWords and listWords separate the items of a list of norms, in
// the six languages ("до", "إلى", "至"; "и", "или", "و", "和", "及").
// Arabic writes و joined to the next word ("و(ز)").
var (
	rangeWords = []string{"–", "—", "-", "to ", "à ", "a ", "through ", "до ", "по ", "إلى ", "الى ", "حتى ", "至", "到"}
	listWords  = []string{",", ";", "&", "/", "and ", "et ", "y ", "or ", "ou ", "o ", "и ", "или ", "أو ", "و", "和", "及", "与", "或"}
)

// parseSeparator reads a list or range separator.
func parseSeparator(s string, p int) (int, string) {
	if p >= len(s) {
		return p, ""
	}
	for _, r := range rangeWords {
		if strings.HasPrefix(s[p:], r) {
			return p + len(r), "range"
		}
	}
	for _, l := range listWords {
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
