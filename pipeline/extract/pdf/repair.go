package pdf

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"regexp"
	"strconv"

	"github.com/normtag/normtag/internal/lazyregexp"
)

// fixHeader returns data with what ledongthuc/pdf rejects but readers
// accept repaired, keeping byte offsets valid: bytes before "%PDF-" are
// cut (offsets count from the header), a version it does not know
// (%PDF-2.0) is rewritten to 1.7 in place, and anything after the last
// %%EOF is dropped. It reports whether it changed anything.
func fixHeader(data []byte) ([]byte, bool) {
	changed := false
	if i := bytes.Index(data[:min(len(data), 1024)], []byte("%PDF-")); i > 0 {
		data = data[i:]
		changed = true
	}
	if len(data) < 10 {
		return data, changed
	}
	ok := bytes.HasPrefix(data, []byte("%PDF-1.")) && data[7] >= '0' && data[7] <= '7' && (data[8] == '\r' || data[8] == '\n')
	if !ok {
		data = bytes.Clone(data)
		copy(data[5:8], "1.7")
		if data[8] != '\r' && data[8] != '\n' {
			data[8] = '\n'
		}
		changed = true
	}
	if i := bytes.LastIndex(data, []byte("%%EOF")); i > 0 {
		if tail := bytes.TrimRight(data[i+5:], "\r\n\t \x00"); len(tail) > 0 {
			data = data[:i+5]
			changed = true
		}
	}
	return data, changed
}

var (
	trailerDic = lazyregexp.New(`trailer\s*<<`)
	rootRef    = lazyregexp.New(`/Root\s+(\d+)\s+(\d+)\s+R`)
	infoRef    = lazyregexp.New(`/Info\s+(\d+)\s+(\d+)\s+R`)
	catalogObj = lazyregexp.New(`/Type\s*/Catalog\b`)
	encryptRef = lazyregexp.New(`/Encrypt\s+\d+\s+\d+\s+R`)
	idArray    = lazyregexp.New(`/ID\s*\[[^\]]{0,200}\]`)
)

// rebuildXref appends a fresh cross-reference table found by scanning the
// file for "N G obj", with a trailer naming the document catalog, for
// files whose own table is missing, broken or lies about /Size.
func rebuildXref(data []byte) ([]byte, error) {
	data = closeObjects(fixStreamLengths(data))
	type entry struct {
		off int
		gen int
	}
	objs := map[int]entry{}
	maxNum := 0
	locs := objHeaders(data)
	// Object numbers far beyond the number of objects are damage (or an
	// attack: "9999999 0 obj" would make a ten-million-entry table).
	limit := 8*len(locs) + 10000
	for _, m := range locs {
		num, err1 := strconv.Atoi(string(data[m[2]:m[3]]))
		gen, err2 := strconv.Atoi(string(data[m[4]:m[5]]))
		if err1 != nil || err2 != nil || num > limit || num == 0 {
			continue
		}
		objs[num] = entry{off: m[2], gen: gen} // later definitions win, as in updates
		if num > maxNum {
			maxNum = num
		}
	}
	// Objects compressed into object streams are invisible to the scan;
	// when the table that located them is broken they are lost unless
	// written out again as plain objects (plain definitions win).
	if extra := expandObjectStreams(data, locs); len(extra) > 0 {
		base := len(data)
		data = append(bytes.Clone(data), extra...)
		for _, m := range objHeaders(extra) {
			num, err1 := strconv.Atoi(string(extra[m[2]:m[3]]))
			if _, plain := objs[num]; err1 != nil || plain || num > limit || num == 0 {
				continue
			}
			objs[num] = entry{off: base + m[2], gen: 0}
			maxNum = max(maxNum, num)
		}
	}
	if len(objs) == 0 {
		return nil, fmt.Errorf("no objects found")
	}
	root, info, extra := "", "", ""
	// The last trailer's /Root, else an object that is a /Catalog.
	if locs := trailerDic().FindAllIndex(data, -1); len(locs) > 0 {
		rest := data[locs[len(locs)-1][0]:]
		if m := rootRef().FindSubmatch(rest); m != nil {
			root = string(m[1]) + " " + string(m[2]) + " R"
		}
		if m := infoRef().FindSubmatch(rest); m != nil {
			info = string(m[1]) + " " + string(m[2]) + " R"
		}
		// Keep what decryption needs.
		for _, re := range []*regexp.Regexp{encryptRef(), idArray()} {
			if m := re.Find(rest); m != nil {
				extra += " " + string(m)
			}
		}
	}
	if root == "" {
		if m := rootRef().FindAllSubmatch(data, -1); len(m) > 0 {
			last := m[len(m)-1]
			root = string(last[1]) + " " + string(last[2]) + " R"
		}
	}
	if root == "" {
		for num, e := range objs {
			end := min(len(data), e.off+2000)
			if catalogObj().Match(data[e.off:end]) {
				root = fmt.Sprintf("%d %d R", num, e.gen)
				break
			}
		}
	}
	if root == "" {
		return nil, fmt.Errorf("no document catalog found")
	}
	var b bytes.Buffer
	b.Write(data)
	b.WriteString("\n")
	xrefAt := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n", maxNum+1)
	b.WriteString("0000000000 65535 f\r\n")
	for n := 1; n <= maxNum; n++ {
		if e, ok := objs[n]; ok {
			fmt.Fprintf(&b, "%010d %05d n\r\n", e.off, e.gen)
		} else {
			b.WriteString("0000000000 65535 f\r\n")
		}
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root %s", maxNum+1, root)
	if info != "" {
		fmt.Fprintf(&b, " /Info %s", info)
	}
	b.WriteString(extra)
	fmt.Fprintf(&b, " >>\nstartxref\n%d\n%%%%EOF\n", xrefAt)
	return b.Bytes(), nil
}

// closeObjects inserts the "endobj" that a damaged file omits before the
// next object begins, since the parser insists on it. Offsets change, so
// this is only done before rebuilding the cross-reference table.
func closeObjects(data []byte) []byte {
	locs := objHeaders(data)
	if len(locs) == 0 {
		return data
	}
	var b bytes.Buffer
	b.Grow(len(data) + 64)
	prev := 0
	for i, m := range locs {
		start := m[2]
		if i > 0 && !bytes.Contains(data[prev:start], []byte("endobj")) {
			b.Write(data[prev:start])
			b.WriteString("\nendobj\n")
		} else {
			b.Write(data[prev:start])
		}
		prev = start
	}
	rest := data[prev:]
	if end := bytes.Index(rest, []byte("endobj")); end < 0 {
		// the last object runs into the trailer: close it before xref
		if x := bytes.Index(rest, []byte("xref")); x > 0 {
			b.Write(rest[:x])
			b.WriteString("\nendobj\n")
			rest = rest[x:]
		}
	}
	b.Write(rest)
	return b.Bytes()
}

var (
	streamStart = lazyregexp.New(`>>\s*stream(\r\n|\n|\r)`)
	lengthEntry = lazyregexp.New(`/Length\s*(\d+(\s+\d+\s+R)?|\([^)]*\)|/[^\s/<>\[\]()]*|<[^<>]*>|null|true|false)`)
)

// fixStreamLengths sets every stream's /Length to the bytes actually
// between "stream" and "endstream": damaged files give a wrong length, an
// indirect one that points nowhere, or none at all. Offsets change, so
// this is only done before rebuilding the cross-reference table.
func fixStreamLengths(data []byte) []byte {
	locs := streamStart().FindAllIndex(data, -1)
	if len(locs) == 0 || len(locs) > 200000 {
		return data
	}
	var b bytes.Buffer
	b.Grow(len(data) + 16*len(locs))
	prev := 0
	length := lengthEntry()
	for _, loc := range locs {
		bodyStart := loc[1]
		if bodyStart < prev {
			continue
		}
		end := bytes.Index(data[bodyStart:], []byte("endstream"))
		if end < 0 {
			break
		}
		n := end
		for n > 0 && (data[bodyStart+n-1] == '\n' || data[bodyStart+n-1] == '\r') {
			n-- // the end-of-line before "endstream" is not data
		}
		// The stream's dictionary runs from its "<<" to loc[0]+2; find
		// the "<<" that opens it, at nesting level zero.
		dictEnd := loc[0] + 2
		depth, dictStart := 0, -1
		for i := loc[0] + 1; i > prev && i > 0; i-- {
			if data[i] == '>' && data[i-1] == '>' {
				depth++
				i--
			} else if data[i] == '<' && data[i-1] == '<' {
				depth--
				i--
				if depth == 0 {
					dictStart = i
					break
				}
			}
		}
		if dictStart < 0 {
			continue
		}
		dict := data[dictStart:dictEnd]
		fixed := length.ReplaceAll(dict, []byte(fmt.Sprintf("/Length %d", n)))
		if bytes.Equal(fixed, dict) && !length.Match(dict) {
			fixed = append([]byte(fmt.Sprintf("<< /Length %d ", n)), dict[2:]...)
		}
		b.Write(data[prev:dictStart])
		b.Write(fixed)
		prev = dictEnd
	}
	b.Write(data[prev:])
	return b.Bytes()
}

var (
	startxrefAt = lazyregexp.New(`startxref\s+(\d+)`)
	prevEntry   = lazyregexp.New(`/Prev\s+(\d+)`)
)

// prevChainLoops reports whether the chain of cross-reference sections,
// from the last startxref through each /Prev, comes back to a section it
// has already visited. ledongthuc/pdf follows such a chain forever, so a
// file with one goes straight to the rebuilt table instead.
func prevChainLoops(data []byte) bool {
	locs := startxrefAt().FindAllSubmatchIndex(data[max(0, len(data)-4096):], -1)
	if len(locs) == 0 {
		return false
	}
	base := max(0, len(data)-4096)
	last := locs[len(locs)-1]
	off, err := strconv.Atoi(string(data[base+last[2] : base+last[3]]))
	seen := map[int]bool{}
	for err == nil && off >= 0 && off < len(data) {
		if seen[off] {
			return true
		}
		seen[off] = true
		if len(seen) > 100000 {
			return true
		}
		section := data[off:min(len(data), off+(64<<20))]
		// A classic table's /Prev is in the trailer after it; a
		// cross-reference stream's is in the stream's dictionary.
		start := 0
		if bytes.HasPrefix(bytes.TrimLeft(section, " \t\r\n\x00"), []byte("xref")) {
			start = bytes.Index(section, []byte("trailer"))
			if start < 0 {
				return false
			}
		}
		i := bytes.Index(section[start:], []byte("<<"))
		if i < 0 {
			return false
		}
		dict := dictAt(section, start+i)
		m := prevEntry().FindSubmatch(dict)
		if m == nil {
			return false
		}
		off, err = strconv.Atoi(string(m[1]))
	}
	return false
}

var (
	objStreamN     = lazyregexp.New(`/N\s+(\d+)`)
	objStreamFirst = lazyregexp.New(`/First\s+(\d+)`)
	otherFilter    = lazyregexp.New(`/Filter\s*(\[\s*)?/`)
	flateFilter    = lazyregexp.New(`/Filter\s*(\[\s*)?/(FlateDecode|Fl)\b\s*\]?`)
)

// maxExpanded bounds the bytes that object streams may add to a file
// being repaired.
const maxExpanded = 256 << 20

// expandObjectStreams returns, as plain "N 0 obj … endobj" text, the
// objects stored in the file's object streams (any stream whose
// dictionary has /N and /First, whatever its /Type says), decoding
// Flate-compressed ones. locs are the object headers found in data.
func expandObjectStreams(data []byte, locs [][]int) []byte {
	var out bytes.Buffer
	stream, nEntry, firstEntry := streamStart(), objStreamN(), objStreamFirst()
	flate, other := flateFilter(), otherFilter()
	for i, m := range locs {
		end := len(data)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		obj := data[m[1]:end]
		open := stream.FindIndex(obj)
		if open == nil {
			continue
		}
		dict := obj[:open[0]+2]
		nm, fm := nEntry.FindSubmatch(dict), firstEntry.FindSubmatch(dict)
		if nm == nil || fm == nil {
			continue
		}
		body := obj[open[1]:]
		if e := bytes.Index(body, []byte("endstream")); e >= 0 {
			body = body[:e]
		}
		if flate.Match(dict) {
			zr, err := zlib.NewReader(bytes.NewReader(body))
			if err != nil {
				continue
			}
			decoded, _ := io.ReadAll(io.LimitReader(zr, maxExpanded))
			body = decoded // a truncated stream still gives its first objects
		} else if other.Match(dict) {
			continue
		}
		n, _ := strconv.Atoi(string(nm[1]))
		first, _ := strconv.Atoi(string(fm[1]))
		writeObjectStream(&out, body, n, first)
		if out.Len() > maxExpanded {
			break
		}
	}
	return out.Bytes()
}

// writeObjectStream writes the n objects of one decoded object stream,
// whose header of "number offset" pairs ends at first.
func writeObjectStream(out *bytes.Buffer, body []byte, n, first int) {
	if first <= 0 || first > len(body) || n <= 0 {
		return
	}
	fields := bytes.Fields(body[:first])
	n = min(n, len(fields)/2)
	nums, offs := make([]int, 0, n), make([]int, 0, n)
	for k := 0; k < n; k++ {
		num, err1 := strconv.Atoi(string(fields[2*k]))
		off, err2 := strconv.Atoi(string(fields[2*k+1]))
		if err1 != nil || err2 != nil || off < 0 || first+off > len(body) {
			return
		}
		nums, offs = append(nums, num), append(offs, first+off)
	}
	for k := range nums {
		end := len(body)
		if k+1 < len(offs) && offs[k+1] >= offs[k] {
			end = offs[k+1]
		}
		fmt.Fprintf(out, "\n%d 0 obj\n", nums[k])
		out.Write(body[offs[k]:end])
		out.WriteString("\nendobj\n")
	}
}
