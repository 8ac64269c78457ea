package differential

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestPythonPackage runs the flowspec package's own unit tests
// (python3 -m unittest in python/), so that `go test` and `make test` run
// them too. In CI, the pydantic v1 parity test must not be skipped.
func TestPythonPackage(t *testing.T) {
	py := pythonOrSkip(t)
	if testing.Short() {
		t.Skip("-short: the Python package's tests build a venv")
	}
	cmd := exec.Command(py, "-m", "unittest", "-v")
	cmd.Dir = filepath.Join("..", "..", "python")
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
	if os.Getenv("CI") != "" {
		cmd.Env = append(cmd.Env, "FLOWSPEC_REQUIRE_PYDANTIC=1")
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("python3 -m unittest in python/: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}
