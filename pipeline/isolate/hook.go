package isolate

import (
	"os"
	"path/filepath"
	"strings"
	"time"
)

// testHook lets the package's own tests make a child misbehave the way
// hostile files make parsers misbehave. It only acts when the test
// environment variable is set, which production never sets.
func testHook(path string) {
	if os.Getenv("NORMTAG_ISOLATE_TEST") != "1" {
		return
	}
	switch name := filepath.Base(path); {
	case strings.HasPrefix(name, "hang"):
		time.Sleep(time.Hour)
	case strings.HasPrefix(name, "panic"):
		panic("simulated parser panic")
	case strings.HasPrefix(name, "exit"):
		os.Exit(3)
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
