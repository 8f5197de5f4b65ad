package sqlite

import (
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/normtag/normtag/corpus"
)

// Every passage has a heading path and pieces column, JSON lists that
// json.Marshal wrote. Decoding them with json.Unmarshal's reflection cost
// a retag a tenth of its time, so the shapes the store writes are read
// by hand, as decodeEvidence does; anything else goes to json.Unmarshal,
// which gives the same result.

// headingPaths decodes the heading paths of a document's passages in
// order, reusing the strings of the previous path when a passage has the
// same one as the passage before it (most do).
type headingPaths struct {
	raw  string
	last []string
}

// decode decodes one heading path column; an empty list is nil.
func (h *headingPaths) decode(s string) ([]string, error) {
	if isEmptyList(s) {
		return nil, nil
	}
	if s == h.raw && h.last != nil {
		return append([]string(nil), h.last...), nil
	}
	out, err := decodeList(s, decodeStringsFast)
	if err != nil || out == nil {
		return nil, err
	}
	h.raw, h.last = s, out
	return append([]string(nil), out...), nil
}

// isEmptyList reports whether a list column holds no element.
func isEmptyList(s string) bool {
	switch s {
	case "", "null", "[]":
		return true
	}
	return false
}

// decodeStringsFast reads ["S",...] with strings that need no unescaping
// (no backslash, no control character, valid UTF-8, which json.Unmarshal
// would otherwise replace); ok is false for anything else.
func decodeStringsFast(s string) (out []string, ok bool) {
	return readList(s, 0, func(r *evidenceReader, v *string) bool {
		return r.str(v) && plainJSONString(*v)
	})
}

// plainJSONString reports whether the text between a JSON string's
// quotes, holding no backslash, decodes to itself.
func plainJSONString(v string) bool {
	for i := 0; i < len(v); i++ {
		if v[i] < 0x20 {
			return false
		}
	}
	return utf8.ValidString(v)
}

// decodePieces decodes a pieces column; an empty list is nil.
func decodePieces(s string) ([]corpus.Piece, error) {
	if isEmptyList(s) {
		return nil, nil
	}
	return decodeList(s, decodePiecesFast)
}

// decodeList decodes a JSON list column with fast, the hand-written
// reader of the shape the store writes, falling back to json.Unmarshal
// for any other shape; an empty list is nil.
func decodeList[T any](s string, fast func(string) ([]T, bool)) ([]T, error) {
	out, ok := fast(s)
	if !ok {
		out = nil
		if err := json.Unmarshal([]byte(s), &out); err != nil {
			return nil, err
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// decodePiecesFast reads [{"page":N,"start":N,"end":N},...]; ok is false
// for anything else.
func decodePiecesFast(s string) (out []corpus.Piece, ok bool) {
	return readList(s, strings.Count(s, "{"), func(r *evidenceReader, p *corpus.Piece) bool {
		return r.lit(`{"page":`) && r.num(&p.Page) && r.lit(`,"start":`) && r.num(&p.Start) &&
			r.lit(`,"end":`) && r.num(&p.End) && r.lit("}")
	})
}
