package pdfgen

import (
	"bytes"
	"fmt"
	"io"
	"strings"
)

// Objects builds a PDF file object by object: the header and the catalog
// come first, object 2 is kept for the page tree, and Finish writes the
// page tree, the cross-reference table and the trailer. Every generated
// PDF here (text pages, styled pages, scanned images) shares this frame.
type Objects struct {
	b       bytes.Buffer
	offsets []int
}

// NewObjects starts a PDF with its catalog (object 1) pointing at the
// page tree (object 2).
func NewObjects() *Objects {
	o := &Objects{}
	o.b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	o.Add([]byte("<< /Type /Catalog /Pages 2 0 R >>"))
	o.offsets = append(o.offsets, 0) // 2: the page tree, written by Finish
	return o
}

// Add writes the next object with the given body and returns its number.
func (o *Objects) Add(body []byte) int {
	o.offsets = append(o.offsets, o.b.Len())
	n := len(o.offsets)
	fmt.Fprintf(&o.b, "%d 0 obj\n", n)
	o.b.Write(body)
	o.b.WriteString("\nendobj\n")
	return n
}

// Finish writes the page tree of pages (object numbers, in order), the
// cross-reference table and the trailer (naming info as the document
// information dictionary when it is not 0), then the whole file to w.
func (o *Objects) Finish(w io.Writer, pages []int, info int) error {
	kids := make([]string, len(pages))
	for i, p := range pages {
		kids[i] = fmt.Sprintf("%d 0 R", p)
	}
	o.offsets[1] = o.b.Len()
	fmt.Fprintf(&o.b, "2 0 obj\n<< /Type /Pages /Count %d /Kids [%s] >>\nendobj\n", len(pages), strings.Join(kids, " "))
	xref := o.b.Len()
	fmt.Fprintf(&o.b, "xref\n0 %d\n0000000000 65535 f \n", len(o.offsets)+1)
	for _, off := range o.offsets {
		fmt.Fprintf(&o.b, "%010d 00000 n \n", off)
	}
	infoRef := ""
	if info != 0 {
		infoRef = fmt.Sprintf(" /Info %d 0 R", info)
	}
	fmt.Fprintf(&o.b, "trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n", len(o.offsets)+1, infoRef, xref)
	_, err := w.Write(o.b.Bytes())
	return err
}
