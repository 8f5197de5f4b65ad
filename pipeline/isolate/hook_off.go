//go:build !normtagtest

package isolate

// testHook does nothing in normal builds; see hook.go.
func testHook(string) {}
