package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/normtag/normtag/datadir"
	"github.com/normtag/normtag/internal/web"
)

// serveData serves a data directory with the real server on a loopback
// port until the test ends, and returns its base URL.
func serveData(t *testing.T, data string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	d, err := datadir.Open(ctx, data, datadir.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(d, nil)
	if err != nil {
		t.Fatal(err)
	}
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx, "127.0.0.1:0", func(addr string) { ready <- addr }) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
		d.Close()
	})
	select {
	case addr := <-ready:
		return "http://" + addr
	case err := <-done:
		t.Fatalf("serve: %v", err)
	}
	return ""
}

func get(t *testing.T, u string) (int, []byte) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}

// TestCLIAndAPIRejectBadRequestsAlike sends the same bad requests as
// command line flags and as URL parameters: both refuse them as the
// caller's mistake (exit 2, HTTP 400) with the same message, which names
// the field.
func TestCLIAndAPIRejectBadRequestsAlike(t *testing.T) {
	data := ingestSample(t)
	base := serveData(t, data)
	for _, c := range []struct {
		field string
		args  []string   // after "--data DATA"
		path  string     // /api/search or /api/export
		query url.Values // the same request as URL parameters
	}{
		{"norm", []string{"search", "--norm", "z"}, "/api/search", url.Values{"norm": {"z"}}},
		{"norm", []string{"export", "--norm", "12"}, "/api/export", url.Values{"norm": {"12"}}},
		{"limit", []string{"search", "--limit", "0"}, "/api/search", url.Values{"limit": {"0"}}},
		{"limit", []string{"search", "--limit", "ten"}, "/api/search", url.Values{"limit": {"ten"}}},
		{"limit", []string{"search", "--limit", "10001"}, "/api/search", url.Values{"limit": {"10001"}}},
		{"offset", []string{"search", "--offset", "20000"}, "/api/search", url.Values{"offset": {"20000"}}},
		{"since", []string{"search", "--since", "2021-13"}, "/api/search", url.Values{"since": {"2021-13"}}},
		{"since", []string{"export", "--since", "2024", "--until", "2020"}, "/api/export", url.Values{"since": {"2024"}, "until": {"2020"}}},
		{"until", []string{"search", "--until", "soon"}, "/api/search", url.Values{"until": {"soon"}}},
		{"sort", []string{"search", "--sort", "size"}, "/api/search", url.Values{"sort": {"size"}}},
		{"after", []string{"search", "--after", "nonsense!"}, "/api/search", url.Values{"after": {"nonsense!"}}},
		{"query", []string{"search", `title:"unclosed`}, "/api/search", url.Values{"q": {`title:"unclosed`}}},
		{"query", []string{"search", "((((("}, "/api/search", url.Values{"q": {"((((("}}},
		{"query", []string{"export", "foo:bar"}, "/api/export", url.Values{"q": {"foo:bar"}}},
		{"query", []string{"search", "norm:z"}, "/api/search", url.Values{"q": {"norm:z"}}},
		{"query", []string{"search", "attribution AND"}, "/api/search", url.Values{"q": {"attribution AND"}}},
		{"offset", []string{"search", "--offset", "-3"}, "/api/search", url.Values{"offset": {"-3"}}},
		{"format", []string{"export", "--format", "xml"}, "/api/export", url.Values{"format": {"xml"}}},
	} {
		code, _, errs := normtag(t, append([]string{c.args[0], "--data", data}, c.args[1:]...)...)
		cliMsg := strings.TrimSpace(strings.TrimPrefix(errs, "normtag: "))
		if code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", c.args, code, errs)
		}
		status, body := get(t, base+c.path+"?"+c.query.Encode())
		var apiErr struct{ Error string }
		if err := json.Unmarshal(body, &apiErr); err != nil {
			t.Fatalf("%s: not JSON: %s", c.path, body)
		}
		if status != http.StatusBadRequest {
			t.Errorf("%s?%s: status %d, want 400", c.path, c.query.Encode(), status)
		}
		if cliMsg != apiErr.Error || !strings.HasPrefix(cliMsg, c.field+": ") {
			t.Errorf("%v: CLI says %q, API says %q; want the same, naming %s", c.args, cliMsg, apiErr.Error, c.field)
		}
	}
}

// TestStatsSameFromCLIAndAPI compares `stats --format json` with
// /api/stats on the same data directory.
func TestStatsSameFromCLIAndAPI(t *testing.T) {
	data := ingestSample(t)
	cli := statsJSON(t, data)
	status, body := get(t, serveData(t, data)+"/api/stats")
	var api map[string]any
	if err := json.Unmarshal(body, &api); err != nil || status != 200 {
		t.Fatalf("/api/stats: %d %v %s", status, err, body)
	}
	if !reflect.DeepEqual(cli, api) {
		t.Fatalf("stats differ:\nCLI %v\nAPI %v", cli, api)
	}
	if n, ok := api["norms"].(map[string]any); !ok || len(n) != 11 {
		t.Fatalf("stats lack a count for every norm: %v", api["norms"])
	}
}

// TestSearchCursorPagesLikeOffsets pages through a search with --after
// and with --offset, and gets the same hits in the same order.
func TestSearchCursorPagesLikeOffsets(t *testing.T) {
	data := ingestSample(t)
	all := searchJSON(t, "--data", data, "--limit", "1000", "--norm", "f,g,j", "critical infrastructure vulnerabilities")
	if len(all.Hits) < 7 || all.Next != "" {
		t.Fatalf("want over 2 pages of 3 and no next: %d hits, next %q", len(all.Hits), all.Next)
	}
	var byCursor, byOffset []string
	after := ""
	for page := 0; ; page++ {
		args := []string{"--data", data, "--limit", "3", "--norm", "f,g,j"}
		if after != "" {
			args = append(args, "--after", after) // flags before the query words
		}
		args = append(args, "critical infrastructure vulnerabilities")
		res := searchJSON(t, args...)
		for _, h := range res.Hits {
			byCursor = append(byCursor, h.ID)
		}
		off := searchJSON(t, "--data", data, "--limit", "3", "--offset", strconv.Itoa(3*page), "--norm", "f,g,j", "critical infrastructure vulnerabilities")
		for _, h := range off.Hits {
			byOffset = append(byOffset, h.ID)
		}
		if res.Next == "" {
			break
		}
		after = res.Next
	}
	var want []string
	for _, h := range all.Hits {
		want = append(want, h.ID)
	}
	if !reflect.DeepEqual(byCursor, want) || !reflect.DeepEqual(byOffset, want) {
		t.Fatalf("pages differ:\ncursor %v\noffset %v\none page %v", byCursor, byOffset, want)
	}
	// The text output tells how to get the next page.
	_, out, _ := normtag(t, "search", "--data", data, "--limit", "3", "--norm", "g")
	if !strings.Contains(out, "more: --after ") {
		t.Fatalf("text output lacks the next-page cursor:\n%s", out)
	}
}
