// Package fakedocker locates the repository's fake docker program
// (testdata/fakedocker/docker) and reads the log it writes, for tests of
// code that runs docker.
//
// The script appends one JSON line per invocation to the file named by
// FAKE_DOCKER_LOG; FAKE_DOCKER_FAIL (comma-separated subcommands),
// FAKE_DOCKER_EXIT and FAKE_DOCKER_SLEEP make it fail or wait.
package fakedocker

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// Call is one recorded invocation of the fake docker program.
type Call struct {
	// Args are the arguments after the program name.
	Args []string `json:"args"`
	// Stdin is what the program read from standard input (only read for
	// login --password-stdin).
	Stdin string `json:"stdin"`
	// Dir is the working directory it ran in.
	Dir string `json:"dir"`
}

// Path returns the absolute path of the fake docker script.
func Path() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", errors.New("fakedocker: cannot locate the package source")
	}
	p := filepath.Join(filepath.Dir(file), "..", "..", "..", "testdata", "fakedocker", "docker")
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("fakedocker: %w", err)
	}
	return p, nil
}

// ReadLog reads the calls recorded in the log file at path, in order. A
// missing file means no calls.
func ReadLog(path string) ([]Call, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("fakedocker: reading log: %w", err)
	}
	var calls []Call
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	for n := 1; sc.Scan(); n++ {
		var c Call
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c); err != nil {
			return nil, fmt.Errorf("fakedocker: %s:%d: %w", path, n, err)
		}
		calls = append(calls, c)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("fakedocker: reading log: %w", err)
	}
	return calls, nil
}
