package pdf

import (
	"fmt"
	"io"
	"unicode/utf16"

	lpdf "github.com/ledongthuc/pdf"
)

// maxToUnicodeBytes bounds the CMap read for one font.
const maxToUnicodeBytes = 1 << 20

// toUnicodeFirst decodes the one-byte codes of a simple font through its
// ToUnicode CMap, and codes the CMap leaves out through the font's
// encoding. The PDF reference puts ToUnicode first, as poppler does, but
// ledongthuc/pdf reads it only when a font names no /Encoding: a Type 3
// font whose /Differences name its glyphs /g1, /g2 … (Chromium's
// synthetic bold, for one) came out as those codes' Latin letters.
type toUnicodeFirst struct {
	codes    map[int]string
	fallback lpdf.TextEncoding
}

func (e toUnicodeFirst) Decode(raw string) string {
	if len(raw) == 1 {
		if s, ok := e.codes[int(raw[0])]; ok {
			return s
		}
	}
	return e.fallback.Decode(raw)
}

// readToUnicode reads the bfchar and bfrange mappings of a ToUnicode
// CMap stream. It returns nil when the font has none or it cannot be
// read; a damaged stream gives what was read before the damage.
func readToUnicode(strm lpdf.Value) (codes map[int]string, err error) {
	if strm.Kind() != lpdf.Stream {
		return nil, nil
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("ToUnicode CMap: %v", r)
		}
	}()
	rc := strm.Reader()
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, maxToUnicodeBytes))
	if err != nil && len(data) == 0 {
		return nil, fmt.Errorf("ToUnicode CMap: %w", err)
	}
	codes = map[int]string{}
	interpret(data, func(op string, args []operand) {
		switch op {
		case "endbfchar":
			for i := 0; i+1 < len(args); i += 2 {
				if args[i].kind == 's' && args[i+1].kind == 's' {
					codes[codeOf(args[i].str)] = utf16BE(args[i+1].str)
				}
			}
		case "endbfrange":
			for i := 0; i+2 < len(args); i += 3 {
				lo, hi, dst := args[i], args[i+1], args[i+2]
				if lo.kind != 's' || hi.kind != 's' {
					continue
				}
				first, last := codeOf(lo.str), codeOf(hi.str)
				if last < first || last-first > 0xFFFF {
					continue
				}
				switch dst.kind {
				case 's': // consecutive targets: the last unit counts up
					units := utf16Units(dst.str)
					if len(units) == 0 {
						continue
					}
					for c := first; c <= last; c++ {
						u := append([]uint16(nil), units...)
						u[len(u)-1] += uint16(c - first)
						codes[c] = string(utf16.Decode(u))
					}
				case '[': // one target per code
					for j, t := range dst.arr {
						if c := first + j; c <= last && t.kind == 's' {
							codes[c] = utf16BE(t.str)
						}
					}
				}
			}
		}
	})
	return codes, nil
}

// codeOf reads a source code's bytes as a big-endian number.
func codeOf(s string) int {
	c := 0
	for i := 0; i < len(s) && i < 4; i++ {
		c = c<<8 | int(s[i])
	}
	return c
}

func utf16Units(s string) []uint16 {
	units := make([]uint16, 0, len(s)/2)
	for i := 0; i+1 < len(s); i += 2 {
		units = append(units, uint16(s[i])<<8|uint16(s[i+1]))
	}
	return units
}

// utf16BE decodes a CMap destination: UTF-16 big-endian code units.
func utf16BE(s string) string { return string(utf16.Decode(utf16Units(s))) }
