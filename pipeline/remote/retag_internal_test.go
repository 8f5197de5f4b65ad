package remote

import (
	"context"
	"errors"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/normtag/normtag/corpus"
	"github.com/normtag/normtag/internal/natstest"
	"github.com/normtag/normtag/pipeline/tag"
	"github.com/normtag/normtag/rules"
)

// retagServer runs a JetStream server whose messages are at most
// maxPayload bytes, and connects to it.
func retagServer(t *testing.T, maxPayload int32) (*RetagCoordinator, *Worker, context.Context) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs a NATS server; skipped with -short")
	}
	s := natstest.Start(t, func(o *server.Options) { o.MaxPayload = maxPayload })
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	nc, js := testConnect(t, s)
	builtin, err := tag.Default()
	if err != nil {
		t.Fatal(err)
	}
	names, _ := NewNames("")
	c, err := NewRetagCoordinator(ctx, nc, js, RetagCoordinatorOptions{Names: names, RulesVersion: builtin.Version(), MaxDeliveries: 3, AckWait: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	w := NewWorker(nc, js, WorkerOptions{Names: names, Workers: 1, ID: "test-worker"})
	return c, w, ctx
}

// runWorker runs w until the test ends or stop is called.
func runWorker(t *testing.T, ctx context.Context, w *Worker) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.Run(ctx)
	}()
	stop = func() {
		cancel()
		<-done
	}
	t.Cleanup(stop)
	return stop
}

func sampleDoc(id string, texts ...string) *corpus.Document {
	d := &corpus.Document{ID: id}
	for i, s := range texts {
		d.Passages = append(d.Passages, corpus.Passage{Seq: i, Page: 1, Text: s})
	}
	return d
}

// A document too large for one message travels through the files
// bucket, and comes back tagged as the tagger here tags it; the bucket
// holds no batch afterwards.
func TestRetagBatchLargerThanAMessage(t *testing.T) {
	c, w, ctx := retagServer(t, 160<<10)
	runWorker(t, ctx, w)
	r := rand.New(rand.NewPCG(1, 2))
	var noise strings.Builder
	for noise.Len() < 300<<10 {
		for range 3 + r.IntN(8) {
			noise.WriteByte(byte('a' + r.IntN(26)))
		}
		noise.WriteByte(' ')
	}
	texts := []string{"Norm 13 (g): States should protect their critical infrastructure from ICT threats.", noise.String(),
		"Our national CERT cooperates with other computer emergency response teams."}
	big, small := sampleDoc("big", texts...), sampleDoc("small", texts[0], texts[2])
	if data, _, _, err := encodeRetagDocs("", c.opts.RulesVersion, []*corpus.Document{big, small}); err != nil || len(data) <= c.msgLimit {
		t.Fatalf("the batch is %d bytes encoded (%v), not over the message limit %d", len(data), err, c.msgLimit)
	}
	if err := c.TagBatch(ctx, []*corpus.Document{big, small}); err != nil {
		t.Fatal(err)
	}
	builtin, _ := tag.Default()
	for _, d := range []*corpus.Document{big, small} {
		want := sampleDoc(d.ID)
		want.Passages = append(want.Passages, d.Passages...)
		for i := range want.Passages {
			want.Passages[i].Tags = nil
		}
		builtin.Tag(want.Passages)
		if len(want.Passages[0].Tags) == 0 {
			t.Fatalf("the sample passage has no tags here")
		}
		for i := range d.Passages {
			if !reflect.DeepEqual(d.Passages[i].Tags, want.Passages[i].Tags) && len(d.Passages[i].Tags)+len(want.Passages[i].Tags) > 0 {
				t.Errorf("%s passage %d: worker tags %+v, here %+v", d.ID, i, d.Passages[i].Tags, want.Passages[i].Tags)
			}
		}
	}
	if list, _ := c.files.List(ctx); len(list) != 0 {
		t.Errorf("%d objects left in the files bucket", len(list))
	}
	if c.Progress(ctx).Done != 1 {
		t.Errorf("progress: %+v, want 1 job done", c.Progress(ctx))
	}
}

// A worker whose built-in rules are not the coordinator's (another
// normtag version) refuses the batch instead of tagging it with other
// rules, and the coordinator says why; a batch published again (the
// stream remembers its id) is not lost when a worker of the right rules
// comes.
func TestRetagWorkerRefusesRulesItCannotMake(t *testing.T) {
	c, w, ctx := retagServer(t, 0)
	other, err := tag.Load([]byte(strings.Replace(string(rules.Default), "threshold: 0.5", "threshold: 0.7", 1)))
	if err != nil {
		t.Fatal(err)
	}
	w.taggers[""] = other // as a worker of another build would have
	stop := runWorker(t, ctx, w)
	docs := []*corpus.Document{sampleDoc("one", "Our national CERT cooperates with other computer emergency response teams.")}
	err = c.TagBatch(ctx, docs)
	if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), other.Version()) || !strings.Contains(err.Error(), c.opts.RulesVersion) {
		t.Fatalf("a worker of other rules: %v, want a refusal naming both versions", err)
	}
	if docs[0].Passages[0].Tags != nil {
		t.Errorf("a refused batch came back with tags: %+v", docs[0].Passages[0].Tags)
	}

	// A worker with the right rules: the same batch, within the stream's
	// de-duplication window, is tagged.
	stop()
	good := NewWorker(w.nc, w.js, WorkerOptions{Names: w.opts.Names, Workers: 1, ID: "good-worker"})
	runWorker(t, ctx, good)
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := c.TagBatch(tctx, docs); err != nil {
		t.Fatalf("the batch again, with workers of the right rules: %v", err)
	}
	if len(docs[0].Passages[0].Tags) == 0 {
		t.Error("the batch came back without tags")
	}
	cons, err := c.js.Consumer(ctx, c.opts.Names.RetagStream(), c.opts.Names.RetagConsumer())
	if err != nil {
		t.Fatal(err)
	}
	info, err := cons.Info(ctx)
	if err != nil || info.Delivered.Consumer != 2 {
		t.Errorf("deliveries %v (%v), want 2: the refused job and the one published again", info.Delivered.Consumer, err)
	}
}
