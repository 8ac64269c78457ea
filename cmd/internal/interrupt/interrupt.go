// Package interrupt turns SIGINT (Ctrl-C) and SIGTERM into the
// cancellation of a command's context, and into the shell's exit codes:
// 130 after SIGINT, 143 after SIGTERM. A second signal ends the process at
// once.
package interrupt

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Signal is the cause of a context cancelled by a signal.
type Signal struct {
	Sig os.Signal
}

func (s *Signal) Error() string { return "interrupted by " + name(s.Sig) }

// ExitCode is 128 plus the signal number, as shells report it.
func (s *Signal) ExitCode() int {
	if n, ok := s.Sig.(syscall.Signal); ok {
		return 128 + int(n)
	}
	return 130
}

func name(sig os.Signal) string {
	switch sig {
	case os.Interrupt:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return sig.String()
}

// Context returns a context cancelled, with a *Signal as its cause, by
// the first SIGINT or SIGTERM; the second one exits the process at once
// with the signal's code, saying so on stderr. stop releases the signals.
func Context(parent context.Context, stderr io.Writer, program string) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-sigs:
			cause := &Signal{Sig: sig}
			fmt.Fprintf(stderr, "%s: %s: stopping: no new work is started, work in flight is cancelled (again to exit at once)\n", program, cause.Error())
			cancel(cause)
			select {
			case sig := <-sigs:
				again := &Signal{Sig: sig}
				fmt.Fprintf(stderr, "%s: %s again: exiting now\n", program, name(sig))
				os.Exit(again.ExitCode())
			case <-done:
			}
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		cancel(nil)
	}
}

// ExitCode returns the exit code a signal that cancelled ctx calls for,
// and whether there was one.
func ExitCode(ctx context.Context) (int, bool) {
	var s *Signal
	if errors.As(context.Cause(ctx), &s) {
		return s.ExitCode(), true
	}
	return 0, false
}
