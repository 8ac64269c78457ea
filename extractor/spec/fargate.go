package spec

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// FargateSize is one task size AWS Fargate runs: CPU units and the memory
// values (MiB) it may be paired with.
type FargateSize struct {
	CPU    int
	Memory []int
}

// fargateSizes lists what Fargate accepts (built once, never changed) for a task's cpu and memory (the
// "Task CPU and memory" table of the Amazon ECS developer guide, Linux
// platform 1.4.0): every other pair is refused by RunTask, so a deployment
// that overrides cpu and memory with one fails at every run.
var fargateSizes = sync.OnceValue(func() []FargateSize {
	steps := func(from, to, step int) []int {
		var out []int
		for m := from; m <= to; m += step {
			out = append(out, m)
		}
		return out
	}
	return []FargateSize{
		{256, []int{512, 1024, 2048}},
		{512, steps(1024, 4096, 1024)},
		{1024, steps(2048, 8192, 1024)},
		{2048, steps(4096, 16384, 1024)},
		{4096, steps(8192, 30720, 1024)},
		{8192, steps(16384, 61440, 4096)},
		{16384, steps(32768, 122880, 8192)},
	}
})

// CheckFargate tells whether cpu and memory, as a deployment hands them to
// ECS (CPU units and MiB, written as decimal integers: "1024"), are a pair
// Fargate runs. For a pair it refuses, wrong names the value at fault
// ("cpu" or "memory") and msg says why, listing the valid values; both are
// "" for a valid pair.
func CheckFargate(cpu, memory string) (wrong, msg string) {
	sizes := fargateSizes()
	c, ok := units(cpu)
	if !ok {
		return "cpu", fmt.Sprintf("cpu %q is not a number of CPU units; Fargate takes one of %s", cpu, cpuList(sizes))
	}
	var size *FargateSize
	for i := range sizes {
		if sizes[i].CPU == c {
			size = &sizes[i]
		}
	}
	if size == nil {
		return "cpu", fmt.Sprintf("cpu %q is not a Fargate task size; Fargate takes one of %s", cpu, cpuList(sizes))
	}
	m, ok := units(memory)
	if !ok {
		return "memory", fmt.Sprintf("memory %q is not a number of MiB; with cpu %q Fargate takes one of %s", memory, cpu, memoryList(size))
	}
	for _, valid := range size.Memory {
		if valid == m {
			return "", ""
		}
	}
	return "memory", fmt.Sprintf("memory %q does not go with cpu %q on Fargate, which takes one of %s", memory, cpu, memoryList(size))
}

// units reads a decimal integer as ECS reads the number it is sent: ASCII
// digits only, no sign, spaces, separators, units or leading zeros.
func units(s string) (int, bool) {
	if s == "" || len(s) > 7 || (len(s) > 1 && s[0] == '0') {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

func cpuList(sizes []FargateSize) string {
	out := make([]string, len(sizes))
	for i, s := range sizes {
		out[i] = strconv.Itoa(s.CPU)
	}
	return strings.Join(out, ", ")
}

func memoryList(size *FargateSize) string {
	out := make([]string, len(size.Memory))
	for i, m := range size.Memory {
		out[i] = strconv.Itoa(m)
	}
	return strings.Join(out, ", ")
}
