package pdf

import (
	"bytes"
	"regexp"
	"strconv"

	"github.com/normtag/normtag/internal/lazyregexp"
)

var (
	encryptInline  = lazyregexp.New(`/Encrypt\s*<<`)
	encryptRefNums = lazyregexp.New(`/Encrypt\s+(\d+)\s+(\d+)\s+R`)
	encryptKey     = lazyregexp.New(`/Encrypt([\s<])`)
	cryptVersion   = lazyregexp.New(`/V\s+(\d+)`)
	streamFilter   = lazyregexp.New(`/StmF\s*/([^\s/<>\[\]()]+)`)
	stringFilter   = lazyregexp.New(`/StrF\s*/([^\s/<>\[\]()]+)`)
)

// encryptionDict returns the bytes of the file's encryption dictionary,
// inline in a trailer or as the object the last /Encrypt reference names.
func encryptionDict(data []byte) []byte {
	if locs := encryptRefNums().FindAllSubmatch(data, -1); len(locs) > 0 {
		last := locs[len(locs)-1]
		end := -1 // after the last header of the object named
		for _, m := range objHeaders(data) {
			if bytes.Equal(data[m[2]:m[3]], last[1]) && bytes.Equal(data[m[4]:m[5]], last[2]) {
				end = m[1]
			}
		}
		if end >= 0 {
			rest := data[end:]
			if i := bytes.Index(rest, []byte("<<")); i >= 0 && i < 64 {
				return dictAt(rest, i)
			}
		}
		return nil
	}
	if locs := encryptInline().FindAllIndex(data, -1); len(locs) > 0 {
		last := locs[len(locs)-1]
		return dictAt(data, last[1]-2)
	}
	return nil
}

// dictAt returns the dictionary that opens with "<<" at data[i:], up to
// its matching ">>" (strings are not parsed: good enough for the small
// dictionaries of the file structure), bounded in length.
func dictAt(data []byte, i int) []byte {
	depth := 0
	end := min(len(data), i+64<<10)
	for j := i; j+1 < end; j++ {
		switch {
		case data[j] == '<' && data[j+1] == '<':
			depth++
			j++
		case data[j] == '>' && data[j+1] == '>':
			depth--
			j++
			if depth == 0 {
				return data[i : j+1]
			}
		}
	}
	return nil
}

// withoutIdentityEncryption returns the file with its /Encrypt entries
// disabled when the encryption dictionary leaves page content and strings
// unencrypted (security handler V4 or later with the Identity crypt filter
// for both, as files that encrypt only their attachments do). Readers open
// such files without a password; ledongthuc/pdf rejects the handler. The
// key is renamed in place, so byte offsets stay valid. ok is false when
// the content is really encrypted.
func withoutIdentityEncryption(data []byte) (out []byte, ok bool) {
	dict := encryptionDict(data)
	if dict == nil {
		return nil, false
	}
	// Only the top level matters for /V; crypt filter dictionaries nested
	// in /CF have no /V entry.
	v := 0
	if m := cryptVersion().FindSubmatch(dict); m != nil {
		v, _ = strconv.Atoi(string(m[1]))
	}
	if v < 4 {
		return nil, false // V1–V3 encrypt every stream and string
	}
	filter := func(re *regexp.Regexp) string {
		if m := re.FindSubmatch(dict); m != nil {
			return string(m[1])
		}
		return "Identity" // the default for both entries
	}
	if filter(streamFilter()) != "Identity" || filter(stringFilter()) != "Identity" {
		return nil, false
	}
	return encryptKey().ReplaceAll(data, []byte("/NoCrypt$1")), true
}
