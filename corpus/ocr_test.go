package corpus

import (
	"strings"
	"testing"
)

func TestOCRMeta(t *testing.T) {
	var d Document
	d.SetOCR([]OCRPage{{1, 90}, {2, 80}, {3, 70.4}, {7, 60}}, "fra")
	if d.Meta[MetaOCRPages] != "1-3,7" || d.Meta[MetaOCRConfidence] != "75.1" || d.Meta[MetaOCRLang] != "fra" {
		t.Fatalf("meta %v", d.Meta)
	}
	pages := d.OCRPages()
	if len(pages) != 4 || pages[3] != 70 || pages[7] != 60 {
		t.Fatalf("pages %v", pages)
	}
	for _, c := range []struct {
		p    Passage
		ocr  bool
		conf float64
	}{
		{Passage{Page: 2, PageEnd: 3}, true, 75},
		{Passage{Page: 5}, false, 0},
		{Passage{Page: 6, PageEnd: 7}, true, 60},
	} {
		if ocr, conf := PassageOCR(pages, c.p); ocr != c.ocr || conf != c.conf {
			t.Errorf("passage on pages %d-%d: ocr %v %v, want %v %v", c.p.Page, c.p.LastPage(), ocr, conf, c.ocr, c.conf)
		}
	}
	// Too many pages for their confidences to fit: the mean stands in.
	many := make([]OCRPage, 400)
	for i := range many {
		many[i] = OCRPage{Page: 2*i + 1, Confidence: 90}
	}
	d.SetOCR(many, "")
	if _, ok := d.Meta[MetaOCRPageConfidence]; ok || len(d.OCRPages()) != 400 || d.OCRPages()[799] != 90 {
		t.Fatalf("400 pages: meta page confidence %d bytes, %d pages", len(d.Meta[MetaOCRPageConfidence]), len(d.OCRPages()))
	}
	if !strings.HasPrefix(d.Meta[MetaOCRPages], "1,3,5") {
		t.Fatalf("pages %q", d.Meta[MetaOCRPages][:20])
	}
	d.SetOCR(nil, "")
	if len(d.Meta) != 0 || d.OCRPages() != nil {
		t.Fatalf("cleared meta %v", d.Meta)
	}
}
