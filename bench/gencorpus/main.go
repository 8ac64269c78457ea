// Command gencorpus writes a synthetic benchmark project: gencorpus DIR [N].
package main

import (
	"fmt"
	"os"
	"strconv"

	"github.com/flowplan/flowplan/bench/corpus"
)

func main() {
	if len(os.Args) < 2 || len(os.Args) > 3 {
		fmt.Fprintln(os.Stderr, "usage: gencorpus DIR [N]   (N flow files, default 1000)")
		os.Exit(2)
	}
	n := 1000
	if len(os.Args) == 3 {
		v, err := strconv.Atoi(os.Args[2])
		if err != nil || v < 1 {
			fmt.Fprintf(os.Stderr, "gencorpus: N must be a positive number, got %q\n", os.Args[2])
			os.Exit(2)
		}
		n = v
	}
	if err := corpus.Write(os.Args[1], n); err != nil {
		fmt.Fprintf(os.Stderr, "gencorpus: %v\n", err)
		os.Exit(1)
	}
}
