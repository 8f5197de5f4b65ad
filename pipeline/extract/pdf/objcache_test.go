package pdf

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	lpdf "github.com/ledongthuc/pdf"
)

// sharedResourcesPDF has three pages that share one resource dictionary
// (object 4), whose font (object 5) is an indirect object; object 6 is a
// dictionary too large to keep.
func sharedResourcesPDF(t *testing.T) *lpdf.Reader {
	t.Helper()
	big := "[" + strings.Repeat("500 ", 20000) + "]"
	data := buildPDF(
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R 7 0 R 8 0 R] /Count 3 >>",
		"<< /Type /Page /Parent 2 0 R /Contents 9 0 R /Resources 4 0 R /Big 6 0 R >>",
		"<< /Font << /F1 5 0 R >> /ProcSet [/PDF /Text] >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
		"<< /Widths "+big+" >>",
		"<< /Type /Page /Parent 2 0 R /Contents 10 0 R /Resources 4 0 R >>",
		"<< /Type /Page /Parent 2 0 R /Contents 9 0 R /Resources 4 0 R >>",
		stream("", "BT /F1 12 Tf 72 700 Td (Shared resources) Tj ET"),
		stream("", "BT /F1 12 Tf 72 700 Td (Second page) Tj ET"),
	)
	r, err := newReader(data, "")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// The cache must see the references the parser hides; if a new version
// of ledongthuc/pdf lays its values out differently, extraction still
// works but uncached, and this test says so.
func TestObjectCacheKeepsSharedObjects(t *testing.T) {
	if !valueLayout.ok {
		t.Fatal("the layout of lpdf.Value is not the one the object cache reads: every look-up is uncached")
	}
	r := sharedResourcesPDF(t)
	fonts := newFontCache()
	var texts []string
	walkPages(r.Trailer().Key("Root").Key("Pages"), fonts.objects, func(page, resources lpdf.Value) bool {
		if _, ok := rawRef(page, "Contents"); !ok {
			t.Errorf("no reference found for the page's /Contents")
		}
		text, _, _, err := contentTextLines(page, resources, fonts, false)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, text)
		return true
	})
	if got := strings.Join(texts, "|"); got != "Shared resources|Second page|Shared resources" {
		t.Fatalf("pages %q", got)
	}
	resources, ok := fonts.objects.values[objref{id: 4}]
	if !ok || resources.Key("Font").Key("F1").Key("BaseFont").Name() != "Helvetica" {
		t.Fatalf("shared resources not kept: %v", fonts.objects.values)
	}
	if len(fonts.byRef) != 1 || fonts.byRef[objref{id: 5}] == nil {
		t.Fatalf("fonts kept: %v", fonts.byRef)
	}
	// A direct value has no reference; a missing key neither.
	if _, ok := rawRef(resources, "Font"); ok {
		t.Error("direct /Font dictionary taken for a reference")
	}
	if _, ok := rawRef(resources, "Nothing"); ok {
		t.Error("missing key taken for a reference")
	}
}

// An object beyond maxCachedObjectSize is looked up but not kept: the
// cache of a hostile file stays small.
func TestObjectCacheSkipsLargeObjects(t *testing.T) {
	r := sharedResourcesPDF(t)
	objects := newObjectCache()
	page := r.Trailer().Key("Root").Key("Pages").Key("Kids").Index(0)
	if n := objects.key(page, "Big").Key("Widths").Len(); n != 20000 {
		t.Fatalf("big object read with %d widths", n)
	}
	if _, kept := objects.values[objref{id: 6}]; kept || objects.bytes != 0 {
		t.Fatalf("large object kept (%d bytes cached)", objects.bytes)
	}
	objects.key(page, "Resources")
	if _, kept := objects.values[objref{id: 4}]; !kept || objects.bytes <= 0 || objects.bytes > maxCachedObjectSize {
		t.Fatalf("small object not kept, or its size misjudged (%d bytes cached)", objects.bytes)
	}
}

// On real documents, text read through the document's caches is the
// text read with every object looked up afresh, page by page.
func TestCachedExtractionMatchesUncached(t *testing.T) {
	files, _ := filepath.Glob("../../../../shared/corpora/policy/pariscall/*.pdf")
	if len(files) == 0 {
		t.Skip("../shared/corpora/policy/pariscall is absent")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		r, err := open(data, "")
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		fonts := newFontCache()
		n := 0
		walkPages(r.Trailer().Key("Root").Key("Pages"), fonts.objects, func(page, resources lpdf.Value) bool {
			n++
			cached, _, _, err1 := contentTextLines(page, resources, fonts, false)
			fresh, _, _, err2 := contentTextLines(page, resources, nil, false)
			if cached != fresh || (err1 == nil) != (err2 == nil) {
				t.Errorf("%s page %d: cached %q (%v), uncached %q (%v)", filepath.Base(f), n, cached, err1, fresh, err2)
			}
			return true
		})
		if n == 0 || len(fonts.objects.values) == 0 {
			t.Errorf("%s: %d pages, %d objects cached", filepath.Base(f), n, len(fonts.objects.values))
		}
	}
}
