package remote

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"io"

	"github.com/normtag/normtag/corpus"
)

// objectDigest is the object store's digest (ObjectInfo.Digest) of bytes
// whose hex SHA-256 is hexSum.
func objectDigest(hexSum string) string {
	b, err := hex.DecodeString(hexSum)
	if err != nil {
		return ""
	}
	return "SHA-256=" + base64.URLEncoding.EncodeToString(b)
}

// limitedReader reads at most left bytes, failing as too-large beyond,
// and stops when ctx is cancelled.
type limitedReader struct {
	ctx  context.Context
	r    io.Reader
	left int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if err := l.ctx.Err(); err != nil {
		return 0, err
	}
	if l.left < 0 {
		return 0, corpus.Errorf(corpus.ReasonTooLarge, "more than the limit of bytes")
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}
