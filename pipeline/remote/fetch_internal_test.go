package remote

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/normtag/normtag/internal/natstest"
)

// A worker copies an uploaded file only when the stored object is the
// job's bytes: one uploaded under another file's SHA-256 is refused, and
// the local copy of a good one holds exactly its bytes, in chunks of the
// size uploads use.
func TestFetchTakesOnlyTheJobsBytes(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a NATS server; skipped with -short")
	}
	s := natstest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	nc, js := testConnect(t, s)
	files, err := objectStore(ctx, js, "fetch_files", time.Hour, 1)
	if err != nil {
		t.Fatal(err)
	}
	// Larger than one chunk, so that the object comes in several.
	good := bytes.Repeat([]byte("responsible state behaviour in cyberspace "), 60_000)
	bad := append(bytes.Clone(good[:len(good)-1]), '!')
	sumOf := func(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }
	put := func(name string, data []byte) {
		meta := jetstream.ObjectMeta{Name: name, Opts: &jetstream.ObjectMetaOptions{ChunkSize: fileChunk(nc.MaxPayload())}}
		if _, err := files.Put(ctx, meta, bytes.NewReader(data)); err != nil {
			t.Fatal(err)
		}
	}
	put(sumOf(good), good)
	// Another file's bytes under this one's name.
	forged := sumOf([]byte("the file the job names"))
	put(forged, bad)

	w := &Worker{nc: nc, files: files}
	dir := t.TempDir()
	path := filepath.Join(dir, "good.pdf")
	if err := w.fetch(ctx, Job{SHA256: sumOf(good), Name: "good.pdf"}, path); err != nil {
		t.Fatalf("fetch of the uploaded bytes: %v", err)
	}
	if got, err := os.ReadFile(path); err != nil || !bytes.Equal(got, good) {
		t.Fatalf("local copy: %d bytes (err %v), want the %d uploaded", len(got), err, len(good))
	}
	err = w.fetch(ctx, Job{SHA256: forged, Name: "forged.pdf"}, filepath.Join(dir, "forged.pdf"))
	if err == nil || !strings.Contains(err.Error(), "not the file's bytes") {
		t.Fatalf("fetch of an object holding other bytes: err %v, want it refused", err)
	}
	// Within the size limit only.
	err = w.fetch(ctx, Job{SHA256: sumOf(good), Name: "big.pdf", Limits: Limits{MaxFileSize: int64(len(good) - 1)}}, filepath.Join(dir, "big.pdf"))
	if err == nil {
		t.Fatal("fetch of an object larger than the job's size limit: no error")
	}
}
