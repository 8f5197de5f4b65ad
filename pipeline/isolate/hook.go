//go:build normtagtest

package isolate

import (
	"os"
	"path/filepath"
	"strings"
	"time"
)

// testHook lets tests make a child misbehave the way hostile files make
// parsers misbehave. It exists only in binaries built with
// -tags normtagtest, and even there acts only when the test environment
// variable is set.
func testHook(path string) {
	if os.Getenv("NORMTAG_ISOLATE_TEST") != "1" {
		return
	}
	switch name := filepath.Base(path); {
	case strings.HasPrefix(name, "hang"):
		time.Sleep(time.Hour)
	case strings.HasPrefix(name, "tmpleft"):
		// The OCR's scratch files, left by a child killed mid-page.
		dir, err := os.MkdirTemp("", "scratch-")
		if err == nil {
			os.WriteFile(filepath.Join(dir, "page-1.ppm"), make([]byte, 1<<20), 0o600)
		}
		time.Sleep(time.Hour)
	case strings.HasPrefix(name, "spin"):
		for n := 0; ; n++ {
			_ = n * n
		}
	case strings.HasPrefix(name, "panic"):
		panic("simulated parser panic")
	case strings.HasPrefix(name, "exit"):
		os.Exit(7)
	case strings.HasPrefix(name, "print"):
		// A chatty library must not corrupt the protocol.
		os.Stdout.WriteString("garbage on stdout\x00\xff")
		os.Stderr.WriteString("garbage on stderr\n")
	case strings.HasPrefix(name, "hog"):
		var keep [][]byte
		for {
			b := make([]byte, 64<<20)
			for i := range b {
				b[i] = 1
			}
			keep = append(keep, b)
		}
	}
}
