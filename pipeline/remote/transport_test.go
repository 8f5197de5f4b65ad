package remote

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/normtag/normtag/internal/natstest"
)

// TestResultTooLargeForAMessageGoesThroughItsBucket stores one result
// that fits a message and one that does not, on a real server, and reads
// both back as they were; a document without a result reads as none.
func TestResultTooLargeForAMessageGoesThroughItsBucket(t *testing.T) {
	s := natstest.Start(t)
	nc, err := nats.Connect(s.ClientURL())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	n, _ := NewNames("t")
	stream, err := resultStream(ctx, js, n, 1)
	if err != nil {
		t.Fatal(err)
	}
	large, err := js.CreateObjectStore(ctx, jetstream.ObjectStoreConfig{Bucket: n.LargeResults()})
	if err != nil {
		t.Fatal(err)
	}
	tr := newResultTransport(ctx, js, n, stream, large)
	tr.maxMsg = 1000
	small, big := bytes.Repeat([]byte("s"), 1000), bytes.Repeat([]byte("b"), 1001)
	sumSmall, sumBig := strings.Repeat("a", 64), strings.Repeat("b", 64)
	if err := tr.put(ctx, sumSmall, small); err != nil {
		t.Fatal(err)
	}
	if err := tr.put(ctx, sumBig, big); err != nil {
		t.Fatal(err)
	}
	for sum, want := range map[string][]byte{sumSmall: small, sumBig: big} {
		got, err := tr.latest(ctx, sum)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("result %s: read %d bytes (%v), want the %d stored", sum[:4], len(got), err, len(want))
		}
	}
	m, err := stream.GetLastMsgForSubject(ctx, n.ResultSubject(sumBig))
	if err != nil || len(m.Data) != 0 || m.Header.Get(largeResultHeader) == "" {
		t.Errorf("the large result's message should be an empty pointer: %d bytes, header %v (%v)", len(m.Data), m.Header, err)
	}
	if _, err := large.GetInfo(ctx, sumSmall); err == nil {
		t.Error("a result that fits a message was also put in the bucket")
	}
	if got, err := tr.latest(ctx, strings.Repeat("c", 64)); got != nil || err != nil {
		t.Errorf("a document without a result read as %d bytes (%v)", len(got), err)
	}
}

func TestInlineMaxFitsTheServersMessages(t *testing.T) {
	for _, payload := range []int64{1 << 20, 64 << 20, 128 << 10, 8 << 10} {
		got := inlineMax(payload)
		// The bytes travel as they are; the job's fields and the
		// headers fit in headerRoom.
		if got < 0 || got > inlineLimit || got+headerRoom > max(min(payload, jobMaxSize), headerRoom) {
			t.Errorf("inlineMax(%d) = %d: its job would not fit", payload, got)
		}
	}
	if inlineMax(1<<20) != inlineLimit {
		t.Errorf("with the default 1 MiB messages, files up to %d bytes should travel in their jobs, not %d", inlineLimit, inlineMax(1<<20))
	}
}

// Uploaded files go in chunks that fit the server's messages, as large as
// they may be up to 1 MiB.
func TestFileChunksFitMessages(t *testing.T) {
	for _, payload := range []int64{32 << 10, 128 << 10, 1 << 20, 8 << 20, 64 << 20} {
		got := int64(fileChunk(payload))
		if got+headerRoom > payload || got > 1<<20 {
			t.Errorf("fileChunk(%d) = %d: a chunk would not fit its message, or holds more than 1 MiB", payload, got)
		}
	}
	if got := fileChunk(1 << 20); got < 512<<10 {
		t.Errorf("with the default 1 MiB messages, chunks of %d bytes: want most of a message", got)
	}
}
