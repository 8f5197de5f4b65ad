package pipeline

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/internal/safefile"
)

// Candidate is a regular file found by Discover.
type Candidate struct {
	Path string
	Info fs.FileInfo
}

// Discover expands files and folders (recursively) into the regular files to
// ingest, in a stable order. Hidden files and folders (".git", ".DS_Store")
// and sidecar files normtag reads itself are skipped. Symbolic links are
// followed, to files and to folders, except a link back to a folder
// already being walked, which is reported as a loop. Everything else that
// is not ingested is returned as a failure with a reason, never dropped
// without a word: paths that cannot be read (unreadable), and named pipes,
// sockets and devices (unsupported), which are never opened.
func Discover(ctx context.Context, roots []string) ([]Candidate, []corpus.Failure) {
	d := &discovery{ctx: ctx, seen: map[string]bool{}}
	for _, root := range roots {
		if ctx.Err() != nil {
			break
		}
		info, err := os.Stat(root) // follows a link given on the command line
		if err != nil {
			d.fail(root, corpus.ReasonUnreadable, safefile.UnwrapPath(err))
			continue
		}
		switch {
		case info.IsDir():
			var batch []Candidate
			d.walk(root, []fs.FileInfo{info}, &batch)
			sort.Slice(batch, func(i, j int) bool { return batch[i].Path < batch[j].Path })
			for _, c := range batch {
				d.add(c.Path, c.Info)
			}
		case info.Mode().IsRegular():
			d.add(root, info)
		default:
			d.fail(root, corpus.ReasonUnsupported, fmt.Errorf("not a regular file but %s", safefile.Kind(info.Mode())))
		}
	}
	return d.found, d.failures
}

// discovery is the state of one Discover call.
type discovery struct {
	ctx      context.Context
	found    []Candidate
	failures []corpus.Failure
	seen     map[string]bool
}

func (d *discovery) fail(path string, reason corpus.Reason, err error) {
	d.failures = append(d.failures, corpus.Failure{Path: path, Reason: reason, Detail: err.Error()})
}

func (d *discovery) add(path string, info fs.FileInfo) {
	// Absolute paths make a re-run from another directory recognise
	// the same files.
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	if d.seen[abs] {
		return
	}
	d.seen[abs] = true
	d.found = append(d.found, Candidate{Path: abs, Info: info})
}

// walk collects the files under dir into batch. ancestors are the folders
// from the root down to dir, as reached through links, so that a link to
// one of them is recognised as a loop.
func (d *discovery) walk(dir string, ancestors []fs.FileInfo, batch *[]Candidate) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		d.fail(dir, corpus.ReasonUnreadable, safefile.UnwrapPath(err))
		if len(entries) == 0 {
			return
		}
	}
	for _, e := range entries {
		if d.ctx.Err() != nil {
			return
		}
		path := filepath.Join(dir, e.Name())
		if isHidden(e.Name()) {
			continue
		}
		mode := e.Type()
		var info fs.FileInfo
		if mode&fs.ModeSymlink != 0 {
			info, err = os.Stat(path)
			if err != nil {
				d.fail(path, corpus.ReasonUnreadable, fmt.Errorf("symbolic link to %s: %w", linkTarget(path), safefile.UnwrapPath(err)))
				continue
			}
			mode = info.Mode().Type()
		}
		switch {
		case mode.IsDir():
			if info == nil {
				if info, err = e.Info(); err != nil {
					d.fail(path, corpus.ReasonUnreadable, safefile.UnwrapPath(err))
					continue
				}
			}
			if loopsTo(info, ancestors) {
				d.fail(path, corpus.ReasonUnreadable, fmt.Errorf("symbolic link loop: %s leads back to a folder it is in", linkTarget(path)))
				continue
			}
			d.walk(path, append(ancestors[:len(ancestors):len(ancestors)], info), batch)
		case mode.IsRegular():
			if isSidecar(e.Name()) {
				continue
			}
			if info == nil {
				if info, err = e.Info(); err != nil {
					d.fail(path, corpus.ReasonUnreadable, safefile.UnwrapPath(err))
					continue
				}
			}
			*batch = append(*batch, Candidate{Path: path, Info: info})
		default:
			d.fail(path, corpus.ReasonUnsupported, fmt.Errorf("not a regular file but %s", safefile.Kind(mode)))
		}
	}
}

// loopsTo reports whether dir is one of the folders being walked.
func loopsTo(dir fs.FileInfo, ancestors []fs.FileInfo) bool {
	for _, a := range ancestors {
		if os.SameFile(dir, a) {
			return true
		}
	}
	return false
}

// linkTarget is where the link at path points, for messages.
func linkTarget(path string) string {
	target, err := os.Readlink(path)
	if err != nil {
		return "?"
	}
	return target
}

func isHidden(name string) bool { return strings.HasPrefix(name, ".") }

// isSidecar reports files that describe other files rather than being
// submissions themselves.
func isSidecar(name string) bool {
	switch strings.ToLower(name) {
	case "metadata.csv", "readme.md", "readme.txt", "readme":
		return true
	}
	return false
}
