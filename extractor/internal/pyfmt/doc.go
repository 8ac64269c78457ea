// Package pyfmt reproduces CPython's text formatting of primitive values
// exactly: repr() and ascii() of str, bytes and float, the format
// mini-language of format()/f-strings/str.format for int, bool, float and str,
// str.format templates (ParseTemplate, AutoNumber.SplitFieldName), and
// printf-style %-formatting one conversion at a time (ParsePercent).
//
// It works on Go primitives (*big.Int, float64, string), never on the
// evaluator's value model, and never runs Python. The behaviour follows
// CPython 3.11 (Objects/unicodeobject.c, Python/formatter_unicode.c,
// Python/pystrtod.c); errors carry Python's exception type and message text.
//
// Two deliberate limits: a width or precision above MaxWidth is refused with
// an error instead of building a huge string, and "printable" (which decides
// what repr escapes) follows the Unicode tables of the Go toolchain, which
// may be a newer Unicode version than a given Python's.
package pyfmt

import "fmt"

// MaxWidth is the largest width or precision this package will honour.
// Python would try to build the string; flowplan refuses it as a resource
// limit with a precise error.
const MaxWidth = 1 << 20

// Error is a Python exception raised by a formatting operation: Type is the
// exception class name (ValueError, TypeError, OverflowError) and Msg is
// CPython's message text, verbatim.
type Error struct {
	Type string
	Msg  string
}

func (e *Error) Error() string { return e.Type + ": " + e.Msg }

func valueError(format string, args ...any) error {
	return &Error{Type: "ValueError", Msg: fmt.Sprintf(format, args...)}
}

func typeError(format string, args ...any) error {
	return &Error{Type: "TypeError", Msg: fmt.Sprintf(format, args...)}
}

func overflowError(format string, args ...any) error {
	return &Error{Type: "OverflowError", Msg: fmt.Sprintf(format, args...)}
}

// LimitExceeded is the Error.Type of the errors this package reports for
// widths and precisions above MaxWidth; it is not a Python exception.
const LimitExceeded = "LimitExceeded"

func limitError(what string, n int64) error {
	return &Error{Type: LimitExceeded, Msg: fmt.Sprintf("format %s %d exceeds flowplan's limit of %d", what, n, MaxWidth)}
}
