package sqlite

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/normtag/normtag/corpus"
)

// decodeEvidence decodes a tag's evidence column, the JSON that
// json.Marshal wrote for a []corpus.Evidence. Every stored tag has one, and
// reading them through encoding/json's reflection cost a third of a
// retag's CPU, so the shape the store writes is read by hand; anything
// else (escapes in a string, fields in another order, an older layout)
// goes to json.Unmarshal, which gives the same result.
func decodeEvidence(s string) ([]corpus.Evidence, error) {
	if s == "" || s == "null" {
		return nil, nil
	}
	if out, ok := decodeEvidenceFast(s); ok {
		return out, nil
	}
	var out []corpus.Evidence
	err := json.Unmarshal([]byte(s), &out)
	return out, err
}

// decodeEvidenceFast reads [{"rule":S,"match":S,"start":N,"end":N}...]
// with an optional "heading":N last, strings without a backslash; ok is
// false for anything else.
func decodeEvidenceFast(s string) (out []corpus.Evidence, ok bool) {
	// Sized once: every item opens a brace (a rule or match may hold
	// more, which only spares room).
	return readList(s, strings.Count(s, "{"), func(r *evidenceReader, e *corpus.Evidence) bool {
		if !r.lit(`{"rule":`) || !r.str(&e.Rule) || !r.lit(`,"match":`) || !r.str(&e.Match) ||
			!r.lit(`,"start":`) || !r.num(&e.Start) || !r.lit(`,"end":`) || !r.num(&e.End) {
			return false
		}
		if r.lit(`,"heading":`) && !r.num(&e.HeadingSeq) {
			return false
		}
		return r.lit("}")
	})
}

// readList reads a JSON list whose items item reads, from the opening
// bracket to the closing one, which must end s; size is the room made
// for the items at once. ok is false as soon as anything else is met:
// the caller then decodes s with json.Unmarshal.
func readList[T any](s string, size int, item func(r *evidenceReader, v *T) bool) (out []T, ok bool) {
	r := evidenceReader{s: s}
	if !r.lit("[") {
		return nil, false
	}
	out = make([]T, 0, size)
	if r.lit("]") {
		return out, r.i == len(s)
	}
	for {
		var v T
		if !item(&r, &v) {
			return nil, false
		}
		out = append(out, v)
		if r.lit("]") {
			return out, r.i == len(s)
		}
		if !r.lit(",") {
			return nil, false
		}
	}
}

// evidenceReader walks the evidence JSON for decodeEvidenceFast.
type evidenceReader struct {
	s string
	i int
}

// lit consumes want if the text continues with it.
func (r *evidenceReader) lit(want string) bool {
	if strings.HasPrefix(r.s[r.i:], want) {
		r.i += len(want)
		return true
	}
	return false
}

// str reads a JSON string without escapes into v.
func (r *evidenceReader) str(v *string) bool {
	if !r.lit(`"`) {
		return false
	}
	// Two byte searches, which the standard library vectorises, cost
	// less than one IndexAny of both bytes.
	end := strings.IndexByte(r.s[r.i:], '"')
	if end < 0 || strings.IndexByte(r.s[r.i:r.i+end], '\\') >= 0 {
		return false
	}
	*v = r.s[r.i : r.i+end]
	r.i += end + 1
	return true
}

// num reads a JSON integer into v.
func (r *evidenceReader) num(v *int) bool {
	j := r.i
	if j < len(r.s) && r.s[j] == '-' {
		j++
	}
	for j < len(r.s) && r.s[j] >= '0' && r.s[j] <= '9' {
		j++
	}
	n, err := strconv.Atoi(r.s[r.i:j])
	if err != nil {
		return false
	}
	*v, r.i = n, j
	return true
}
