package pyfmt

import (
	"fmt"
	"math/big"
	"strconv"
)

// percentArg is a typed Python value as testdata/gen.py encodes it.
type percentArg struct {
	Int   *string `json:"int"`
	Float *string `json:"float"`
	Str   *string `json:"str"`
	Bool  *bool   `json:"bool"`
}

// percentArgs is the right operand of %: a tuple or a mapping.
type percentArgs struct {
	Tuple []percentArg          `json:"tuple"`
	Map   map[string]percentArg `json:"map"`
}

func (a percentArg) typeName() string {
	switch {
	case a.Int != nil:
		return "int"
	case a.Float != nil:
		return "float"
	case a.Bool != nil:
		return "bool"
	}
	return "str"
}

func (a percentArg) bigInt() *big.Int {
	switch {
	case a.Bool != nil:
		if *a.Bool {
			return big.NewInt(1)
		}
		return big.NewInt(0)
	case a.Int != nil:
		i, _ := new(big.Int).SetString(*a.Int, 10)
		return i
	}
	return nil
}

func (a percentArg) float() float64 {
	f, _ := strconv.ParseFloat(*a.Float, 64)
	return f
}

// str is Python's str() of the argument.
func (a percentArg) str() string {
	switch {
	case a.Bool != nil:
		if *a.Bool {
			return "True"
		}
		return "False"
	case a.Int != nil:
		return *a.Int
	case a.Float != nil:
		return ReprFloat(a.float())
	}
	return *a.Str
}

// repr is Python's repr() of the argument.
func (a percentArg) repr() string {
	if a.Str != nil {
		return ReprStr(*a.Str)
	}
	return a.str()
}

// percentDriver is the loop the evaluator runs for `format % args`, written
// here over the test's own small value model, following the order of
// CPython's PyUnicode_Format.
func percentDriver(format string, args percentArgs) (string, error) {
	pieces, parseErr := ParsePercent(format)
	next := 0
	var current []percentArg
	if args.Map == nil {
		current = args.Tuple
	}
	nextArg := func() (percentArg, error) {
		if next >= len(current) {
			return percentArg{}, typeError("not enough arguments for format string")
		}
		next++
		return current[next-1], nil
	}
	var out []byte
	for _, p := range pieces {
		if p.Conv == nil {
			out = append(out, p.Literal...)
			continue
		}
		c := *p.Conv
		if c.HasKey {
			if args.Map == nil {
				return "", typeError("format requires a mapping")
			}
			v, ok := args.Map[c.MappingKey]
			if !ok {
				return "", &Error{Type: "KeyError", Msg: ReprStr(c.MappingKey)}
			}
			current, next = []percentArg{v}, 0
		}
		if c.StarWidth {
			w, err := nextArg()
			if err != nil {
				return "", err
			}
			if w.Int == nil {
				return "", typeError("* wants int")
			}
			c.SetWidth(w.bigInt().Int64())
		}
		if c.StarPrec {
			w, err := nextArg()
			if err != nil {
				return "", err
			}
			if w.Int == nil {
				return "", typeError("* wants int")
			}
			if err := c.SetPrec(w.bigInt()); err != nil {
				return "", err
			}
		}
		v, err := nextArg()
		if err != nil {
			return "", err
		}
		if err := c.VerbError(); err != nil {
			return "", err
		}
		s, err := convert(&c, v)
		if err != nil {
			return "", err
		}
		out = append(out, s...)
	}
	if parseErr != nil {
		return "", parseErr
	}
	if args.Map == nil && next < len(args.Tuple) {
		return "", typeError("not all arguments converted during string formatting")
	}
	return string(out), nil
}

func convert(c *PercentConv, v percentArg) (string, error) {
	switch c.Verb {
	case 's':
		return c.PercentStr(v.str())
	case 'r':
		return c.PercentStr(v.repr())
	case 'a':
		if v.Str != nil {
			return c.PercentStr(ASCII(*v.Str))
		}
		return c.PercentStr(v.str())
	case 'd', 'i', 'u':
		switch {
		case v.Float != nil:
			i, err := TruncateFloat(v.float())
			if err != nil {
				return "", err
			}
			return c.PercentInt(i)
		case v.Str != nil:
			return "", typeError("%%%c format: a real number is required, not str", c.Verb)
		}
		return c.PercentInt(v.bigInt())
	case 'o', 'x', 'X':
		if v.Int == nil && v.Bool == nil {
			return "", typeError("%%%c format: an integer is required, not %s", c.Verb, v.typeName())
		}
		return c.PercentInt(v.bigInt())
	case 'e', 'E', 'f', 'F', 'g', 'G':
		switch {
		case v.Str != nil:
			return "", typeError("must be real number, not str")
		case v.Float != nil:
			return c.PercentFloat(v.float())
		}
		f, err := IntToFloat(v.bigInt())
		if err != nil {
			return "", err
		}
		return c.PercentFloat(f)
	case 'c':
		if v.Str != nil {
			rs := []rune(*v.Str)
			if len(rs) != 1 {
				return "", typeError("%%c requires int or char")
			}
			return c.PercentChar(rs[0])
		}
		i := v.bigInt()
		if !i.IsInt64() || i.Int64() < 0 || i.Int64() > 0x10FFFF {
			return "", overflowError("%%c arg not in range(0x110000)")
		}
		return c.PercentChar(rune(i.Int64()))
	}
	return "", fmt.Errorf("verb %q passed VerbError but has no conversion", c.Verb)
}
