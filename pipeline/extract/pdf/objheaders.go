package pdf

import "bytes"

// objHeaders finds every object header ("12 0 obj") in data, as
// objHeader.FindAllSubmatchIndex would: each element is {start, end,
// number start, number end, generation start, generation end}, start
// being the whitespace before the number (or 0 at the file's start).
// The regular expression, which has no literal prefix to search for,
// runs at about 40 MB/s; a scanned page's image makes a PDF megabytes
// long, and the repair that needs these headers runs on every PDF
// without text. This walks back from each "obj" instead.
func objHeaders(data []byte) [][]int {
	var locs [][]int
	prevEnd := 0
	for from := 0; ; {
		i := bytes.Index(data[from:], []byte("obj"))
		if i < 0 {
			return locs
		}
		at := from + i
		from = at + 3
		if from < len(data) && isWordByte(data[from]) {
			continue // "objects", "obj2": no word boundary
		}
		genStart, genEnd, ok := numberBefore(data, at, 5)
		if !ok {
			continue
		}
		numStart, numEnd, ok := numberBefore(data, genStart, 7)
		if !ok {
			continue
		}
		start := numStart
		if numStart > 0 {
			if !isPDFSpace(data[numStart-1]) {
				continue
			}
			start = numStart - 1
		}
		if start < prevEnd {
			continue
		}
		locs = append(locs, []int{start, from, numStart, numEnd, genStart, genEnd})
		prevEnd = from
	}
}

// numberBefore finds, before data[end], white space and before it a run
// of 1 to most digits that no other digit precedes: data[start:stop].
func numberBefore(data []byte, end, most int) (start, stop int, ok bool) {
	stop = skipBack(data, end, isPDFSpace)
	if stop == end {
		return 0, 0, false
	}
	start = skipBack(data, stop, isDigit)
	n := stop - start
	return start, stop, n >= 1 && n <= most
}

// skipBack returns the smallest i <= end such that every byte of
// data[i:end] satisfies keep.
func skipBack(data []byte, end int, keep func(byte) bool) int {
	for end > 0 && keep(data[end-1]) {
		end--
	}
	return end
}

// isPDFSpace is what \s matches in Go's regular expressions.
func isPDFSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isWordByte is what \w matches: a word boundary lies between a byte
// that is one and a byte that is not.
func isWordByte(c byte) bool {
	return isDigit(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}
