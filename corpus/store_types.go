package corpus

import (
	"errors"
	"time"
)

// The types below are what a store of the corpus answers with; they carry
// no storage of their own.

// Parts selects what Document and EachDocument load besides the
// document's own fields.
type Parts int

// Parts of a document.
const (
	WithPages    Parts = 1 << iota // page texts
	WithPassages                   // passages and their tags
	WithAll      = WithPages | WithPassages
)

// PathInfo is what the store remembers of a file path: the document its
// bytes were, and the size and modification time they had then.
type PathInfo struct {
	Path  string
	DocID string
	Size  int64
	MTime time.Time
}

// PutResult says what PutDocument did.
type PutResult struct {
	// Added is false when a document with the same bytes was already stored;
	// only its path was recorded.
	Added bool
	// Removed lists documents deleted because doc's path used to hold them
	// and no other path does: the file changed. The index must drop them.
	Removed []string
}

// Stats summarises the store.
type Stats struct {
	Documents int `json:"documents"`
	// NearDuplicates counts documents whose text nearly repeats an earlier
	// document's (re-saved files); they are included in Documents.
	NearDuplicates int            `json:"near_duplicates"`
	Failed         map[Reason]int `json:"failed"`
	Pages          int            `json:"pages"`
	Passages       int            `json:"passages"`
	// Kinds counts passages of each kind.
	Kinds map[Kind]int `json:"kinds"`
	// CountedKinds are the kinds of passage Norms and DirectNorms count
	// (body and headings unless asked otherwise).
	CountedKinds []Kind `json:"counted_kinds"`
	// OCRPages counts the pages read by OCR, in OCRDocuments documents.
	OCRPages     int `json:"ocr_pages"`
	OCRDocuments int `json:"ocr_documents"`
	// Norms counts passages carrying each norm (direct or inherited).
	Norms map[string]int `json:"norms"`
	// DirectNorms counts passages whose own words carry each norm.
	DirectNorms map[string]int `json:"direct_norms"`
	// RulesVersions counts documents per rules version.
	RulesVersions map[string]int `json:"rules_versions"`
}

// ErrNotFound is returned for a document id the store does not hold.
var ErrNotFound = errors.New("no such document")
