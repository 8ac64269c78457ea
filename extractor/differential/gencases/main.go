// Command gencases writes the differential test's generated flow-file
// projects to a directory, for inspection or to run lift.py or
// flowspec-extract on them by hand:
//
//	go run ./extractor/differential/gencases -seed 1 -n 2000 -o /tmp/cases
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/flowplan/flowplan/extractor/differential"
)

func main() {
	seed := flag.Int64("seed", 1, "generator seed")
	n := flag.Int("n", 2000, "number of cases")
	per := flag.Int("per-project", 100, "cases per project directory")
	out := flag.String("o", "", "output directory (required)")
	flag.Parse()
	if *out == "" || *per <= 0 {
		fmt.Fprintln(os.Stderr, "usage: gencases -o DIR [-seed N] [-n N] [-per-project N]")
		os.Exit(2)
	}
	for start := 0; start < *n; start += *per {
		var cases []differential.Case
		for i := start; i < min(start+*per, *n); i++ {
			cases = append(cases, differential.Generate(*seed, i))
		}
		dir := filepath.Join(*out, fmt.Sprintf("project-%03d", start / *per))
		if err := differential.WriteProject(dir, cases); err != nil {
			fmt.Fprintln(os.Stderr, "gencases:", err)
			os.Exit(1)
		}
	}
}
