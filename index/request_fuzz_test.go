package index

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// FuzzParams feeds text parameters, as flags and URL parameters carry
// them, through Params.Request. Whatever the text, it must not panic, a
// refusal must be a *RequestError (a 400, exit 2, never a 500), and a
// request it accepts must validate again and build a query: the search
// must not fail later on something Validate let through.
func FuzzParams(f *testing.F) {
	f.Add("supply chain", "f,g", "10", "0", "", "2020", "2024-06", "", "", false)
	f.Add("(((((", "", "-3", "-3", "x", "", "", "size", "xml", true)
	f.Add(`title:"unclosed`, "12", "ten", "", "%%%", "2021-13", "soon", "date", "csv", false)
	f.Add("norm (f) +hospital -ransom* year:>2019", "6 7", "", "10000", "", "", "", "document", "json", false)
	f.Add("*a* te?t~1 /re(g)ex/ x^2", "a-k", "0", "1", "bm90IGpzb24", "2024", "2020", "relevance", "", true)
	f.Add("\x00\xff(", ",,,", " 5 ", "+1", "eyJvIjoiIn0", "0000", "9999-12-31", "", "jsonl", true)
	// The query language: operators, groups, fields applied to groups,
	// unknown fields and norms, folding, escapes.
	f.Add("attribution AND (state OR -private) AND NOT norm:z", "", "", "", "", "", "", "", "", false)
	f.Add(`title:(rapport OR "énoncé canadien") lang:fr submitter:paris foo:bar \:x cyber\*`, "", "", "", "", "", "", "", "", false)
	f.Add("NOT NOT -+(a OR) AND ((b)) year:twenty direct:12 file:rep* lang:f*", "", "", "", "", "", "", "", "", true)
	f.Fuzz(func(t *testing.T, q, norms, limit, offset, after, since, until, sort, format string, export bool) {
		p := Params{Query: q, Norms: []string{norms}, Limit: limit, Offset: offset, After: after,
			Since: since, Until: until, Sort: sort, Format: format}
		if export {
			p.Kind = KindExport
		}
		var req Request
		var err error
		finished := make(chan struct{})
		go func() { req, err = p.Request(); close(finished) }()
		select {
		case <-finished:
		case <-time.After(5 * time.Second):
			t.Fatalf("%#v: Request takes more than 5 s", p)
		}
		if err != nil {
			var re *RequestError
			if !errors.As(err, &re) {
				t.Fatalf("%+v: error %v (%T) is not a RequestError", p, err, err)
			}
			if !strings.HasPrefix(err.Error(), re.Field+": ") {
				t.Fatalf("%+v: message %q does not start with the field %q", p, err, re.Field)
			}
			return
		}
		if err := req.Validate(); err != nil {
			t.Fatalf("%+v: accepted, then Validate says %v", p, err)
		}
		if _, err := BuildQuery(req); err != nil {
			t.Fatalf("%+v: accepted, but the query does not build: %v", p, err)
		}
	})
}
