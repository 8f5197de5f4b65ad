// Package pdf extracts text from PDF files page by page, on top of the
// object model of github.com/ledongthuc/pdf.
package pdf

import (
	"bytes"
	"context"
	"fmt"

	lpdf "github.com/ledongthuc/pdf"

	"github.com/normtag/normtag/corpus"
)

// Options tune extraction.
type Options struct {
	// Password opens encrypted files; the empty user password is always tried.
	Password string
}

// Info is the document-level metadata found in the file.
type Info struct {
	Title  string
	Author string
	// Pages is the page count of the file.
	Pages int
}

// Extract returns the text of every page of the PDF in data, in page order
// (element i is page i+1). Errors are *corpus.Error values with a Reason.
//
// TEMPORARY first version (GetPlainText per page); replaced by the layout
// extractor of the PDF extraction issue.
func Extract(ctx context.Context, data []byte, opts Options) (pages []string, info Info, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = corpus.Errorf(corpus.ReasonCrashed, "pdf parser panic: %v", r)
		}
	}()
	r, err := lpdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, Info{}, corpus.Errorf(corpus.ReasonMalformed, "open pdf: %w", err)
	}
	n := r.NumPage()
	info.Pages = n
	for i := 1; i <= n; i++ {
		if err := ctx.Err(); err != nil {
			return nil, info, err
		}
		p := r.Page(i)
		if p.V.IsNull() {
			pages = append(pages, "")
			continue
		}
		txt, err := p.GetPlainText(nil)
		if err != nil {
			return nil, info, corpus.Errorf(corpus.ReasonMalformed, "page %d: %w", i, err)
		}
		pages = append(pages, txt)
	}
	if n == 0 {
		return nil, info, fmt.Errorf("no pages: %w", &corpus.Error{Reason: corpus.ReasonMalformed})
	}
	return pages, info, nil
}
