package index

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/internal/lang"
	"github.com/normtag/normtag/internal/norms"
	"github.com/normtag/normtag/internal/querylang"
	"github.com/normtag/normtag/internal/textfold"
)

// fieldKind says how the values of a query field match.
type fieldKind int

const (
	// analysedField values are words analysed like the field's text
	// (stemmed, accents folded): text, title.
	analysedField fieldKind = iota
	// wordsField values are words of a name, folded but not stemmed:
	// "submitter:paris" finds "Paris Call for Trust and Security".
	wordsField
	// normField values are norm letters or numbers.
	normField
	// keywordField values are whole values, folded: file names, types.
	keywordField
	// exactField values are whole values as stored: document ids, years.
	exactField
	// langField values are language tags; "fr" also matches "fr-FR".
	langField
	// kindField values are passage kinds (corpus.Kinds).
	kindField
)

// queryFields are the fields a query may name. Fields that hold only
// positions or display data (path, page, passage, heading, date) are not
// searchable by name.
var queryFields = map[string]fieldKind{
	FieldText:          analysedField,
	FieldTitle:         analysedField,
	FieldNorm:          normField,
	FieldDirect:        normField,
	FieldSubmitter:     wordsField,
	FieldCountry:       wordsField,
	FieldSubmitterType: keywordField,
	FieldFile:          keywordField,
	FieldLang:          langField,
	FieldYear:          exactField,
	FieldDoc:           exactField,
	FieldSubmitterName: exactField,
	FieldDup:           exactField,
	FieldKind:          kindField,
	FieldOCR:           exactField,
}

// QueryFields lists the field names a query may use, sorted.
func QueryFields() []string {
	names := make([]string, 0, len(queryFields))
	for name := range queryFields {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// compileQuery parses and compiles a query string; nil for an empty one.
// Errors are *QueryError.
func compileQuery(s string) (query.Query, error) {
	if len(s) > MaxQueryLength {
		return nil, &QueryError{Query: s[:40] + "…", Err: fmt.Errorf("longer than %d bytes", MaxQueryLength)}
	}
	q, err := querylang.ParseCompile(s, termQuery)
	if err != nil {
		return nil, &QueryError{Query: strings.TrimSpace(s), Err: err}
	}
	return q, nil
}

// termQuery builds the bleve query of one term, refusing fields that do
// not exist, values a field cannot hold, and patterns whose cost grows
// with the whole index (see MinPatternPrefix).
func termQuery(t querylang.Term) (query.Query, error) {
	field := t.Field
	if field == "" {
		field = FieldText
	}
	kind, ok := queryFields[field]
	if !ok {
		return nil, fmt.Errorf("unknown field %q (known: %s; put words with a colon in quotes)", t.Field, strings.Join(QueryFields(), ", "))
	}
	switch kind {
	case normField:
		if t.Kind != querylang.Word && t.Kind != querylang.Phrase {
			return nil, fmt.Errorf("%s: takes a norm letter a-k or number 1-11, not a pattern", field)
		}
		letters, err := norms.ParseList(t.Text)
		if err != nil {
			return nil, err
		}
		if len(letters) == 0 {
			return nil, fmt.Errorf("%s: empty norm", field)
		}
		return anyTerm(field, letters), nil
	case kindField:
		if t.Kind != querylang.Word && t.Kind != querylang.Phrase {
			return nil, fmt.Errorf("%s: takes a passage kind, not a pattern", field)
		}
		k, err := corpus.ParseKind(strings.ToLower(strings.TrimSpace(t.Text)))
		if err != nil {
			return nil, err
		}
		return anyTerm(field, []string{string(k)}), nil
	case langField:
		if t.Kind != querylang.Word && t.Kind != querylang.Phrase {
			return nil, fmt.Errorf("%s: takes a language such as en or fr-CA, not a pattern", field)
		}
		return langQuery([]string{t.Text}), nil
	}
	if err := checkPattern(t); err != nil {
		return nil, err
	}
	if t.Kind == querylang.Regexp {
		// Any field: the expression is matched against its terms as
		// indexed, unchanged.
		q := query.NewRegexpQuery(t.Text)
		q.SetField(field)
		return q, nil
	}
	if kind == analysedField || kind == wordsField {
		return analysedQuery(field, t, kind == wordsField)
	}
	value := t.Text
	if kind == keywordField {
		value = textfold.Fold(value)
	}
	switch t.Kind {
	case querylang.Word, querylang.Phrase:
		if field == FieldYear && !isYear(value) {
			return nil, fmt.Errorf("year: want a year such as 2021, got %q", value)
		}
		return anyTerm(field, []string{value}), nil
	case querylang.Wildcard:
		q := query.NewWildcardQuery(value)
		q.SetField(field)
		return q, nil
	}
	return nil, fmt.Errorf("%s: takes whole values or patterns, not fuzzy words", field)
}

// analysedQuery matches a term in a field of words.
func analysedQuery(field string, t querylang.Term, allWords bool) (query.Query, error) {
	switch t.Kind {
	case querylang.Phrase:
		q := query.NewMatchPhraseQuery(t.Text)
		q.SetField(field)
		return q, nil
	case querylang.Wildcard:
		// Patterns are not analysed: fold them as the indexed terms are.
		q := query.NewWildcardQuery(textfold.Fold(t.Text))
		q.SetField(field)
		return q, nil
	}
	if t.Kind == querylang.Word && hasHan(t.Text) {
		// Chinese writes no spaces: a word is a run of characters,
		// analysed into overlapping bigrams, which must all occur in
		// order for the word to be there, not any one of them.
		q := query.NewMatchPhraseQuery(t.Text)
		q.SetField(field)
		return q, nil
	}
	q := query.NewMatchQuery(t.Text)
	q.SetField(field)
	if t.Kind == querylang.Fuzzy {
		q.SetFuzziness(t.Fuzziness)
	}
	if allWords {
		// "submitter:paris-call" means both words, not either.
		q.SetOperator(query.MatchQueryOperatorAnd)
	}
	return q, nil
}

func hasHan(s string) bool {
	for _, r := range s {
		if lang.Script(r) == lang.Index(lang.Chinese) {
			return true
		}
	}
	return false
}

// checkPattern refuses patterns that would walk the whole term
// dictionary (see MinPatternPrefix).
func checkPattern(t querylang.Term) error {
	switch t.Kind {
	case querylang.Wildcard:
		if literalPrefix(t.Text, "*?") < MinPatternPrefix {
			return fmt.Errorf("the wildcard %q must start with at least %d letters before any * or ?", t.Text, MinPatternPrefix)
		}
	case querylang.Regexp:
		if regexpPrefix(t.Text) < MinPatternPrefix {
			return fmt.Errorf("the regular expression /%s/ must start with at least %d literal letters", t.Text, MinPatternPrefix)
		}
	case querylang.Fuzzy:
		if utf8.RuneCountInString(strings.TrimSpace(t.Text)) < MinPatternPrefix {
			return fmt.Errorf("the fuzzy term %q must have at least %d letters", t.Text, MinPatternPrefix)
		}
		if t.Fuzziness < 1 || t.Fuzziness > 2 {
			return fmt.Errorf("the fuzzy term %s~%d: write ~1 or ~2 (edits allowed)", t.Text, t.Fuzziness)
		}
	}
	return nil
}

// langQuery matches passages in any of the languages: detected in the
// passage, or the document's metadata language, where a bare language
// ("fr") also matches its regional forms ("fr-FR", "fr-CA"), which is how
// ingest stores languages read from files.
func langQuery(langs []string) query.Query {
	var qs []query.Query
	for _, l := range langs {
		l = textfold.Fold(strings.TrimSpace(l))
		for _, field := range []string{FieldLang, FieldDocLang} {
			t := query.NewTermQuery(l)
			t.SetField(field)
			qs = append(qs, t)
		}
		if !strings.Contains(l, "-") {
			p := query.NewPrefixQuery(l + "-")
			p.SetField(FieldDocLang)
			qs = append(qs, p)
		}
	}
	if len(qs) == 1 {
		return qs[0]
	}
	return query.NewDisjunctionQuery(qs)
}

// allWordsQuery matches documents whose field (submitter, country) has
// every word of any of the names: "--submitter paris" finds "Paris Call
// for Trust and Security in Cyberspace".
func allWordsQuery(field string, names []string) query.Query {
	var qs []query.Query
	for _, n := range names {
		q := query.NewMatchQuery(n)
		q.SetField(field)
		q.SetOperator(query.MatchQueryOperatorAnd)
		qs = append(qs, q)
	}
	if len(qs) == 1 {
		return qs[0]
	}
	return query.NewDisjunctionQuery(qs)
}

func isYear(s string) bool {
	if len(s) != 4 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
