//go:build !unix

package extractor

import "os"

func readFile(name string, _ []byte) ([]byte, error) { return os.ReadFile(name) }
