// Package safefile opens and reads files found in folders normtag does not
// control. A name checked a moment ago may by now be a named pipe, a
// device or a link to one: opening such a thing can block for ever and
// reading it may never end. So a file is opened without blocking, checked
// on the opened handle (not by name) to be a regular file within the size
// limit, and read in chunks that stop when the run is cancelled.
package safefile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/normtag/normtag/corpus"
)

// chunk is how much is read between checks for cancellation.
const chunk = 1 << 20

// Open opens path for reading. It fails with a *corpus.Error when path
// cannot be opened (unreadable: missing, permission, symbolic link loop),
// is not a regular file (unsupported, without reading it) or is larger
// than max bytes (too-large). The returned info is the opened file's.
func Open(path string, max int64) (*os.File, fs.FileInfo, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|openFlags, 0)
	if err != nil {
		return nil, nil, corpus.Errorf(corpus.ReasonUnreadable, "%w", UnwrapPath(err))
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, corpus.Errorf(corpus.ReasonUnreadable, "%w", UnwrapPath(err))
	}
	if !info.Mode().IsRegular() {
		f.Close()
		return nil, nil, corpus.Errorf(corpus.ReasonUnsupported, "not a regular file but %s", Kind(info.Mode()))
	}
	if max > 0 && info.Size() > max {
		f.Close()
		return nil, nil, corpus.Errorf(corpus.ReasonTooLarge, "%d bytes, more than the limit of %d", info.Size(), max)
	}
	return f, info, nil
}

// Copy copies f, opened by Open, to dst. It stops with ctx's error when
// ctx is cancelled and with a too-large error when the file has grown past
// max bytes since it was opened.
func Copy(ctx context.Context, dst io.Writer, f *os.File, max int64) (int64, error) {
	limit := max
	if limit <= 0 {
		limit = 1<<63 - 2
	}
	src := io.LimitReader(f, limit+1)
	var n int64
	for {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		m, err := io.CopyN(dst, src, chunk)
		n += m
		if n > limit {
			return n, corpus.Errorf(corpus.ReasonTooLarge, "grew past the limit of %d bytes while being read", limit)
		}
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, corpus.Errorf(corpus.ReasonUnreadable, "%w", UnwrapPath(err))
		}
	}
}

// ReadFile reads the regular file at path, of at most max bytes, under
// ctx. It returns the opened file's info with the bytes.
func ReadFile(ctx context.Context, path string, max int64) ([]byte, fs.FileInfo, error) {
	f, info, err := Open(path, max)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	buf := &sizedBuffer{b: make([]byte, 0, info.Size()+1)}
	if _, err := Copy(ctx, buf, f, max); err != nil {
		return nil, nil, err
	}
	return buf.b, info, nil
}

// Kind names a non-regular file type for messages.
func Kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m&fs.ModeIrregular != 0:
		return "an irregular file"
	}
	return fmt.Sprintf("a %s", m.Type())
}

// sizedBuffer collects bytes into a slice sized from the file's length.
type sizedBuffer struct{ b []byte }

func (s *sizedBuffer) Write(p []byte) (int, error) {
	s.b = append(s.b, p...)
	return len(p), nil
}

// UnwrapPath drops the *fs.PathError wrapper, whose path the caller
// already reports, keeping the reason ("no such file or directory").
func UnwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
