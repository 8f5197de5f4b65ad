// Package pdf extracts text from PDF files page by page, on top of the
// object model of github.com/ledongthuc/pdf: it walks the page tree once,
// interprets each page's content with that page's own fonts (following
// Form XObjects), infers word spaces and line breaks from glyph
// positions, and repairs the damage readers commonly tolerate (leading
// or trailing garbage, unknown header versions, broken cross-reference
// tables).
package pdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	lpdf "github.com/ledongthuc/pdf"

	"github.com/normtag/normtag/corpus"
)

// Options tune extraction.
type Options struct {
	// Password opens encrypted files; the empty user password is always
	// tried first, so files protected by an owner password only open.
	Password string
}

// Info is the document-level metadata found in the file.
type Info struct {
	Title    string
	Author   string
	Subject  string
	Creator  string
	Producer string
	// Created is the /CreationDate as YYYY-MM-DD, when readable.
	Created string
	// Modified is the /ModDate as YYYY-MM-DD, when readable.
	Modified string
	Lang     string
	// Pages is the page count of the file.
	Pages int
	// CoverLines are the lines of the first page with text (page 1 or 2),
	// with their type sizes: the title is set in the largest type.
	CoverLines []Line
	// CoverPage is the page CoverLines come from (0 when none).
	CoverPage int
	// Notes are the byte ranges of footnotes (small type at a page's foot,
	// each starting with its marker) in the text of the pages that have
	// them, by page number.
	Notes map[int][]corpus.Span
	// RunsOn holds the pages whose last paragraph runs on to the next
	// page (see corpus.Page.RunsOn).
	RunsOn map[int]bool
}

// maxPages bounds the page tree walk.
const maxPages = 100000

// Extract returns the text of every page of the PDF in data, in page order
// (element i is page i+1). Errors are *corpus.Error values with a Reason.
func Extract(ctx context.Context, data []byte, opts Options) (pages []string, info Info, err error) {
	defer func() {
		if r := recover(); r != nil {
			pages, err = nil, corpus.Errorf(corpus.ReasonCrashed, "pdf parser panic: %v", r)
		}
	}()
	r, err := open(data, opts.Password)
	if err != nil {
		return nil, Info{}, err
	}
	pages, info, err = extractPages(ctx, r)
	if err == nil && !blank(pages) || ctx.Err() != nil {
		return pages, info, err
	}
	if err == nil {
		// No text at all: a scan, or streams whose /Length lies. Try the
		// repaired file before concluding.
		fixed, _ := fixHeader(data)
		if rebuilt, rerr := rebuildXref(fixed); rerr == nil {
			if r2, oerr := newReader(rebuilt, opts.Password); oerr == nil && hasPages(r2) {
				if p2, i2, e2 := extractPages(ctx, r2); e2 == nil && !blank(p2) {
					return p2, i2, nil
				}
			}
		}
		return pages, info, nil
	}
	// Objects the cross-reference table points at wrongly make pages
	// unreadable even though the file opened: retry on a table rebuilt
	// from the objects themselves.
	fixed, _ := fixHeader(data)
	rebuilt, rerr := rebuildXref(fixed)
	if rerr != nil {
		return extractRewritten(ctx, data, opts.Password, info, err)
	}
	r2, oerr := newReader(rebuilt, opts.Password)
	if oerr != nil || !hasPages(r2) {
		return extractRewritten(ctx, data, opts.Password, info, err)
	}
	if pages2, info2, err2 := extractPages(ctx, r2); err2 == nil {
		return pages2, info2, nil
	}
	return extractRewritten(ctx, data, opts.Password, info, err)
}

// extractRewritten is the last resort: pdfcpu rewrites the file and we
// extract from its rewrite; cause is returned if that fails too.
func extractRewritten(ctx context.Context, data []byte, password string, info Info, cause error) ([]string, Info, error) {
	rewrite := rewriteWithPdfcpu
	if bytes.Contains(data, []byte("/Encrypt")) {
		// ledongthuc/pdf opened it but decrypted streams wrongly
		rewrite = decryptWithPdfcpu
	}
	out, err := rewrite(data, password)
	if err != nil {
		return nil, info, cause
	}
	r, err := newReader(out, "")
	if err != nil || !hasPages(r) {
		return nil, info, cause
	}
	pages, info2, err := extractPages(ctx, r)
	if err != nil {
		return nil, info, cause
	}
	return pages, info2, nil
}

// extractPages reads every page of an opened file. A panic while walking
// the file is an error, so that the caller can retry after repair.
func extractPages(ctx context.Context, r *lpdf.Reader) (pages []string, info Info, err error) {
	defer func() {
		if x := recover(); x != nil {
			pages, err = nil, corpus.Errorf(corpus.ReasonCrashed, "pdf parser panic: %v", x)
		}
	}()
	root := r.Trailer().Key("Root")
	info = readInfo(r.Trailer().Key("Info"), root)
	var failed int
	var firstErr error
	fonts := newFontCache()
	walkPages(root.Key("Pages"), fonts.objects, func(page, resources lpdf.Value) bool {
		if ctx.Err() != nil {
			return false
		}
		withLines := info.CoverPage == 0 && len(pages) < 2
		text, lines, marks, perr := pageText(page, resources, fonts, withLines)
		if len(marks.notes) > 0 {
			if info.Notes == nil {
				info.Notes = map[int][]corpus.Span{}
			}
			info.Notes[len(pages)+1] = marks.notes
		}
		if marks.runsOn {
			if info.RunsOn == nil {
				info.RunsOn = map[int]bool{}
			}
			info.RunsOn[len(pages)+1] = true
		}
		if len(lines) > 0 {
			info.CoverLines, info.CoverPage = lines, len(pages)+1
		}
		if perr != nil {
			failed++
			if firstErr == nil {
				firstErr = perr
			}
		}
		pages = append(pages, text)
		return len(pages) < maxPages
	})
	if err := ctx.Err(); err != nil {
		return nil, info, err
	}
	info.Pages = len(pages)
	if len(pages) == 0 {
		return nil, info, corpus.Errorf(corpus.ReasonMalformed, "no pages found in the page tree")
	}
	if failed == len(pages) && firstErr != nil {
		return nil, info, corpus.Errorf(corpus.ReasonMalformed, "no page could be read: %v", firstErr)
	}
	if blank(pages) && failed > 0 {
		return nil, info, corpus.Errorf(corpus.ReasonMalformed, "no text, and %d page(s) could not be read: %v", failed, firstErr)
	}
	return pages, info, nil
}

func blank(pages []string) bool {
	for _, p := range pages {
		if strings.TrimSpace(p) != "" {
			return false
		}
	}
	return true
}

// pageText extracts one page, turning a parser panic into an error so
// that one bad page does not lose the others.
func pageText(page, resources lpdf.Value, fonts *fontCache, withLines bool) (text string, lines []Line, marks pageMarks, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("page content: %v", r)
		}
	}()
	return contentTextLines(page, resources, fonts, withLines)
}

// open parses the file, repairing it step by step when the parser
// rejects it.
func open(data []byte, password string) (*lpdf.Reader, error) {
	r, err := newReader(data, password)
	if err == nil && hasPages(r) {
		return r, nil
	}
	if isEncryption(err) {
		return openDecrypted(data, password, err)
	}
	firstErr := err
	fixed, _ := fixHeader(data)
	r2, err2 := newReader(fixed, password)
	if err2 == nil && hasPages(r2) {
		return r2, nil
	} else if isEncryption(err2) {
		return openDecrypted(fixed, password, err2)
	}
	if err2 != nil && (encryptRefNums().Match(fixed) || encryptInline().Match(fixed)) {
		// An encrypted file can fail for reasons that do not say so (a
		// trailer without the /ID the key is made from): decrypting may
		// still open it; if not, the repairs below get their turn.
		if r, derr := openDecrypted(fixed, password, err2); derr == nil {
			return r, nil
		}
	}
	rebuilt, rerr := rebuildXref(fixed)
	if rerr == nil {
		r3, err3 := newReader(rebuilt, password)
		if err3 == nil && hasPages(r3) {
			return r3, nil
		}
		if isEncryption(err3) {
			return openDecrypted(rebuilt, password, err3)
		}
		if err3 != nil {
			rerr = err3
		} else {
			rerr = errors.New("no page tree")
		}
	}
	if firstErr == nil {
		firstErr = errors.New("no page tree")
	}
	if out, err := rewriteWithPdfcpu(data, password); err == nil {
		if r4, err := newReader(out, ""); err == nil && hasPages(r4) {
			return r4, nil
		}
	}
	return nil, corpus.Errorf(corpus.ReasonMalformed, "%v (repair failed: %v)", firstErr, rerr)
}

// hasPages reports whether the file has a page tree whose first page can
// be resolved; a panic while resolving counts as no.
// openDecrypted opens an encrypted file that ledongthuc/pdf rejected, by
// decrypting it with pdfcpu first (the empty user password, then the one
// given). cause is the original error, reported when that fails too.
func openDecrypted(data []byte, password string, cause error) (*lpdf.Reader, error) {
	if plain, ok := withoutIdentityEncryption(data); ok {
		if r, err := newReader(plain, ""); err == nil && hasPages(r) {
			return r, nil
		}
	}
	for _, pw := range []string{"", password} {
		if pw == "" && password != "" {
			continue
		}
		plain, err := decryptWithPdfcpu(data, pw)
		if err != nil {
			continue
		}
		plain, _ = fixHeader(plain)
		if r, err := newReader(plain, ""); err == nil && hasPages(r) {
			return r, nil
		}
	}
	return nil, encryptionError(cause, password)
}

func hasPages(r *lpdf.Reader) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	pages := r.Trailer().Key("Root").Key("Pages")
	if pages.Kind() != lpdf.Dict {
		return false
	}
	first := false
	walkPages(pages, nil, func(page, _ lpdf.Value) bool {
		first = page.Kind() == lpdf.Dict
		return false
	})
	return first
}

func newReader(data []byte, password string) (r *lpdf.Reader, err error) {
	defer func() {
		if x := recover(); x != nil {
			r, err = nil, fmt.Errorf("malformed PDF: %v", x)
		}
	}()
	if prevChainLoops(data) {
		return nil, errors.New("malformed PDF: the chain of cross-reference sections loops")
	}
	tried := false
	return lpdf.NewReaderEncrypted(bytes.NewReader(data), int64(len(data)), func() string {
		if tried || password == "" {
			return ""
		}
		tried = true
		return password
	})
}

func isEncryption(err error) bool {
	if err == nil {
		return false
	}
	s := strings.ToLower(err.Error())
	return errors.Is(err, lpdf.ErrInvalidPassword) || strings.Contains(s, "encrypt") || strings.Contains(s, "password")
}

func encryptionError(err error, password string) error {
	if errors.Is(err, lpdf.ErrInvalidPassword) {
		if password == "" {
			return corpus.Errorf(corpus.ReasonEncrypted, "encrypted with a user password; give it with --password")
		}
		return corpus.Errorf(corpus.ReasonEncrypted, "encrypted, and the password given does not open it")
	}
	return corpus.Errorf(corpus.ReasonEncrypted, "encryption not supported: %v", err)
}

// walkPages visits the leaves of the page tree in order, with the
// resources each inherits, guarding against cycles and absurd depth.
// Pages often share one resource dictionary: objects keeps it.
func walkPages(node lpdf.Value, objects *objectCache, visit func(page, resources lpdf.Value) bool) {
	seen := 0
	var walk func(n, res lpdf.Value, depth int) bool
	walk = func(n, res lpdf.Value, depth int) bool {
		seen++
		if depth > 64 || seen > 4*maxPages {
			return false
		}
		if r := objects.key(n, "Resources"); !r.IsNull() {
			res = r
		}
		kids := n.Key("Kids")
		if n.Key("Type").Name() == "Page" || kids.Kind() != lpdf.Array {
			if n.Kind() != lpdf.Dict {
				return true
			}
			return visit(n, res)
		}
		for i := 0; i < kids.Len(); i++ {
			if !walk(kids.Index(i), res, depth+1) {
				return false
			}
		}
		return true
	}
	walk(node, lpdf.Value{}, 0)
}

// readInfo reads the document information dictionary and the catalog's
// language.
func readInfo(v, root lpdf.Value) Info {
	text := func(key string) string {
		x := v.Key(key)
		if x.Kind() != lpdf.String {
			return ""
		}
		return strings.TrimSpace(strings.Map(func(r rune) rune {
			if r < 32 {
				return ' '
			}
			return r
		}, x.Text()))
	}
	info := Info{Title: text("Title"), Author: text("Author"), Subject: text("Subject"), Creator: text("Creator"), Producer: text("Producer")}
	if d := text("CreationDate"); len(d) >= 10 {
		d = strings.TrimPrefix(d, "D:")
		if len(d) >= 8 && isDigits(d[:8]) {
			info.Created = d[:4] + "-" + d[4:6] + "-" + d[6:8]
		}
	}
	if d := strings.TrimPrefix(text("ModDate"), "D:"); len(d) >= 8 && isDigits(d[:8]) {
		info.Modified = d[:4] + "-" + d[4:6] + "-" + d[6:8]
	}
	if l := root.Key("Lang"); l.Kind() == lpdf.String {
		info.Lang = strings.TrimSpace(l.Text())
	}
	// XMP fills what the Info dictionary leaves empty.
	if info.Title == "" || info.Author == "" || info.Created == "" || info.Lang == "" {
		x := readXMP(root)
		for _, f := range []struct {
			dst *string
			src string
		}{
			{&info.Title, x.Title}, {&info.Author, x.Author}, {&info.Created, x.Created}, {&info.Lang, x.Lang},
		} {
			if *f.dst == "" {
				*f.dst = f.src
			}
		}
	}
	return info
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// OpenPlain opens a PDF for reading its objects (the OCR takes a scanned
// page's image from it) when it opens as it is or with the bytes around
// it cut, and fails otherwise: the costlier repairs and decryption are
// left to whoever reads the file next (pdfimages, for the OCR), so that a
// hostile file is not repaired a second time outside extraction's limits.
func OpenPlain(data []byte) (*lpdf.Reader, error) {
	if r, err := newReader(data, ""); err == nil && hasPages(r) {
		return r, nil
	}
	fixed, _ := fixHeader(data)
	r, err := newReader(fixed, "")
	if err != nil {
		return nil, err
	}
	if !hasPages(r) {
		return nil, errors.New("no page tree")
	}
	return r, nil
}
