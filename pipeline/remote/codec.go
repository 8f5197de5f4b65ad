package remote

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
)

// resultVersion changes whenever Result changes, so a coordinator never
// reads a result written by a worker of another build as its own.
const resultVersion = 1

// encodeResult compresses a result: documents are mostly text.
func encodeResult(r *Result) ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte(resultVersion)
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestSpeed)
	if err := gob.NewEncoder(zw).Encode(r); err != nil {
		return nil, fmt.Errorf("encode result: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("encode result: %w", err)
	}
	return b.Bytes(), nil
}

// decodeResult reads what encodeResult wrote, reading at most max bytes
// of decompressed data.
func decodeResult(data []byte, max int64) (*Result, error) {
	if len(data) == 0 || data[0] != resultVersion {
		return nil, fmt.Errorf("decode result: written by another normtag version (format %d, want %d)", firstByte(data), resultVersion)
	}
	zr, err := gzip.NewReader(bytes.NewReader(data[1:]))
	if err != nil {
		return nil, fmt.Errorf("decode result: %w", err)
	}
	var r Result
	if err := gob.NewDecoder(io.LimitReader(zr, max)).Decode(&r); err != nil {
		return nil, fmt.Errorf("decode result: %w", err)
	}
	return &r, nil
}

func firstByte(b []byte) int {
	if len(b) == 0 {
		return -1
	}
	return int(b[0])
}

// jobKey identifies what a result depends on besides the file's bytes:
// the rules and the limits. A result made under other rules or limits is
// not this job's.
func jobKey(rules string, l Limits) string {
	b, _ := json.Marshal(struct {
		Rules  string
		Limits Limits
	}{rules, l})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}
