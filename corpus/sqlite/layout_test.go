package sqlite

import (
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"strings"
	"testing"
)

// writeSQL matches a statement that changes the database.
var writeSQL = regexp.MustCompile(`(?i)^\s*(INSERT|UPDATE|DELETE|REPLACE)\b`)

// TestReadFileHoldsNoWrites keeps read.go to queries: every statement that
// changes the store lives in write.go or store.go, so a reader of read.go
// can trust that nothing there mutates the corpus.
func TestReadFileHoldsNoWrites(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "read.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BasicLit:
			if n.Kind == token.STRING && writeSQL.MatchString(strings.Trim(n.Value, "`\"")) {
				t.Errorf("%s: write statement in read.go: %.60s", fset.Position(n.Pos()), n.Value)
			}
		case *ast.SelectorExpr:
			if n.Sel.Name == "ExecContext" || n.Sel.Name == "inTx" {
				t.Errorf("%s: %s in read.go; writes belong in write.go", fset.Position(n.Pos()), n.Sel.Name)
			}
		}
		return true
	})
}
