package cite

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/normtag/normtag/corpus"
)

// Links builds the addresses a citation carries, under Base: the scheme
// and host a reader reaches normtag serve at ("http://127.0.0.1:8080"),
// or "" for addresses relative to the server.
type Links struct{ Base string }

// Document is a document's page.
func (l Links) Document(docID string) string { return l.base() + "/documents/" + docID }

// File serves a document's original file.
func (l Links) File(docID string) string { return l.base() + "/api/documents/" + docID + "/file" }

// Passage is a passage's permalink: /p/{document}/{ref}, ref being Ref.
func (l Links) Passage(docID string, seq int, text string) string {
	return l.base() + PermalinkPath(docID, seq, text)
}

func (l Links) base() string { return strings.TrimRight(l.Base, "/") }

// PermalinkPath is a passage's permalink relative to the server.
func PermalinkPath(docID string, seq int, text string) string {
	return "/p/" + docID + "/" + Ref(seq, text)
}

// refHashLen is how many hex digits of the passage's text hash a
// permalink keeps: 48 bits tell one document's passages apart many
// times over and keep the link short.
const refHashLen = 12

// Ref names a passage within its document, "12-3fa2c1d09b7e": its
// position and the start of corpus.PassageHash of its text, the key
// analysts' judgements find their passage by.
//
// Neither part changes when the index is rebuilt or the passages are
// re-tagged: the document id is the file's hash and tagging leaves text
// and order alone. When a re-ingest of the same file segments it
// differently (a newer normtag), positions may shift but the text hash
// still finds the passage (Resolve).
func Ref(seq int, text string) string {
	return strconv.Itoa(seq) + "-" + corpus.PassageHash(text)[:refHashLen]
}

// ErrBadRef is a passage reference that is neither "12" nor "12-<hex>".
var ErrBadRef = errors.New("a passage is named by its number, optionally followed by - and the hex digits of its text hash")

// ParseRef reads a passage reference: "12" or "12-3fa2c1d09b7e". hash
// is "" when the reference has none.
func ParseRef(s string) (seq int, hash string, err error) {
	num, hash, _ := strings.Cut(s, "-")
	if num == "" || len(num) > 9 {
		return 0, "", fmt.Errorf("passage %q: %w", s, ErrBadRef)
	}
	for _, c := range num {
		if c < '0' || c > '9' {
			return 0, "", fmt.Errorf("passage %q: %w", s, ErrBadRef)
		}
	}
	seq, _ = strconv.Atoi(num)
	if strings.Contains(s, "-") {
		if len(hash) < 4 || len(hash) > 32 {
			return 0, "", fmt.Errorf("passage %q: %w", s, ErrBadRef)
		}
		for _, c := range hash {
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
				return 0, "", fmt.Errorf("passage %q: %w", s, ErrBadRef)
			}
		}
	}
	return seq, hash, nil
}

// Resolve finds the passage a reference names among a document's
// passages and returns its index in passages, or -1. With a hash, the
// passage whose text hash starts with it is taken, the one nearest seq
// if several are; exact is true then. A hash no passage has any more (the
// text changed) falls back to the passage at seq, with exact false, so
// that an old link still lands near what it cited.
func Resolve(passages []corpus.Passage, seq int, hash string) (i int, exact bool) {
	at := func(seq int) int {
		for i, p := range passages {
			if p.Seq == seq {
				return i
			}
		}
		return -1
	}
	if hash == "" {
		return at(seq), true
	}
	best, dist := -1, 0
	for i, p := range passages {
		if !strings.HasPrefix(corpus.PassageHash(p.Text), hash) {
			continue
		}
		d := p.Seq - seq
		if d < 0 {
			d = -d
		}
		if best < 0 || d < dist {
			best, dist = i, d
		}
	}
	if best >= 0 {
		return best, true
	}
	return at(seq), false
}
