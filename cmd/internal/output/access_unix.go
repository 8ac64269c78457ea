//go:build unix

package output

import "syscall"

// canWrite asks access(2), which sees read-only file systems and
// permissions as the kernel will apply them to this process (root
// included), whether dir can take a new file.
func canWrite(dir string) error {
	return syscall.Access(dir, 2 /* W_OK */)
}
