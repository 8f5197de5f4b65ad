package replica

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/corpus/sqlite"
	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/internal/natstest"
	"github.com/normtag/normtag/pipeline/remote"
)

func natsServer(t *testing.T) string {
	t.Helper()
	s := natstest.Start(t)
	return s.ClientURL()
}

func document(i int) *corpus.Document {
	id := fmt.Sprintf("%064x", i+1)
	text := fmt.Sprintf("Submission %d: our national CERT cooperates with other computer emergency response teams.", i)
	return &corpus.Document{
		ID: id, Path: fmt.Sprintf("/in/doc-%d.txt", i), FileName: fmt.Sprintf("doc-%d.txt", i), Title: fmt.Sprintf("Doc %d", i),
		Format: corpus.FormatText, Size: int64(len(text)), ModTime: time.Unix(1700000000, 0), PageCount: 1, RulesVersion: "v1",
		Pages:     []corpus.Page{{Number: 1, Text: text}},
		Passages:  []corpus.Passage{{Seq: 0, Page: 1, End: len(text), Text: text, Tags: []corpus.Tag{{Norm: "k", Score: 0.9}}}},
		Signature: []uint64{uint64(i), 7},
	}
}

// Records larger than a message go through the large-changes bucket and
// arrive whole; a deleted document's large state is removed and the
// deletion applied; the replica's index holds what its store holds.
func TestLargeChangesGoThroughTheBucket(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a NATS server; skipped with -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	nc, js, err := remote.Connect(remote.ConnOptions{URL: natsServer(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	names, _ := remote.NewNames("large")
	src, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "corpus.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	for i := range 5 {
		if _, err := src.PutDocument(ctx, document(i)); err != nil {
			t.Fatal(err)
		}
	}
	// Every record is larger than 100 bytes.
	pub, err := NewPublisher(ctx, js, src, PublisherOptions{Names: names, MaxMessage: 100})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := pub.Publish(ctx); err != nil || n != 6 {
		t.Fatalf("published %d, %v; want 5 documents and the failures", n, err)
	}
	bucket, err := js.ObjectStore(ctx, names.LargeChanges())
	if err != nil {
		t.Fatalf("no large-changes bucket: %v", err)
	}
	if _, err := src.RemovePath(ctx, "/in/doc-3.txt"); err != nil {
		t.Fatal(err)
	}
	if _, err := pub.Publish(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := bucket.GetInfo(ctx, document(3).ID); !errors.Is(err, jetstream.ErrObjectNotFound) {
		t.Fatalf("the deleted document's large state is still there: %v", err)
	}

	d, err := datadir.Open(ctx, filepath.Join(t.TempDir(), "replica"), datadir.Options{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	fctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- NewFollower(js, d, FollowerOptions{Names: names}).Run(fctx) }()
	want, _ := src.DocumentIDs(ctx)
	for {
		got, _ := d.Store.DocumentIDs(ctx)
		backlog, _ := d.Store.IndexBacklog(ctx)
		if strings.Join(got, ",") == strings.Join(want, ",") && !backlog.Behind() {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("replica holds %v (index backlog %+v), want %v", got, backlog, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for _, id := range want {
		a, _ := src.DocumentState(ctx, id)
		b, _ := d.Store.DocumentState(ctx, id)
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if string(ja) != string(jb) {
			t.Fatalf("state of %s differs:\nsource  %s\nreplica %s", id, ja, jb)
		}
	}
	ix, err := d.OpenIndex(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	indexed, err := ix.DocumentIDs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(indexed) != len(want) || indexed[document(3).ID] != 0 {
		t.Fatalf("index holds %v, want %v", indexed, want)
	}
	if cur, _ := Cursor(ctx, d.Store); cur < 6 {
		t.Fatalf("cursor %d after 7 messages", cur)
	}
}

// follow runs a follower on d until the replica holds src's documents,
// all indexed, and stops it.
func follow(t *testing.T, ctx context.Context, js jetstream.JetStream, names remote.Names, src *sqlite.Store, d *datadir.Dir) {
	t.Helper()
	fctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- NewFollower(js, d, FollowerOptions{Names: names}).Run(fctx) }()
	want, _ := src.DocumentIDs(ctx)
	for {
		got, _ := d.Store.DocumentIDs(ctx)
		backlog, _ := d.Store.IndexBacklog(ctx)
		if strings.Join(got, ",") == strings.Join(want, ",") && !backlog.Behind() {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("replica holds %v (index backlog %+v), want %v", got, backlog, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// A change stream made anew (its server lost its storage) is filled
// again by the writer, and a replica that had applied more of the old
// one than the new one holds replays it whole.
func TestReplicaReplaysARecreatedStream(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a NATS server; skipped with -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	nc, js, err := remote.Connect(remote.ConnOptions{URL: natsServer(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	names, _ := remote.NewNames("again")
	src, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "corpus.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	pub, err := NewPublisher(ctx, js, src, PublisherOptions{Names: names})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 6 {
		if _, err := src.PutDocument(ctx, document(i)); err != nil {
			t.Fatal(err)
		}
		// One message per document, so that the old stream ends far
		// beyond where the new one will.
		if _, err := pub.Publish(ctx); err != nil {
			t.Fatal(err)
		}
	}
	d, err := datadir.Open(ctx, filepath.Join(t.TempDir(), "replica"), datadir.Options{Write: true})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	follow(t, ctx, js, names, src, d)

	if err := js.DeleteStream(ctx, names.ChangeStream()); err != nil {
		t.Fatal(err)
	}
	if _, err := src.PutDocument(ctx, document(6)); err != nil {
		t.Fatal(err)
	}
	// The writer's next run finds the stream empty and sends everything.
	pub, err = NewPublisher(ctx, js, src, PublisherOptions{Names: names})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := pub.Publish(ctx); err != nil || n != 8 {
		t.Fatalf("sent %d, %v; want 7 documents and the failures", n, err)
	}
	follow(t, ctx, js, names, src, d)
}
