package extract

import (
	"strings"
	"unicode"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/internal/lazyregexp"
	"github.com/normtag/normtag/pipeline/extract/pdf"
)

// Issuers that a paper prints without a "Submission by" line: a
// numbered group of a larger body, named in a running header ("Paris
// Call – Working Group 6 - 2021"), on the cover ("Working Group 5:") or
// by the people who chair it ("we co-chair Paris Call Working Group
// #4"). Such a paper is the group's report, and a citation names the
// group as its author.

// groupUnit is the kind of a numbered group, in English, French and
// Spanish.
const groupUnit = `(?:Working|Expert|Study|Drafting|Contact|Focus|Thematic)\s+[Gg]roup|Working\s+[Pp]arty|Task\s+[Ff]orce|Sub-?[Cc]ommittee|Groupe\s+de\s+travail|Grupo\s+de\s+[Tt]rabajo`

// groupNumber is a group's number after its kind, with what may stand
// between: an abbreviation in brackets ("Working Group (WG) 6"), "No.",
// "n°" or "#".
const groupNumber = `(?:\s*\([A-Z]{2,6}\))?\s*(?:No\.\s*|n°\s*|#\s*)?(\d{1,2}|[IVX]{1,5})\b`

// groupInPattern is groupIn's pattern, which groupChaired ends with.
const groupInPattern = `((?:[\p{Lu}][\p{L}\p{N}'’.&-]*\s+){0,5})(` + groupUnit + `)` + groupNumber

var (
	// groupIn finds a numbered group and the capitalised words before
	// it that name the body it belongs to ("Paris Call Working Group 5").
	groupIn = lazyregexp.New(groupInPattern)
	// groupHeader is a running header or cover line that names a group
	// and little else: "Paris Call – Working Group 6 - 2021", "Working
	// Group 5:", "Working Group (WG) 6: Bringing concrete tools".
	groupHeader = lazyregexp.New(`^(?:(\p{Lu}[^–—|:]{1,60}?)\s*(?:[–—|:]|\s-)\s*)?(` + groupUnit + `)` + groupNumber + `(?:\s*(?:[–—|,]|-)\s*(?:19|20)\d{2})?\s*(?::\s*(.*))?$`)
	// groupChaired finds a group that the writers say they chair: the
	// verb ("to co-chair", "chairing", "co-chaired"), not the noun ("we
	// thank the Chair of Working Group 2").
	groupChaired = lazyregexp.New(`(?i:\bco-?chair(?:ed|ing)?|\bchair(?:ed|ing))\s+(?:(?i:the)\s+)?` + groupInPattern)
	// addressedTo marks a header line naming a group as the one a paper
	// is sent to, not the one that issues it ("Input to the Paris Call –
	// Working Group 2").
	addressedTo = lazyregexp.New(`(?i)\b(?:to|by|from|à|par|por|input|contribution|submission|comments?|statement|response|déclaration|declaración)\b`)
)

// determiners open a phrase without being part of the name after them.
var determiners = map[string]bool{"The": true, "Our": true, "This": true, "That": true, "Each": true, "Every": true, "A": true, "An": true, "Its": true, "Their": true,
	"Le": true, "La": true, "Les": true, "Du": true, "Des": true, "El": true, "Los": true, "Las": true, "Del": true}

// groupName is the name of a group as a citation gives it: the body's
// name (without a leading article), the kind with its words
// capitalised, the number.
func groupName(body, unit, number string) string {
	words := strings.Fields(body)
	for len(words) > 0 && determiners[words[0]] {
		words = words[1:]
	}
	kind := strings.Fields(unit)
	if !strings.Contains(unit, " de ") {
		for i, w := range kind {
			kind[i] = capitalise(w)
		}
	}
	return strings.Join(append(append(words, kind...), number), " ")
}

func capitalise(w string) string {
	for i, r := range w {
		return string(unicode.ToUpper(r)) + w[i+len(string(r)):]
	}
	return w
}

// groupIssuer is the group that issues the document, when its leading
// lines name one in a running header or a cover line, or say that their
// writers chair it. A group named without the body it belongs to
// ("Working Group 5:") takes the body's name from where the text names
// both, most often ("Paris Call Working Group 5").
func groupIssuer(doc *corpus.Document, lines []textLine) string {
	// A header that names the body ("Paris Call – Working Group 6")
	// is preferred to a cover line that does not ("Working Group 6:").
	var first []string
	for _, l := range lines {
		if !namesGroupUnit(l.text) || len(strings.Fields(l.text)) > 14 {
			continue
		}
		if m := groupHeader().FindStringSubmatch(l.text); m != nil && !addressedTo().MatchString(m[1]) {
			if m[1] != "" {
				return groupName(m[1], m[2], m[3])
			}
			if first == nil {
				first = m
			}
		}
	}
	if first != nil {
		return qualifiedGroup(doc, first[1], first[2], first[3])
	}
	for _, l := range lines {
		if !namesGroupUnit(l.text) {
			continue
		}
		if m := groupChaired().FindStringSubmatch(l.text); m != nil {
			return qualifiedGroup(doc, m[1], m[2], m[3])
		}
	}
	return ""
}

// groupUnitParts holds a piece of every spelling of groupUnit (which is
// case-sensitive there): a line with none of them matches none of the
// group expressions, and is passed over before them. The expressions
// start with optional words, so the regexp package tries them at every
// position of every line: over all the pages of a group's report, that
// was a tenth of extraction's work.
var groupUnitParts = []string{"roup", "rupo", "arty", "orce", "ommittee"}

// namesGroupUnit reports whether s may name a group's kind (groupUnit).
func namesGroupUnit(s string) bool {
	for _, p := range groupUnitParts {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

// qualifiedGroup names a group with its body: the body printed with it,
// else the body the text names with that group most often.
func qualifiedGroup(doc *corpus.Document, body, unit, number string) string {
	if name := groupName(body, unit, number); len(strings.Fields(name)) > len(strings.Fields(unit))+1 {
		return name
	}
	counts := map[string]int{}
	best := ""
	for _, p := range doc.Pages {
		for _, line := range strings.Split(p.Text, "\n") {
			if !namesGroupUnit(line) {
				continue
			}
			for _, m := range groupIn().FindAllStringSubmatch(line, -1) {
				if m[3] != number || !strings.EqualFold(tidy(m[2]), tidy(unit)) {
					continue
				}
				name := groupName(m[1], m[2], m[3])
				if len(strings.Fields(name)) <= len(strings.Fields(m[2]))+1 {
					continue
				}
				counts[name]++
				if counts[name] > counts[best] {
					best = name
				}
			}
		}
	}
	if best != "" {
		return best
	}
	return groupName("", unit, number)
}

// officeAuthorsFrom matches the producers that fill a file's author from
// the account of whoever typed it: word processors and their PDF export.
var officeAuthorsFrom = lazyregexp.New(`(?i)\b(?:microsoft|word|powerpoint|excel|pdfmaker|libreoffice|openoffice|writer|wps|pages|google docs)\b`)

// organisationWords are words that make a name an organisation's, not a
// person's.
var organisationWords = lazyregexp.New(`(?i)\b(?:ministry|minist[eè]re|ministerio|government|gouvernement|gobierno|mission|embassy|ambassade|embajada|delegation|d[ée]l[ée]gation|delegaci[oó]n|office|bureau|oficina|department|d[ée]partement|departamento|agency|agence|agencia|authority|autorit[ée]|autoridad|institute|institut|instituto|cent(?:er|re)|centro|council|conseil|consejo|commission|comisi[oó]n|committee|comit[ée]|university|universit[ée]|universidad|foundation|fondation|fundaci[oó]n|association|asociaci[oó]n|union|forum|foro|group|groupe|grupo|network|r[ée]seau|red|coalition|alliance|initiative|organi[sz]ation|organisme|organizaci[oó]n|secretariat|secr[ée]tariat|secretar[ií]a|society|soci[ée]t[ée]|sociedad|company|corporation|inc|ltd|llc|gmbh|plc|federal|republic|r[ée]publique|rep[uú]blica|kingdom|royaume|reino|state|states|[ée]tat|estado|nations|service|services|servicio|directorate|direction|direcci[oó]n|team|[ée]quipe|equipo|programme|program|project|projet|proyecto|institution|watch|lab|laboratory|partners|chamber|board|academy|school|college|press|media|news|tech|technologies|systems|solutions|consulting)\b`)

// personName matches a person's name as a word processor's user account
// gives it: two to five words of letters, each capitalised or in
// capitals, or initials ("TREHIOU Marie-Lise", "J. M. Smith", "Anna van
// der Berg").
var personName = lazyregexp.New(`^(?:(?:\p{Lu}[\p{L}'’-]*\.?|\p{Lu}\.|van|von|der|den|de|da|di|du|del|della|le|la|bin|al|el|y)\s+){1,4}\p{Lu}[\p{L}'’-]*\.?$`)

// loginName matches an account name: one word, not an acronym
// ("jsmith", "clerk7", "User").
var loginName = lazyregexp.New(`^[\p{L}\p{N}._@-]+$`)

// madeTheFile reports whether the author a file declares names whoever
// made the file rather than who issues the document: an account name,
// or one or more people's names in a file from a word processor, which
// writes its user's name there unasked (the clerk who typed a
// declaration, the three people who wrote a working group's report). An
// organisation's name, or a person's name that a web page or front
// matter declares on purpose, is taken as the issuer.
func madeTheFile(author string, doc *corpus.Document) bool {
	author = tidy(author)
	if author == "" || organisationWords().MatchString(author) {
		return false
	}
	if loginName().MatchString(author) {
		return !acronym(author)
	}
	office := doc.Format == corpus.FormatDOCX ||
		doc.Format == corpus.FormatPDF && officeAuthorsFrom().MatchString(doc.Meta["creator"]+" "+doc.Meta["producer"])
	if !office {
		return false
	}
	for _, name := range nameSeparator().Split(author, -1) {
		if name != "" && !personName().MatchString(name) {
			return false
		}
	}
	return true
}

// nameSeparator separates the names of a list of authors.
var nameSeparator = lazyregexp.New(`\s*(?:[;,&/]|\band\b|\bet\b|\by\b)\s*`)

// acronym reports a word in capitals of two to eight letters ("OECD",
// "UNIDIR"): an organisation, not an account.
func acronym(w string) bool {
	n := 0
	for _, r := range w {
		if !unicode.IsUpper(r) {
			return false
		}
		n++
	}
	return n >= 2 && n <= 8
}

// groupLabel is a cover line that opens with a group's name and a colon
// ("Working Group 5:", "Working Group (WG) 6: Bringing concrete tools");
// what follows is the group's subject.
var groupLabel = lazyregexp.New(`^(?:\p{Lu}[\p{L}\p{N}'’.&-]*\s+){0,5}(?:` + groupUnit + `)` + groupNumber + `\s*:\s*(.*)$`)

// groupTitle is the title of a group's report whose cover sets the name
// of the body it belongs to in the largest type and the group under it
// ("Paris Call for Trust and Security in Cyberspace" over "Working Group
// 5: / Building a Cyberstability Index / Executive Summary and / Final
// Report"): the body's name is a series every group's report shares,
// the group's subject is what names this one, with a line that says
// what kind of document it is. at is the cover line after the largest
// type. It is "" when that line names no group or the group's subject
// is not on the cover.
func groupTitle(lines []pdf.Line, at int, ts typeSizes) string {
	if at >= len(lines) {
		return ""
	}
	m := groupLabel().FindStringSubmatch(lines[at].Text)
	if m == nil {
		return ""
	}
	var parts []string
	if rest := tidy(m[2]); rest != "" {
		parts = append(parts, rest)
	}
	size := lines[at].Size
	for j := at + 1; j < len(lines) && len(parts) < 5 && ts.alike(lines[j].Size, size) && !dateLine(lines[j].Text); j++ {
		parts = append(parts, tidy(lines[j].Text))
	}
	phrases := phrasesOf(parts)
	if len(phrases) == 0 || junkTitle(phrases[0], "") && len(strings.Fields(phrases[0])) < 2 {
		return ""
	}
	t := phrases[0]
	if len(phrases) > 1 && genreOnly(phrases[1]) {
		t += ": " + phrases[1]
	}
	return t
}

// phrasesOf joins lines into the phrases they set: a line continues the
// one before when that ends in a word that cannot end a phrase ("and",
// "of", "pour") or when it starts in lower case; otherwise it starts a
// phrase of its own, as the lines of a cover do.
func phrasesOf(lines []string) []string {
	var out []string
	for _, l := range lines {
		if len(out) > 0 && (continues(out[len(out)-1]) || startsLower(l)) {
			out[len(out)-1] += " " + l
			continue
		}
		out = append(out, l)
	}
	return out
}

// connectives cannot end a phrase.
var connectives = map[string]bool{"and": true, "or": true, "of": true, "for": true, "the": true, "a": true, "an": true, "in": true, "on": true, "to": true, "with": true, "by": true,
	"et": true, "ou": true, "de": true, "du": true, "des": true, "la": true, "le": true, "les": true, "pour": true, "sur": true, "dans": true, "à": true,
	"y": true, "o": true, "del": true, "el": true, "los": true, "las": true, "para": true, "por": true, "sobre": true, "en": true, "con": true}

func continues(phrase string) bool {
	f := strings.Fields(phrase)
	return len(f) > 0 && (connectives[strings.ToLower(f[len(f)-1])] || strings.HasSuffix(phrase, "-"))
}

// genreWords name kinds of documents, and the words that join them.
var genreWords = map[string]bool{"executive": true, "summary": true, "final": true, "interim": true, "annual": true, "progress": true, "report": true, "and": true, "&": true,
	"working": true, "paper": true, "policy": true, "brief": true, "study": true, "recommendations": true, "findings": true, "outcome": true, "document": true, "draft": true,
	"rapport": true, "résumé": true, "synthèse": true, "et": true, "informe": true, "resumen": true, "ejecutivo": true, "y": true}

// genreOnly reports a phrase made only of genreWords ("Executive Summary
// and Final Report").
func genreOnly(phrase string) bool {
	f := strings.Fields(phrase)
	for _, w := range f {
		if !genreWords[strings.ToLower(w)] {
			return false
		}
	}
	return len(f) > 0
}
