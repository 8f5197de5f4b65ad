package remote

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/klauspost/compress/s2"
)

// resultVersion changes whenever Result or its encoding changes, so a
// coordinator never reads a result written by a worker of another build
// as its own.
const resultVersion = 3

// encodeResult encodes a result (see resultcodec.go) and compresses it
// with S2: documents are mostly text, and S2 costs a fraction of gzip's
// CPU on both ends for a little less compression.
func encodeResult(r *Result) ([]byte, error) {
	raw, err := marshalResult(r)
	if err != nil {
		return nil, fmt.Errorf("encode result: %w", err)
	}
	room := s2.MaxEncodedLen(len(raw))
	if room < 0 {
		return nil, fmt.Errorf("encode result: %d bytes, too large to compress", len(raw))
	}
	out := make([]byte, 1+room)
	out[0] = resultVersion
	enc := s2.Encode(out[1:], raw)
	return out[:1+len(enc)], nil
}

// decodeResult reads what encodeResult wrote, refusing one that would
// decompress to more than max bytes.
func decodeResult(data []byte, max int64) (*Result, error) {
	if len(data) == 0 || data[0] != resultVersion {
		return nil, fmt.Errorf("decode result: written by another normtag version (format %d, want %d)", firstByte(data), resultVersion)
	}
	n, err := s2.DecodedLen(data[1:])
	if err != nil {
		return nil, fmt.Errorf("decode result: %w", err)
	}
	if int64(n) > max {
		return nil, fmt.Errorf("decode result: %d bytes decompressed, more than the limit of %d", n, max)
	}
	raw, err := s2.Decode(nil, data[1:])
	if err != nil {
		return nil, fmt.Errorf("decode result: %w", err)
	}
	r, err := unmarshalResult(raw)
	if err != nil {
		return nil, fmt.Errorf("decode result: %w", err)
	}
	return r, nil
}

func firstByte(b []byte) int {
	if len(b) == 0 {
		return -1
	}
	return int(b[0])
}

// jobFormat starts every job message; it changes whenever Job or its
// encoding changes. A job in JSON alone, as earlier versions sent, starts
// with '{'.
const jobFormat = 3

// encodeJob frames a job: jobFormat, the length of the job's fields in
// JSON as a uvarint, those fields, then the file's bytes when they travel
// in the job. The bytes go as they are: encoding them in the JSON cost
// base64 a third more bytes on the wire and in the stream, and decoding
// them the worker's CPU.
func encodeJob(job *Job) ([]byte, error) {
	fields, err := json.Marshal(job)
	if err != nil {
		return nil, fmt.Errorf("encode job: %w", err)
	}
	out := make([]byte, 0, 1+binary.MaxVarintLen64+len(fields)+len(job.Data))
	out = append(out, jobFormat)
	out = binary.AppendUvarint(out, uint64(len(fields)))
	out = append(out, fields...)
	return append(out, job.Data...), nil
}

// decodeJob reads what encodeJob wrote. The job's Data is the end of
// data, not a copy.
func decodeJob(data []byte) (Job, error) {
	var job Job
	if len(data) == 0 || data[0] != jobFormat {
		return job, fmt.Errorf("decode job: written by another normtag version (format %d, want %d)", firstByte(data), jobFormat)
	}
	n, k := binary.Uvarint(data[1:])
	if k <= 0 || n > uint64(len(data)-1-k) {
		return job, errors.New("decode job: truncated")
	}
	fields := data[1+k : 1+k+int(n)]
	if err := json.Unmarshal(fields, &job); err != nil {
		return job, fmt.Errorf("decode job: %w", err)
	}
	if rest := data[1+k+int(n):]; job.Inline {
		job.Data = rest
	} else if len(rest) > 0 {
		return job, fmt.Errorf("decode job: %d bytes after a job that carries no file", len(rest))
	}
	return job, nil
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
