package pdf

import (
	"bytes"
	"io"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"

	"unicode/utf8"

	lpdf "github.com/ledongthuc/pdf"

	"github.com/normtag/normtag/corpus"
)

// Limits that keep a hostile content stream from running away; the
// isolation pool's timeout and memory cap are the last line of defence.
const (
	maxFormDepth = 8
	maxGlyphs    = 2_000_000 // per page
	maxOps       = 5_000_000 // per page
)

// matrix is a PDF affine transform [a b c d e f].
type matrix [6]float64

var identity = matrix{1, 0, 0, 1, 0, 0}

// mul returns m × n (apply m, then n).
func (m matrix) mul(n matrix) matrix {
	return matrix{
		m[0]*n[0] + m[1]*n[2], m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2], m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4], m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

func (m matrix) apply(x, y float64) (float64, float64) {
	return x*m[0] + y*m[2] + m[4], x*m[1] + y*m[3] + m[5]
}

// glyph is one decoded character placed on the page, in device space.
type glyph struct {
	text   string
	x0, x1 float64 // horizontal extent along the baseline
	y      float64 // baseline
	size   float64 // font size in device units
	seq    int     // order in the content stream
	font   *font
}

// font is a page font with what layout needs: decoding and widths.
type font struct {
	f        *lpdf.Font
	enc      lpdf.TextEncoding
	twoByte  bool
	widths   map[int]float64 // glyph space units (1/1000 em)
	first    int
	simpleW  []float64
	defaultW float64
	spaceW   float64
	// decoded caches the text of each one-byte code and cidDecoded that
	// of the others. Both are shared by the copies of a font the pages
	// get (see fontCache.named): decoding depends on the font alone.
	decoded    *[256]*string
	cidDecoded map[int]string
}

func newFont(v lpdf.Value) *font {
	f := &lpdf.Font{V: v}
	ft := &font{f: f, enc: f.Encoder(), defaultW: 0, decoded: new([256]*string), cidDecoded: map[int]string{}}
	if ft.enc == nil {
		ft.enc = nopEncoding{}
	}
	switch v.Key("Subtype").Name() {
	case "Type0":
		// Identity-H and the predefined CMaps use two-byte codes; an
		// embedded CMap says its own code length.
		ft.twoByte = !oneByteCodespace(v.Key("Encoding"))
		desc := v.Key("DescendantFonts").Index(0)
		ft.defaultW = 1000
		if dw := desc.Key("DW"); dw.Kind() == lpdf.Integer || dw.Kind() == lpdf.Real {
			ft.defaultW = dw.Float64()
		}
		ft.widths = cidWidths(desc.Key("W"))
		if enc := v.Key("Encoding"); enc.Kind() == lpdf.Name && v.Key("ToUnicode").Kind() != lpdf.Stream {
			ft.enc = predefinedCMapEncoding(enc.Name(), ft.enc)
		}
	default:
		if enc := v.Key("Encoding"); !enc.IsNull() {
			if codes, _ := readToUnicode(v.Key("ToUnicode")); len(codes) > 0 {
				ft.enc = toUnicodeFirst{codes: codes, fallback: ft.enc}
			}
		}
		ft.first = int(v.Key("FirstChar").Int64())
		w := v.Key("Widths")
		n := min(w.Len(), 4096)
		ft.simpleW = make([]float64, n)
		for i := 0; i < n; i++ {
			ft.simpleW[i] = w.Index(i).Float64()
		}
		if md := v.Key("FontDescriptor").Key("MissingWidth"); md.Kind() == lpdf.Integer || md.Kind() == lpdf.Real {
			ft.defaultW = md.Float64()
		}
		if v.Key("Subtype").Name() == "Type3" {
			// Type 3 widths are in the font's own glyph space.
			if fm := v.Key("FontMatrix"); fm.Len() == 6 {
				scale := fm.Index(0).Float64() * 1000
				for i := range ft.simpleW {
					ft.simpleW[i] *= scale
				}
			}
		}
	}
	ft.spaceW = ft.width(32)
	if ft.spaceW <= 0 {
		ft.spaceW = 250
	}
	return ft
}

// oneByteCodespace reports an embedded CMap whose code space ranges are
// all one byte long ("<00> <FF>").
func oneByteCodespace(enc lpdf.Value) (one bool) {
	if enc.Kind() != lpdf.Stream {
		return false
	}
	defer func() {
		if recover() != nil {
			one = false
		}
	}()
	rc := enc.Reader()
	defer rc.Close()
	data, _ := io.ReadAll(io.LimitReader(rc, 64<<10))
	i := bytes.Index(data, []byte("begincodespacerange"))
	j := bytes.Index(data, []byte("endcodespacerange"))
	if i < 0 || j < i {
		return false
	}
	ranges := data[i+len("begincodespacerange") : j]
	found := false
	for len(ranges) > 0 {
		a := bytes.IndexByte(ranges, '<')
		if a < 0 {
			break
		}
		b := bytes.IndexByte(ranges[a:], '>')
		if b < 0 {
			break
		}
		if len(bytes.TrimSpace(ranges[a+1:a+b])) != 2 {
			return false
		}
		found = true
		ranges = ranges[a+b+1:]
	}
	return found
}

// cidWidths reads a CIDFont /W array: "c [w1 w2 …]" and "c1 c2 w".
func cidWidths(w lpdf.Value) map[int]float64 {
	out := map[int]float64{}
	for i := 0; i < w.Len() && len(out) < 65536; {
		first := int(w.Index(i).Int64())
		next := w.Index(i + 1)
		if next.Kind() == lpdf.Array {
			for j := 0; j < next.Len() && j < 65536; j++ {
				out[first+j] = next.Index(j).Float64()
			}
			i += 2
			continue
		}
		last := int(next.Int64())
		width := w.Index(i + 2).Float64()
		for c := first; c <= last && c-first < 65536; c++ {
			out[c] = width
		}
		i += 3
	}
	return out
}

// width of a character code in 1/1000 em; 0 when unknown.
func (f *font) width(code int) float64 {
	if f.twoByte {
		if w, ok := f.widths[code]; ok {
			return w
		}
		return f.defaultW
	}
	if i := code - f.first; i >= 0 && i < len(f.simpleW) {
		return f.simpleW[i]
	}
	return f.defaultW
}

// predefinedCMapEncoding decodes a Type0 font that names a predefined
// CMap and has no ToUnicode map. The Unicode CMaps (UniJIS-UCS2-H,
// UniKS-UTF16-H…) use UTF-16 codes, which are the text. The others map
// codes to CIDs of a CJK character collection, which are not text without
// that collection's tables: nothing is better than the codes' bytes read
// as Latin characters. Identity CMaps keep the library's decoding.
func predefinedCMapEncoding(name string, fallback lpdf.TextEncoding) lpdf.TextEncoding {
	switch {
	case name == "Identity-H" || name == "Identity-V":
		return fallback
	case strings.HasPrefix(name, "Uni") && (strings.Contains(name, "UCS2") || strings.Contains(name, "UTF16")):
		return utf16Encoding{}
	default:
		return unmappedEncoding{}
	}
}

// utf16Encoding decodes two-byte codes that are UTF-16 code units.
type utf16Encoding struct{}

func (utf16Encoding) Decode(raw string) string { return utf16BE(raw) }

// unmappedEncoding is a font whose codes cannot be turned into text.
type unmappedEncoding struct{}

func (unmappedEncoding) Decode(string) string { return "" }

type nopEncoding struct{}

func (nopEncoding) Decode(raw string) string { return raw }

// textState is the PDF text and graphics state layout needs.
type textState struct {
	ctm       matrix
	tm, tlm   matrix
	font      *font
	size      float64
	tc, tw    float64 // character and word spacing
	th        float64 // horizontal scaling, 1 = 100%
	tl, trise float64
}

// pageLayout interprets one page's content and assembles its text.
type pageLayout struct {
	// streamErr is the first content stream that could not be decoded.
	streamErr error
	glyphs    []glyph
	ops       int
	fonts     *fontCache
	// hypot is math.Hypot of hypotOf, the last one show needed.
	hypotOf  [2]float64
	hypot    float64
	hypotSet bool
	// buffers are free buffers for decoded content streams, kept with
	// the layout so that a page's streams are inflated into the storage
	// earlier pages grew rather than into a buffer grown afresh. Nothing
	// keeps a slice of a stream once it is interpreted: operands are
	// copies.
	buffers [][]byte
}

// maxKeptBuffer bounds the content buffers a layout keeps between pages.
const maxKeptBuffer = 4 << 20

func (l *pageLayout) takeBuffer() []byte {
	if n := len(l.buffers); n > 0 {
		b := l.buffers[n-1]
		l.buffers = l.buffers[:n-1]
		return b
	}
	return nil
}

func (l *pageLayout) giveBuffer(b []byte) {
	if cap(b) > 0 && cap(b) <= maxKeptBuffer && len(l.buffers) <= maxFormDepth {
		l.buffers = append(l.buffers, b[:0])
	}
}

// objects is the document's object cache, nil when there is none.
func (l *pageLayout) objects() *objectCache {
	if l.fonts == nil {
		return nil
	}
	return l.fonts.objects
}

// fontCache holds the fonts a document's pages have loaded. Pages of a
// document share their fonts, and loading one (widths, encodings,
// ToUnicode CMaps) or even finding it (resource dictionaries, each
// object decompressed again from its object stream by the parser) was
// most of extraction's work. Fonts are kept by object reference, with
// the objects found on the way to them (objects); the rare font given as
// a direct dictionary is kept by the dictionary's text. A cache serves
// one document's pages, one page at a time; a nil cache loads every font
// afresh.
type fontCache struct {
	objects *objectCache
	byRef   map[objref]*font
	byText  map[string]*font
}

func newFontCache() *fontCache {
	return &fontCache{objects: newObjectCache(), byRef: map[objref]*font{}, byText: map[string]*font{}}
}

// maxCachedFonts bounds a cache for a file that names a new font on
// every page.
const maxCachedFonts = 4096

// named returns the font that name refers to in resources, nil if none:
// a copy of the cached one, so that each content stream still has fonts
// of its own (layout compares fonts by identity: a change of font may
// start a paragraph).
func (c *fontCache) named(resources resourceChain, name string) *font {
	var objects *objectCache
	if c != nil {
		objects = c.objects
	}
	v, ref, isRef := resources.lookup(objects, "Font", name)
	if v.IsNull() {
		return nil
	}
	var f *font
	switch {
	case c == nil:
		f = newFont(v)
	case isRef:
		var ok bool
		if f, ok = c.byRef[ref]; !ok {
			f = newFont(v)
			if len(c.byRef)+len(c.byText) < maxCachedFonts {
				c.byRef[ref] = f
			}
		}
	default:
		key := v.String()
		var ok bool
		if f, ok = c.byText[key]; !ok {
			f = newFont(v)
			if len(c.byRef)+len(c.byText) < maxCachedFonts {
				c.byText[key] = f
			}
		}
	}
	cp := *f
	return &cp
}

// layouts recycles page layouts, whose glyph buffers are the bulk of
// extraction's allocations.
var layouts = sync.Pool{New: func() any { return &pageLayout{glyphs: make([]glyph, 0, 4096)} }}

// contentText extracts the text of a page: content stream(s) interpreted
// with the page's own resources, Form XObjects followed.
func contentText(page lpdf.Value, resources lpdf.Value, fonts *fontCache) (string, error) {
	text, _, _, err := contentTextLines(page, resources, fonts, false)
	return text, err
}

// pageMarks is what layout tells segment about a page beyond its text.
type pageMarks struct {
	notes  []corpus.Span // footnotes' byte ranges in the text
	runsOn bool          // the last paragraph runs on to the next page
}

// contentTextLines is contentText that also returns the page's marks, and
// the page's lines with their type sizes when withLines is set (for the
// first pages, where the title is the largest type).
func contentTextLines(page lpdf.Value, resources lpdf.Value, fonts *fontCache, withLines bool) (string, []Line, pageMarks, error) {
	l := layouts.Get().(*pageLayout)
	l.fonts = fonts
	defer func() {
		l.glyphs, l.streamErr, l.ops, l.fonts, l.hypotSet = l.glyphs[:0], nil, 0, nil, false
		layouts.Put(l)
	}()
	st := textState{ctm: identity, tm: identity, tlm: identity, th: 1}
	l.run(page.Key("Contents"), resourceChain{resources}, st, 0)
	l.annotations(page, resources, st)
	l.logicalOrder()
	raw, infos := l.assemble()
	text, notes, runsOn := pageNotes(raw, infos)
	marks := pageMarks{notes: notes, runsOn: runsOn}
	if strings.TrimSpace(text) == "" && l.streamErr != nil {
		return "", nil, pageMarks{}, l.streamErr
	}
	var lines []Line
	if withLines {
		lines = l.lines()
	}
	return text, lines, marks, nil
}

// annotations interprets the appearance streams of a page's widget and
// free-text annotations — filled-in form fields — placed at their
// rectangles, as a viewer (and pdftotext) shows them.
func (l *pageLayout) annotations(page, pageResources lpdf.Value, st textState) {
	annots := page.Key("Annots")
	for i := 0; i < annots.Len() && i < 1000; i++ {
		a := annots.Index(i)
		switch a.Key("Subtype").Name() {
		case "Widget", "FreeText":
		default:
			continue
		}
		ap := a.Key("AP").Key("N")
		if ap.Kind() == lpdf.Dict && ap.Key("Subtype").IsNull() {
			// one appearance per state: take the current one
			ap = ap.Key(a.Key("AS").Name())
		}
		rect := a.Key("Rect")
		if ap.Kind() != lpdf.Stream {
			// A filled-in field without an appearance: viewers draw its
			// value themselves, so take the value as the field's text.
			l.fieldValue(a, rect, st)
			continue
		}
		inner := st
		inner.ctm = matrix{1, 0, 0, 1, rect.Index(0).Float64(), rect.Index(1).Float64()}.mul(st.ctm)
		if bbox := ap.Key("BBox"); bbox.Len() == 4 {
			inner.ctm = matrix{1, 0, 0, 1, -bbox.Index(0).Float64(), -bbox.Index(1).Float64()}.mul(inner.ctm)
		}
		l.run(ap, resourceChain{pageResources}.with(ap.Key("Resources")), inner, 1)
	}
}

// fieldValue places a text field's value (/V, possibly inherited from
// its parent field) in the field's rectangle.
func (l *pageLayout) fieldValue(a, rect lpdf.Value, st textState) {
	v := a.Key("V")
	for p, depth := a, 0; v.Kind() == lpdf.Null && depth < 8; depth++ {
		p = p.Key("Parent")
		if p.IsNull() {
			break
		}
		v = p.Key("V")
	}
	if v.Kind() != lpdf.String || rect.Len() != 4 {
		return
	}
	text := strings.TrimSpace(v.Text())
	if text == "" {
		return
	}
	x0, y0 := st.ctm.apply(rect.Index(0).Float64(), rect.Index(1).Float64())
	x1, y1 := st.ctm.apply(rect.Index(2).Float64(), rect.Index(3).Float64())
	size := math.Max(math.Abs(y1-y0)*0.7, 1)
	l.glyphs = append(l.glyphs, glyph{text: text, x0: x0, x1: x1, y: y0, size: size, seq: len(l.glyphs)})
}

// resourceChain is the resource dictionaries in scope for a content
// stream, outermost (the page's) first. A Form XObject whose own
// resources lack a name it uses gets it from the enclosing ones, as
// viewers and poppler do: writers omit resources the page already has.
type resourceChain []lpdf.Value

// with returns the chain extended by an inner resource dictionary.
func (c resourceChain) with(inner lpdf.Value) resourceChain {
	if inner.Kind() != lpdf.Dict {
		return c
	}
	return append(c[:len(c):len(c)], inner)
}

// lookup finds a named resource of one kind (Font, XObject), innermost
// dictionary first, with the reference it was found under (isRef false
// when it is a direct value), through objects.
func (c resourceChain) lookup(objects *objectCache, kind, name string) (v lpdf.Value, ref objref, isRef bool) {
	for i := len(c) - 1; i >= 0; i-- {
		if v, ref, isRef := objects.keyRef(objects.key(c[i], kind), name); !v.IsNull() {
			return v, ref, isRef
		}
	}
	return lpdf.Value{}, objref{}, false
}

// run interprets one content stream.
func (l *pageLayout) run(strm lpdf.Value, resources resourceChain, st textState, depth int) {
	if strm.IsNull() || depth > maxFormDepth {
		return
	}
	fonts := map[string]*font{}
	getFont := func(name string) *font {
		if f, ok := fonts[name]; ok {
			return f
		}
		f := l.fonts.named(resources, name)
		fonts[name] = f
		return f
	}
	var stack []textState
	data, err := contentBytes(strm, l.takeBuffer())
	defer l.giveBuffer(data)
	if err != nil && l.streamErr == nil {
		l.streamErr = err
	}
	interpret(data, func(op string, args []operand) {
		l.ops++
		if l.ops > maxOps || len(l.glyphs) > maxGlyphs {
			return
		}
		num := func(i int) float64 {
			if i < len(args) {
				return args[i].float()
			}
			return 0
		}
		str := func(i int) string {
			if i < len(args) {
				return args[i].str
			}
			return ""
		}
		switch op {
		case "q":
			if len(stack) < 1000 {
				stack = append(stack, st)
			}
		case "Q":
			if k := len(stack); k > 0 {
				st = stack[k-1]
				stack = stack[:k-1]
			}
		case "cm":
			if len(args) == 6 {
				st.ctm = matrix{num(0), num(1), num(2), num(3), num(4), num(5)}.mul(st.ctm)
			}
		case "BT":
			st.tm, st.tlm = identity, identity
		case "Tf":
			if len(args) == 2 {
				st.font = getFont(str(0))
				st.size = num(1)
			}
		case "Tc":
			st.tc = num(0)
		case "Tw":
			st.tw = num(0)
		case "Tz":
			st.th = num(0) / 100
		case "TL":
			st.tl = num(0)
		case "Ts":
			st.trise = num(0)
		case "Td":
			st.tlm = matrix{1, 0, 0, 1, num(0), num(1)}.mul(st.tlm)
			st.tm = st.tlm
		case "TD":
			st.tl = -num(1)
			st.tlm = matrix{1, 0, 0, 1, num(0), num(1)}.mul(st.tlm)
			st.tm = st.tlm
		case "Tm":
			if len(args) == 6 {
				st.tlm = matrix{num(0), num(1), num(2), num(3), num(4), num(5)}
				st.tm = st.tlm
			}
		case "T*":
			st.tlm = matrix{1, 0, 0, 1, 0, -st.tl}.mul(st.tlm)
			st.tm = st.tlm
		case "Tj":
			if len(args) >= 1 {
				l.show(&st, str(len(args)-1))
			}
		case "'":
			st.tlm = matrix{1, 0, 0, 1, 0, -st.tl}.mul(st.tlm)
			st.tm = st.tlm
			if len(args) >= 1 {
				l.show(&st, str(len(args)-1))
			}
		case "\"":
			if len(args) == 3 {
				st.tw, st.tc = num(0), num(1)
				st.tlm = matrix{1, 0, 0, 1, 0, -st.tl}.mul(st.tlm)
				st.tm = st.tlm
				l.show(&st, str(2))
			}
		case "TJ":
			if len(args) >= 1 {
				for _, x := range args[len(args)-1].arr {
					switch x.kind {
					case 's':
						l.show(&st, x.str)
					case 'n':
						tx := -x.num / 1000 * st.size * st.th
						st.tm = matrix{1, 0, 0, 1, tx, 0}.mul(st.tm)
					}
				}
			}
		case "Do":
			if len(args) == 1 {
				xo, _, _ := resources.lookup(l.objects(), "XObject", str(0))
				if xo.Key("Subtype").Name() != "Form" {
					return
				}
				inner := st
				if m := xo.Key("Matrix"); m.Len() == 6 {
					inner.ctm = matrix{m.Index(0).Float64(), m.Index(1).Float64(), m.Index(2).Float64(),
						m.Index(3).Float64(), m.Index(4).Float64(), m.Index(5).Float64()}.mul(st.ctm)
				}
				l.run(xo, resources.with(xo.Key("Resources")), inner, depth+1)
			}
		}
	})
}

// show places the glyphs of one string. The text rendering matrix is
// computed once per string; each glyph only moves along its baseline.
func (l *pageLayout) show(st *textState, raw string) {
	f := st.font
	if f == nil {
		return
	}
	step := 1
	if f.twoByte {
		step = 2
	}
	tc := st.tm.mul(st.ctm)
	sth := st.size * st.th
	if tc[2] != l.hypotOf[0] || tc[3] != l.hypotOf[1] || !l.hypotSet {
		// the scale of the text matrix changes far less often than
		// strings are shown
		l.hypotOf, l.hypot, l.hypotSet = [2]float64{tc[2], tc[3]}, math.Hypot(tc[2], tc[3]), true
	}
	size := math.Abs(st.size) * l.hypot
	x := 0.0 // advance along the baseline, in text space
	for i := 0; i+step <= len(raw); i += step {
		code := int(raw[i])
		if step == 2 {
			code = code<<8 | int(raw[i+1])
		}
		text := f.decode(code, raw[i:i+step])
		w := f.width(code)
		if w <= 0 && text != " " {
			w = 500 // fonts that declare no widths: assume half an em
		}
		x0, y := tc.apply(x, st.trise)
		x1, _ := tc.apply(x+w/1000*sth, st.trise)
		if text != "" && len(l.glyphs) < maxGlyphs {
			l.glyphs = append(l.glyphs, glyph{text: text, x0: x0, x1: x1, y: y, size: size, seq: len(l.glyphs), font: f})
		}
		adv := (w/1000*st.size + st.tc) * st.th
		if step == 1 && code == 32 {
			adv += st.tw * st.th
		}
		x += adv
	}
	st.tm = matrix{1, 0, 0, 1, x, 0}.mul(st.tm)
}

// maxDecodedCodes bounds a font's cache of decoded multi-byte codes.
const maxDecodedCodes = 65536

// decode maps one character code to text, caching what it finds.
func (f *font) decode(code int, raw string) string {
	if code < 256 && !f.twoByte {
		if f.decoded[code] == nil {
			s := f.enc.Decode(raw)
			f.decoded[code] = &s
		}
		return *f.decoded[code]
	}
	if s, ok := f.cidDecoded[code]; ok {
		return s
	}
	s := f.enc.Decode(raw)
	if len(f.cidDecoded) < maxDecodedCodes {
		f.cidDecoded[code] = s
	}
	return s
}

// assemble turns glyphs, in content-stream order, into lines and
// paragraphs: a new line when the baseline moves, a space where the gap
// between glyphs is wider than a fraction of the font size, and a blank
// line where the vertical gap is wider than the usual line spacing or the
// text jumps up (a new column or a new block).
func (l *pageLayout) assemble() (string, []lineInfo) {
	gs := l.glyphs
	if len(gs) == 0 {
		return "", nil
	}
	// Typical line spacing: the median positive baseline step.
	var steps, stepSizes []float64
	for i := 1; i < len(gs); i++ {
		d := gs[i-1].y - gs[i].y
		if d > gs[i].size*0.5 && d < gs[i].size*4 {
			steps = append(steps, d)
			stepSizes = append(stepSizes, gs[i].size)
		}
	}
	sort.Float64s(steps)
	sort.Float64s(stepSizes)
	lineStep, stepSize := 0.0, 0.0
	if len(steps) > 0 {
		lineStep, stepSize = steps[len(steps)/2], stepSizes[len(stepSizes)/2]
	}
	// The width of the text block, to tell short lines (headings) from
	// full ones.
	left, right := gs[0].x0, gs[0].x1
	for _, g := range gs {
		left, right = minOf(left, g.x0), maxOf(right, g.x1)
	}
	// The text is built in a byte slice, not a strings.Builder: a line's
	// trailing spaces are cut by shortening it, where a Builder had to be
	// written again from the start.
	b := make([]byte, 0, len(gs)*2)
	prev := gs[0]
	b = append(b, prev.text...)
	lineStart, lineFont := gs[0].x0, gs[0].font
	var infos []lineInfo
	var cur lineInfo
	var sizes []float64
	// tail holds the indexes of the last visible glyphs of the line being
	// assembled, the latest last (-1: none yet).
	tail := [4]int{-1, -1, -1, -1}
	tailText := func() string {
		var t string
		for _, i := range tail {
			if i >= 0 {
				t += gs[i].text
			}
		}
		return t
	}
	see := func(i int) {
		g := &gs[i]
		if !visible(g.text) {
			return
		}
		tail = [4]int{tail[1], tail[2], tail[3], i}
		if len(sizes) == 0 {
			cur.first, cur.firstY = g.size, g.y
		}
		sizes = append(sizes, g.size)
		cur.y = g.y
		cur.x1 = max(cur.x1, g.x1)
	}
	endLine := func(blank bool) {
		if len(sizes) > 0 {
			slices.Sort(sizes)
			cur.size = sizes[len(sizes)/2]
			cur.chars = len(sizes)
		}
		infos = append(infos, cur)
		if blank {
			infos = append(infos, lineInfo{})
		}
		cur, sizes = lineInfo{}, sizes[:0]
	}
	see(0)
	for i := 1; i < len(gs); i++ {
		g := &gs[i]
		size := maxOf(maxOf(g.size, prev.size), 1)
		dy := prev.y - g.y
		switch {
		case math.Abs(dy) > size*0.5 || g.x0 < prev.x0-size*0.5 && math.Abs(dy) > size*0.2:
			// a new line
			b = trimSpace(b)
			// A new block: the text jumps up (a column), leaves a wider gap
			// than the usual line spacing, or changes font size (a heading
			// and the paragraph under it).
			sizeChange := math.Max(g.size, prev.size) > 1.15*math.Max(math.Min(g.size, prev.size), 0.1)
			// A short line all in one font followed by a line in another
			// is a heading (bold, say) over its paragraph.
			shortLine := prev.x1-lineStart < 0.7*(right-left)
			fontChange := lineFont != nil && g.font != lineFont && shortLine
			// Paragraph spacing can be slight (a fifth of a line, as
			// word processors set it): after a line that ends a sentence,
			// a little more than the usual step is enough.
			// Lines of larger type (a title over several lines) are
			// further apart in proportion.
			step := lineStep
			if stepSize > 0 && g.size == prev.size && g.size > stepSize*1.15 {
				step *= g.size / stepSize
			}
			paraGap := step > 0 && (dy > step*1.45 || dy > step*1.2 && sentenceEnd(tailText()))
			if dy < 0 || paraGap || dy > size*2.5 || sizeChange || fontChange {
				b = append(b, "\n\n"...)
				endLine(true)
			} else {
				b = append(b, '\n')
				endLine(false)
			}
			lineStart, lineFont = g.x0, g.font
		default:
			gap := g.x0 - prev.x1
			if gap > size*0.15 && !endsWithSpace(b) && g.text != " " {
				b = append(b, ' ')
			} else if gap < -size*3 {
				// moved far back on the same baseline: another column
				b = append(b, '\n')
				endLine(false)
			}
		}
		if g.font != lineFont && g.text != " " {
			lineFont = nil // the line mixes fonts
		}
		if g.text == " " && endsWithSpace(b) {
			prev = *g
			continue
		}
		b = append(b, g.text...)
		see(i)
		prev = *g
	}
	endLine(false)
	return string(b), infos
}

// maxOf is math.Max, to the same result in every case (NaN, infinities,
// signed zeros), without a call when the numbers differ: assemble takes
// several per glyph.
func maxOf(x, y float64) float64 {
	if x > y {
		return x
	}
	if y > x {
		return y
	}
	if x == y && x != 0 {
		return x // equal, neither NaN nor a signed zero
	}
	return math.Max(x, y)
}

// minOf is math.Min as maxOf is math.Max.
func minOf(x, y float64) float64 {
	if x < y {
		return x
	}
	if y < x {
		return y
	}
	if x == y && x != 0 {
		return x
	}
	return math.Min(x, y)
}

// sentenceEnd reports whether the end of a line ends a sentence: a full
// stop, question or exclamation mark, possibly followed by a closing
// quote or bracket or a note number.
func sentenceEnd(tail string) bool {
	t := strings.TrimRight(tail, "0123456789\"'”’)]")
	return strings.HasSuffix(t, ".") || strings.HasSuffix(t, "?") || strings.HasSuffix(t, "!")
}

// visible reports whether a glyph's text has a character that is not a
// space.
func visible(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			if c < utf8.RuneSelf {
				return true
			}
			return strings.TrimSpace(s[i:]) != ""
		}
	}
	return false
}

func endsWithSpace(b []byte) bool {
	if len(b) == 0 {
		return true
	}
	if c := b[len(b)-1]; c < utf8.RuneSelf {
		return c == ' ' || c >= '\t' && c <= '\r'
	}
	r, _ := utf8.DecodeLastRune(b)
	return unicode.IsSpace(r)
}

// trimSpace cuts the spaces and tabs that end b.
func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// cleanText drops control characters a font maps glyphs to and trims
// trailing spaces on lines.
func cleanText(s string) string {
	text, _, _ := cleanTextLines(s)
	return text
}

// cleanTextLines is cleanText that also says where each line of s ended
// up in the result: line i is text[starts[i]:ends[i]].
func cleanTextLines(s string) (text string, starts, ends []int) {
	kept := s
	if hasDroppedRunes(s) {
		var b strings.Builder
		b.Grow(len(s))
		for _, r := range s {
			if r == '\n' || r == '\t' || !unicode.IsControl(r) && r != '\uFEFF' {
				b.WriteRune(r)
			}
		}
		kept = b.String()
	}
	lines := strings.Split(kept, "\n")
	for i, ln := range lines {
		lines[i] = strings.TrimRight(ln, " \t")
	}
	starts, ends = make([]int, len(lines)), make([]int, len(lines))
	// Join words hyphenated at a line end ("discus-" / "sions"), as
	// poppler does: the hyphen is the typesetter's, not the word's.
	var out strings.Builder
	out.Grow(len(s))
	for i := 0; i < len(lines); i++ {
		ln := lines[i]
		starts[i] = out.Len()
		if i+1 < len(lines) && brokenWord(ln, lines[i+1]) {
			out.WriteString(ln[:len(ln)-1])
			ends[i] = out.Len()
			continue
		}
		out.WriteString(ln)
		ends[i] = out.Len()
		if i+1 < len(lines) {
			out.WriteByte('\n')
		}
	}
	return out.String(), starts, ends
}

// hasDroppedRunes reports whether cleanTextLines changes any character
// of s: a control character other than a line break or tab, a byte
// order mark, or a byte that is not UTF-8 (which becomes U+FFFD). Most
// pages have none and are not copied rune by rune.
func hasDroppedRunes(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\n' && c != '\t' || c == 0x7f {
				return true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || unicode.IsControl(r) || r == '\uFEFF' {
			return true
		}
		i += size
	}
	return false
}

// brokenWord reports a line ending in a letter and a hyphen whose next
// line starts with a lower-case letter.
func brokenWord(line, next string) bool {
	if len(line) < 2 || line[len(line)-1] != '-' {
		return false
	}
	before, _ := utf8.DecodeLastRuneInString(line[:len(line)-1])
	after, _ := utf8.DecodeRuneInString(next)
	return unicode.IsLower(before) && unicode.IsLower(after)
}
