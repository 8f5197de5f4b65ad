package web

import (
	"bytes"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// apiRoute is one route the server registers under /api/.
type apiRoute struct {
	method, path string
	at           string // file:line of the registration
}

// registeredAPIRoutes finds every route pattern "METHOD /api/..." given
// to a Handle or HandleFunc call in the package's source: whichever file
// registers a route, it is found without a list to keep up to date.
func registeredAPIRoutes(t *testing.T) []apiRoute {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var routes []apiRoute
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "HandleFunc" && sel.Sel.Name != "Handle" {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			pattern, err := strconv.Unquote(lit.Value)
			if err != nil {
				return true
			}
			method, path, found := strings.Cut(pattern, " ")
			if !found {
				method, path = "GET", pattern // a pattern without a method answers GET too
			}
			if strings.HasPrefix(path, "/api/") {
				routes = append(routes, apiRoute{method: strings.ToLower(method), path: path, at: fset.Position(lit.Pos()).String()})
			}
			return true
		})
	}
	return routes
}

var pathParam = regexp.MustCompile(`\{([^}.$]+)(\.\.\.)?\}`)

// Every /api route the server registers is in /api/openapi.json with its
// method, its path parameters and the shape of its JSON answer; every
// route there is one the server has; every reference resolves.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	raw, err := os.ReadFile("assets/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Paths      map[string]map[string]json.RawMessage
		Components struct{ Schemas map[string]json.RawMessage }
	}
	if err := json.Unmarshal(raw, &spec); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	routes := registeredAPIRoutes(t)
	have := map[string]bool{}
	for _, r := range routes {
		have[r.method+" "+r.path] = true
	}
	for _, want := range []string{"get /api/search", "get /api/watches", "get /api/watches/{name}/new", "post /api/judgements"} {
		if !have[want] {
			t.Fatalf("the route scan missed %s (found %v)", want, routes)
		}
	}
	type operation struct {
		Parameters []struct {
			Name, In string
			Required bool
		}
		RequestBody *json.RawMessage `json:"requestBody"`
		Responses   map[string]struct {
			Content map[string]struct {
				Schema map[string]any
			}
		}
	}
	for _, r := range routes {
		op, ok := spec.Paths[r.path][r.method]
		if !ok {
			t.Errorf("%s %s (registered at %s) is not in openapi.json", strings.ToUpper(r.method), r.path, r.at)
			continue
		}
		var o operation
		if err := json.Unmarshal(op, &o); err != nil {
			t.Errorf("%s %s: %v", r.method, r.path, err)
			continue
		}
		var declared, inPath []string
		for _, p := range o.Parameters {
			if p.In == "path" {
				declared = append(declared, p.Name)
				if !p.Required {
					t.Errorf("%s %s: path parameter %s must be required", r.method, r.path, p.Name)
				}
			}
		}
		for _, m := range pathParam.FindAllStringSubmatch(r.path, -1) {
			inPath = append(inPath, m[1])
		}
		slices.Sort(declared)
		slices.Sort(inPath)
		if !slices.Equal(declared, inPath) {
			t.Errorf("%s %s: path parameters documented %v, in the route %v", r.method, r.path, declared, inPath)
		}
		if (r.method == "post" || r.method == "put" || r.method == "patch") && o.RequestBody == nil {
			t.Errorf("%s %s: no requestBody documented", r.method, r.path)
		}
		ok200 := false
		for code, resp := range o.Responses {
			if !strings.HasPrefix(code, "2") {
				continue
			}
			ok200 = true
			if js, ok := resp.Content["application/json"]; ok && !shaped(js.Schema) {
				t.Errorf("%s %s: the %s JSON answer has no shape (properties, items or a $ref): %v", r.method, r.path, code, js.Schema)
			}
		}
		if !ok200 {
			t.Errorf("%s %s: no success response documented", r.method, r.path)
		}
	}
	for path, ops := range spec.Paths {
		for method := range ops {
			if method == "parameters" || method == "summary" || method == "description" {
				continue
			}
			if !have[method+" "+path] {
				t.Errorf("openapi.json documents %s %s, which the server does not register", strings.ToUpper(method), path)
			}
		}
	}
	for _, ref := range regexp.MustCompile(`"\$ref": "#/components/schemas/([^"]+)"`).FindAllStringSubmatch(string(raw), -1) {
		if spec.Components.Schemas[ref[1]] == nil {
			t.Errorf("openapi.json refers to the undefined schema %s", ref[1])
		}
	}
}

// shaped reports whether a schema says what the JSON holds: a reference,
// a combination, an array of something, or an object with properties.
func shaped(s map[string]any) bool {
	for _, k := range []string{"$ref", "allOf", "oneOf", "anyOf", "properties", "additionalProperties"} {
		if s[k] != nil {
			return true
		}
	}
	if items, ok := s["items"].(map[string]any); ok {
		return shaped(items) || items["type"] != nil
	}
	t, _ := s["type"].(string)
	return t != "" && t != "object" && t != "array"
}

// The answers of the matrix routes have the shape openapi.json gives
// them: each is validated against its route's schema, with every object
// the document describes by its properties held to them (no property it
// does not name), so that an answer of another shape fails even where
// the schema leaves objects open. /api/coverage answers two shapes, by
// format.
func TestOpenAPIShapesOfMatrixAnswers(t *testing.T) {
	raw, err := os.ReadFile("assets/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var closeObjects func(v any)
	closeObjects = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if _, ok := x["properties"].(map[string]any); ok && x["additionalProperties"] == nil {
				x["additionalProperties"] = false
			}
			for _, c := range x {
				closeObjects(c)
			}
		case []any:
			for _, c := range x {
				closeObjects(c)
			}
		}
	}
	closeObjects(doc)
	c := jsonschema.NewCompiler()
	if err := c.AddResource("openapi.json", doc); err != nil {
		t.Fatal(err)
	}
	ts, _ := sampleServer(t)
	for _, u := range []string{"/api/coverage", "/api/coverage?kinds=all", "/api/coverage?format=json", "/api/coverage?format=json&sort=title",
		"/api/compare", "/api/compare?format=json&group=none", "/api/timeline"} {
		path, _, _ := strings.Cut(u, "?")
		sch, err := c.Compile("openapi.json#/paths/" + strings.ReplaceAll(path, "/", "~1") + "/get/responses/200/content/application~1json/schema")
		if err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		resp, err := http.Get(ts.URL + u)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s: status %d, %v", u, resp.StatusCode, err)
		}
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("%s: not JSON: %v", u, err)
		}
		if err := sch.Validate(inst); err != nil {
			t.Errorf("%s: the answer does not have the shape openapi.json gives it: %v", u, err)
		}
	}
}
