// Command sleeper makes an image build take as long as a test asks: it
// reads a number of seconds from the file named by its argument and sleeps
// that long, leaving early on SIGTERM (as PID 1 of a build container it
// would otherwise ignore the signal). It is built statically, so that a
// Dockerfile FROM scratch can RUN it without a shell.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: sleeper FILE (holding a number of seconds)")
		os.Exit(2)
	}
	raw, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "sleeper:", err)
		os.Exit(1)
	}
	seconds, err := strconv.Atoi(strings.TrimSpace(string(raw)))
	if err != nil || seconds < 0 {
		fmt.Fprintf(os.Stderr, "sleeper: %s does not hold a number of seconds\n", os.Args[1])
		os.Exit(1)
	}
	fmt.Printf("sleeper: building for %d s\n", seconds)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	select {
	case <-time.After(time.Duration(seconds) * time.Second):
	case s := <-stop:
		fmt.Println("sleeper: stopped by", s)
		os.Exit(1)
	}
}
