//go:build !unix

package docker

import "os/exec"

// configureProcess keeps os/exec's default: the program is killed when the
// context ends.
func configureProcess(*exec.Cmd) {}
