package pysyntax

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestNativeMatchesTreeSitterHeader compiles native.c against
// tree-sitter's own header, from the go-tree-sitter module the build uses:
// tsapi.h's prototypes must agree with the header's and its copies of the
// structs tree-sitter passes by value must match field by field (see
// tsapi.h). The build cannot include the header itself (cgo has no
// include path into another module).
func TestNativeMatchesTreeSitterHeader(t *testing.T) {
	dir, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/tree-sitter/go-tree-sitter").Output()
	if err != nil {
		t.Fatalf("finding the go-tree-sitter module: %v", err)
	}
	include := filepath.Join(strings.TrimSpace(string(dir)), "include")
	cc, err := exec.Command("go", "env", "CC").Output()
	if err != nil {
		t.Fatalf("go env CC: %v", err)
	}
	ccArgs := strings.Fields(string(cc))
	if len(ccArgs) == 0 {
		t.Fatal("go env CC is empty")
	}
	args := append(ccArgs[1:], "-fsyntax-only", "-DPS_WITH_TREE_SITTER_HEADER", "-I", include, "native.c")
	out, err := exec.Command(ccArgs[0], args...).CombinedOutput()
	if err != nil {
		t.Fatalf("native.c does not compile against %s/tree_sitter/api.h: %v\n%s", include, err, out)
	}
}
