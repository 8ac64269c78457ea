//go:build unix

package docker

import (
	"os/exec"
	"syscall"
)

// configureProcess runs the program in its own process group and, when the
// context ends, kills the whole group, so that children holding the output
// pipes (docker's helpers, a script's sleep) end with it.
func configureProcess(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
