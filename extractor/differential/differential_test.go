package differential

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/flowplan/flowplan/extractor"
	"github.com/flowplan/flowplan/extractor/spec"
)

var (
	seedFlag  = flag.Int64("seed", 0, "generator seed (0: env FLOWPLAN_DIFF_SEED, else 1)")
	countFlag = flag.Int("n", defaultCount, "number of generated cases")
	caseFlag  = flag.Int("case", -1, "run only this generated case (replay)")
	keepFlag  = flag.String("keep", "", "write the generated projects under this directory and keep them")
	showFlag  = flag.Int("show", 15, "mismatches reported in full (the rest are counted)")
)

const (
	casesPerProject = 100
	defaultSeed     = 1
	defaultCount    = 2000
)

var (
	liftScript = filepath.Join("..", "..", "testdata", "differential", "lift.py")
	casesDir   = filepath.Join("..", "..", "testdata", "differential", "cases")
	knownFile  = filepath.Join("..", "..", "testdata", "differential", "known_mismatches.json")
)

// pythonOrSkip finds python3: missing, the test is skipped, unless env CI
// is set, where it fails.
func pythonOrSkip(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("python3 is required in CI for the differential test: %v", err)
		}
		t.Skipf("python3 not found, differential test skipped: %v", err)
	}
	return p
}

func lifter(t *testing.T) Lifter {
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "LANG=C.UTF-8",
		"PYTHONHASHSEED=0", "PYTHONDONTWRITEBYTECODE=1", "PYTHONIOENCODING=utf-8"}
	for k, v := range GenEnv {
		env = append(env, k+"="+v)
	}
	return Lifter{Python: pythonOrSkip(t), Script: liftScript, Env: env}
}

func getenv(name string) (string, bool) {
	v, ok := GenEnv[name]
	return v, ok
}

func extract(t *testing.T, dir, deploymentType string) []spec.FileResult {
	t.Helper()
	res, err := extractor.Extract(context.Background(), extractor.Options{ProjectDir: dir, DeploymentType: spec.DeploymentType(deploymentType), Getenv: getenv})
	require.NoError(t, err, "extracting %s", dir)
	return res.Files
}

// fileMismatch is one flow file on which Go and CPython disagree.
type fileMismatch struct {
	path, what string
}

// compareProject pairs the Go and CPython results of one project by path.
func compareProject(t *testing.T, gotFiles []spec.FileResult, want PythonProject) []fileMismatch {
	t.Helper()
	require.Nil(t, want.Error, "lift.py could not read project %s", want.Project)
	var out []fileMismatch
	py := map[string]PythonFile{}
	for _, f := range want.Files {
		py[f.Path] = f
	}
	for _, g := range gotFiles {
		w, ok := py[g.Path]
		if !ok {
			out = append(out, fileMismatch{g.Path, "found by the extractor, not by CPython's glob"})
			continue
		}
		delete(py, g.Path)
		what, err := CompareFile(g, w)
		require.NoError(t, err)
		if what != "" {
			out = append(out, fileMismatch{g.Path, what})
		}
	}
	for p := range py {
		out = append(out, fileMismatch{p, "found by CPython's glob, not by the extractor"})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out
}

// TestDifferentialCases runs the hand-written cases under two deployment
// types. Each known mismatch must show in its repro files, and only there.
func TestDifferentialCases(t *testing.T) {
	l := lifter(t)
	known, err := LoadKnown(knownFile)
	require.NoError(t, err)
	for _, dt := range []string{"dev", "main"} {
		t.Run(dt, func(t *testing.T) {
			py, err := l.Lift(context.Background(), []Project{{Dir: casesDir, DeploymentType: dt}})
			require.NoError(t, err)
			got := extract(t, casesDir, dt)
			require.NotEmpty(t, got)
			seen := map[string]*Known{}
			for _, m := range compareProject(t, got, py[0]) {
				k := Which(known, m.what)
				if k == nil || !contains(k.Cases, m.path) {
					t.Errorf("%s (deployment type %s): %s", m.path, dt, m.what)
					continue
				}
				seen[m.path] = k
				t.Logf("known mismatch %s in %s: %s", k.Name, m.path, k.Why)
			}
			for _, k := range known {
				for _, p := range k.Cases {
					if seen[p] != k {
						t.Errorf("known mismatch %s no longer shows in %s: if it is fixed, remove it from %s", k.Name, p, knownFile)
					}
				}
			}
		})
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func seed() (int64, error) {
	if *seedFlag != 0 {
		return *seedFlag, nil
	}
	if s := os.Getenv("FLOWPLAN_DIFF_SEED"); s != "" {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("FLOWPLAN_DIFF_SEED=%q: %w", s, err)
		}
		return v, nil
	}
	return defaultSeed, nil
}

// TestDifferentialGenerated runs the seeded generated cases. Replay one with
// go test ./extractor/differential -run TestDifferentialGenerated -seed=S -case=I -keep=DIR
func TestDifferentialGenerated(t *testing.T) {
	l := lifter(t)
	known, err := LoadKnown(knownFile)
	require.NoError(t, err)
	s, err := seed()
	require.NoError(t, err)
	var cases []Case
	if *caseFlag >= 0 {
		cases = []Case{Generate(s, *caseFlag)}
	} else {
		for i := 0; i < *countFlag; i++ {
			cases = append(cases, Generate(s, i))
		}
	}
	root := *keepFlag
	if root == "" {
		root = t.TempDir()
	}
	types := []string{"dev", "staging", "main"}
	var projects []Project
	byName := map[string]Case{}
	for start := 0; start < len(cases); start += casesPerProject {
		end := min(start+casesPerProject, len(cases))
		dir := filepath.Join(root, fmt.Sprintf("project-%03d", start/casesPerProject))
		require.NoError(t, WriteProject(dir, cases[start:end]))
		projects = append(projects, Project{Dir: dir, DeploymentType: types[(start/casesPerProject)%len(types)]})
		for _, c := range cases[start:end] {
			byName[filepath.Join(dir, "flows", c.Name)] = c
		}
	}

	began := time.Now()
	py, err := l.Lift(context.Background(), projects)
	require.NoError(t, err)
	pyTime := time.Since(began)

	began = time.Now()
	failures, statuses, knownCounts := 0, map[spec.Status]int{}, map[*Known]int{}
	for i, p := range projects {
		got := extract(t, p.Dir, p.DeploymentType)
		for _, f := range got {
			statuses[f.Status]++
		}
		for _, m := range compareProject(t, got, py[i]) {
			if k := Which(known, m.what); k != nil {
				knownCounts[k]++
				continue
			}
			failures++
			for _, k := range known {
				if knownCounts[k] > 0 {
					t.Logf("known mismatch %s: %d cases (%s)", k.Name, knownCounts[k], k.Why)
				} else if k.Generated && *caseFlag < 0 && *countFlag == defaultCount && s == defaultSeed {
					t.Errorf("known mismatch %s no longer shows in %d generated cases: if it is fixed, remove it from %s", k.Name, len(cases), knownFile)
				}
			}
			if failures > *showFlag {
				continue
			}
			c := byName[filepath.Join(p.Dir, filepath.FromSlash(m.path))]
			msg := fmt.Sprintf("case %d (seed %d, deployment type %s)", c.Index, s, p.DeploymentType)
			if c.Invalid != "" {
				msg += fmt.Sprintf(", made invalid: %s", c.Invalid)
			}
			msg += fmt.Sprintf(": %s\nreplay: go test ./extractor/differential -run TestDifferentialGenerated -seed=%d -case=%d -keep=/tmp/diffcase",
				m.what, s, c.Index)
			if failures <= 3 {
				msg += "\n--- " + m.path + "\n" + c.Source
				if c.ModuleName != "" {
					msg += "--- " + c.ModuleName + "\n" + c.ModuleSource
				}
			}
			t.Error(msg)
		}
	}
	goTime := time.Since(began)
	t.Logf("seed %d: %d cases in %d projects; statuses %v; %d mismatches; CPython %v, Go %v (GOMAXPROCS %d)",
		s, len(cases), len(projects), statuses, failures, pyTime.Round(time.Millisecond), goTime.Round(time.Millisecond), runtime.GOMAXPROCS(0))
	for _, k := range known {
		if knownCounts[k] > 0 {
			t.Logf("known mismatch %s: %d cases (%s)", k.Name, knownCounts[k], k.Why)
		} else if k.Generated && *caseFlag < 0 && *countFlag == defaultCount && s == defaultSeed {
			t.Errorf("known mismatch %s no longer shows in %d generated cases: if it is fixed, remove it from %s", k.Name, len(cases), knownFile)
		}
	}
	if failures > *showFlag {
		t.Errorf("%d more mismatches not shown (-show N shows more)", failures-*showFlag)
	}
	if *caseFlag < 0 && *countFlag >= 1000 {
		// the generator must keep exercising both outcomes
		require.Greater(t, statuses[spec.StatusOK], len(cases)/2, "too few valid cases: %v", statuses)
		require.Greater(t, statuses[spec.StatusError], len(cases)/20, "too few rejected cases: %v", statuses)
	}
	if strings.TrimSpace(*keepFlag) != "" {
		t.Logf("generated projects kept under %s", root)
	}
}
