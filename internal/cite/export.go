package cite

import (
	"context"
	"fmt"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/corpus/sqlite"
	"github.com/normtag/normtag/index"
	"github.com/normtag/normtag/internal/export"
)

// What one exported record cites.
const (
	// UnitPassage cites each matching passage (the default).
	UnitPassage = "passage"
	// UnitDocument cites each document holding a matching passage, once.
	UnitDocument = "document"
)

// CheckUnit returns the unit named ("" is UnitPassage) or an error
// naming the units.
func CheckUnit(unit string) (string, error) {
	switch unit {
	case "", UnitPassage:
		return UnitPassage, nil
	case UnitDocument:
		return UnitDocument, nil
	}
	return "", &index.RequestError{Field: "unit", Err: fmt.Errorf("unknown unit %q (want passage or document)", unit)}
}

// Items streams a citation of every passage matching req (an
// index.KindExport request), or of every document holding one when unit
// is UnitDocument, to emit, in the export's order. It reads the passages
// as export.RowsPaged does, size hits at a time, and each document's
// metadata once.
func Items(ctx context.Context, ix export.Searcher, st *sqlite.Store, req index.Request, size int, unit string, l Links, emit func(Item) error) error {
	unit, err := CheckUnit(unit)
	if err != nil {
		return err
	}
	var doc *corpus.Document
	var ocrPages map[int]float64
	seen := map[string]bool{}
	return export.RowsPaged(ctx, ix, st, req, size, func(r export.Row) error {
		if unit == UnitDocument && seen[r.DocID] {
			return nil
		}
		if doc == nil || doc.ID != r.DocID {
			d, err := st.Document(ctx, r.DocID, 0)
			if err != nil {
				return fmt.Errorf("document %s: %w", r.DocID, err)
			}
			doc, ocrPages = d, d.OCRPages()
		}
		if unit == UnitDocument {
			seen[r.DocID] = true
			return emit(OfDocument(doc, l))
		}
		return emit(OfPassage(doc, ocrPages, rowPassage(r), l))
	})
}

// rowPassage is the passage an export row describes, with its tags as
// norm letters (the evidence is not cited).
func rowPassage(r export.Row) corpus.Passage {
	p := corpus.Passage{Seq: r.Passage, Page: r.Page, PageEnd: r.PageEnd, Kind: r.Kind, HeadingPath: r.HeadingPath, Text: r.Text}
	for _, n := range r.DirectNorms {
		p.Tags = append(p.Tags, corpus.Tag{Norm: n})
	}
	for _, n := range r.InheritedNorms {
		p.Tags = append(p.Tags, corpus.Tag{Norm: n, Inherited: true})
	}
	return p
}
