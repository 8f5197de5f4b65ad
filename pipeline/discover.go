package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/normtag/normtag/corpus"
)

// Candidate is a regular file found by Discover.
type Candidate struct {
	Path string
	Info fs.FileInfo
}

// Discover expands files and folders (recursively) into the regular files to
// ingest, in a stable order. Hidden files and folders (".git", ".DS_Store")
// and sidecar files normtag reads itself are skipped. Paths that cannot be
// read are returned as failures rather than stopping the walk.
func Discover(ctx context.Context, roots []string) ([]Candidate, []corpus.Failure) {
	var (
		found    []Candidate
		failures []corpus.Failure
		seen     = map[string]bool{}
	)
	fail := func(path string, err error) {
		failures = append(failures, corpus.Failure{Path: path, Reason: corpus.ReasonUnreadable, Detail: err.Error()})
	}
	add := func(path string, info fs.FileInfo) {
		// Absolute paths make a re-run from another directory recognise
		// the same files.
		abs, err := filepath.Abs(path)
		if err != nil {
			abs = path
		}
		if seen[abs] {
			return
		}
		seen[abs] = true
		found = append(found, Candidate{Path: abs, Info: info})
	}
	for _, root := range roots {
		if ctx.Err() != nil {
			break
		}
		info, err := os.Stat(root)
		if err != nil {
			fail(root, unwrapPathError(err))
			continue
		}
		if !info.IsDir() {
			if !info.Mode().IsRegular() {
				fail(root, fmt.Errorf("not a regular file (%s)", info.Mode().Type()))
				continue
			}
			add(root, info)
			continue
		}
		var batch []Candidate
		err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if err != nil {
				fail(path, unwrapPathError(err))
				if d != nil && d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if path != root && isHidden(d.Name()) {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() || !d.Type().IsRegular() || isSidecar(d.Name()) {
				return nil
			}
			info, err := d.Info()
			if err != nil {
				fail(path, unwrapPathError(err))
				return nil
			}
			batch = append(batch, Candidate{Path: path, Info: info})
			return nil
		})
		if err != nil && ctx.Err() == nil {
			fail(root, err)
		}
		sort.Slice(batch, func(i, j int) bool { return batch[i].Path < batch[j].Path })
		for _, c := range batch {
			add(c.Path, c.Info)
		}
	}
	return found, failures
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

// unwrapPathError drops the *fs.PathError wrapper, whose path the caller
// already reports, keeping the reason ("no such file or directory").
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
