package eval

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cpythonOracle is a python3 process that compiles and runs sources sent
// to it, as the import system would read them from a file: decoding (PEP
// 263, BOM), line endings and the tokenizer's limits all apply. It answers
// with the SyntaxError's line, or with repr(R) when the source binds R.
type cpythonOracle struct {
	mu  sync.Mutex
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Reader
}

const oracleScript = `
import importlib.util, json, os, struct, sys, tempfile
d = tempfile.mkdtemp()
path = os.path.join(d, "case_flow.py")
while True:
    head = sys.stdin.buffer.read(4)
    if len(head) < 4:
        break
    src = sys.stdin.buffer.read(struct.unpack(">I", head)[0])
    with open(path, "wb") as f:
        f.write(src)
    out = {}
    try:
        code = compile(open(path, "rb").read(), path, "exec")
        try:
            ns = {"__name__": "case"}
            exec(code, ns)
            if "R" in ns:
                out["repr"] = repr(ns["R"])
        except Exception as e:
            out["runtime"] = type(e).__name__
    except (SyntaxError, ValueError) as e:
        out["syntax"] = type(e).__name__
        out["line"] = getattr(e, "lineno", 0) or 0
        out["msg"] = str(getattr(e, "msg", e))
    sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()
`

type oracleAnswer struct {
	Syntax  string `json:"syntax"`
	Line    int    `json:"line"`
	Msg     string `json:"msg"`
	Repr    string `json:"repr"`
	Runtime string `json:"runtime"`
}

func newOracle(t testing.TB) *cpythonOracle {
	t.Helper()
	cmd := exec.Command("python3", "-c", oracleScript)
	in, err := cmd.StdinPipe()
	require.NoError(t, err)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start(), "python3 is needed: CPython is the reference for source reading")
	t.Cleanup(func() {
		_ = in.Close()
		_ = cmd.Wait()
	})
	return &cpythonOracle{cmd: cmd, in: in, out: bufio.NewReader(out)}
}

func (o *cpythonOracle) ask(t testing.TB, src []byte) oracleAnswer {
	o.mu.Lock()
	defer o.mu.Unlock()
	var head [4]byte
	binary.BigEndian.PutUint32(head[:], uint32(len(src)))
	_, err := o.in.Write(append(head[:], src...))
	require.NoError(t, err)
	line, err := o.out.ReadString('\n')
	require.NoError(t, err)
	var a oracleAnswer
	require.NoError(t, json.Unmarshal([]byte(line), &a))
	return a
}

// evalSource evaluates src as a flow file and renders R, or says which
// syntax error (and line) or exception stopped it.
func evalSource(t *testing.T, in *Interpreter, src []byte) (repr string, syntaxLine int, exc string) {
	t.Helper()
	s := newSession(context.Background(), in)
	f, diags, err := in.parse(context.Background(), "case_flow.py", src)
	require.NoError(t, err)
	if len(diags) > 0 {
		return "", diags[0].Pos.Line, ""
	}
	m := s.newModule(f, src, "case", "")
	if e := s.run(m); e != nil {
		return "", 0, e.Type
	}
	v, ok := m.ns.get("R")
	if !ok {
		return "", 0, ""
	}
	return m.repr(f.Stmts[len(f.Stmts)-1], v), 0, ""
}

// TestSourceReadingMatchesCPython: files are read as CPython reads them, and
// CPython (python3, run by the test) gives every expected answer.
func TestSourceReadingMatchesCPython(t *testing.T) {
	oracle := newOracle(t)
	in := New(Options{Getenv: testEnv})
	nested := func(n int, open, close string) string {
		return "R = " + strings.Repeat(open, n) + "1" + strings.Repeat(close, n) + "\n"
	}
	indented := func(levels int) string {
		var b strings.Builder
		b.WriteString("if 1:\n")
		for i := 1; i < levels; i++ {
			b.WriteString(strings.Repeat(" ", i) + "if 1:\n")
		}
		b.WriteString(strings.Repeat(" ", levels) + "R = 1\n")
		return b.String()
	}
	cases := []struct{ name, src string }{
		{"latin-1 declared", "# -*- coding: latin-1 -*-\nR = \"Z\xfcrich\"\n"},
		{"iso-8859-1 on line 2", "#!/usr/bin/env python\n# coding=iso-8859-1\nR = '\xe9t\xe9'\n"},
		{"declaration after a blank line", "\n# coding: latin-1\nR = '\xfc'\n"},
		{"declaration after code is ignored", "x = 1\n# coding: latin-1\nR = '\xfc'\n"},
		{"declaration in a code line is ignored", "import os  # coding: latin-1\nR = '\xfc'\n"},
		{"cp1252 euro sign", "# vim: set fileencoding=cp1252 :\nR = '\x80 \x93q\x94'\n"},
		{"cp1252 undefined byte", "# coding: cp1252\nR = '\x81'\n"},
		{"iso-8859-15 euro sign", "# coding: iso-8859-15\nR = '\xa4'\n"},
		{"windows-1252 alias", "# coding: windows-1252\nR = '\x9c'\n"},
		{"utf8 alias with latin-1 bytes", "# coding=utf8\nR = '\xfc'\n"},
		{"ascii declared, non-ascii byte", "# coding: ascii\nR = '\xc3\xa9'\n"},
		{"ascii declared, ascii text", "# coding: ascii\nR = 'plain'\n"},
		{"invalid utf-8, no declaration", "R = \"Z\xfcrich\"\n"},
		{"invalid utf-8 in a comment", "# caf\xe9\nR = 1\n"},
		{"invalid utf-8 in a trailing comment", "R = 1  # caf\xe9\n"},
		{"invalid utf-8 in a name", "caf\xe9 = 1\nR = 1\n"},
		{"invalid utf-8 after a comment line", "# ok\nR = 'caf\xe9'\n"},
		{"unknown encoding", "# coding: foobar\nR = 1\n"},
		{"utf-8 BOM", "\xef\xbb\xbfR = 'ok'\n"},
		{"BOM with utf-8 declaration", "\xef\xbb\xbf# coding: utf-8\nR = '\xc3\xa9'\n"},
		{"BOM with a latin-1 declaration", "\xef\xbb\xbf# coding: latin-1\nR = 1\n"},
		{"BOM inside a string is kept", "R = '\xef\xbb\xbfa'\n"},
		{"CR line endings", "x = 1\ry = 2\rR = x + y\r"},
		{"CRLF line endings", "x = 1\r\nR = [x,\r\n  2]\r\n"},
		{"CRLF inside a triple-quoted string", "R = \"\"\"a\r\nb\rc\"\"\"\r\n"},
		{"mixed line endings", "a = 1\rb = 2\r\nc = 3\nR = (a, b, c)\n"},
		{"200 nested parentheses", nested(200, "(", ")")},
		{"201 nested parentheses", nested(201, "(", ")")},
		{"201 nested brackets", nested(201, "[", "]")},
		{"201 mixed brackets", "R = " + strings.Repeat("([{", 67) + "1" + strings.Repeat("}])", 67) + "\n"},
		{"brackets in strings do not nest", "R = '" + strings.Repeat("(", 300) + "'\n"},
		{"brackets in comments do not nest", "# " + strings.Repeat("[", 300) + "\nR = 2\n"},
		{"99 indentation levels", indented(98)},
		{"100 indentation levels", indented(99)},
		{"blank lines do not count as indentation", "if 1:\n" + strings.Repeat(" ", 150) + "\n    R = 3\n"},
		{"a bracket closed mid-line", "def f():\n    x = g(\n        1\n    )(2)\n    y = 3\n\n    # c\n    z = (\n  1)\nR = 1\n"},
		{"a dedent after brackets", "if 1:\n    R = [\n1,\n        2]\nR = R + [3]\n"},
		{"a block opened after a continuation", "if 1 and \\\n   2:\n    R = 4\n"},
		{"a colon in a comment does not open a block", "x = 1  # note:\nR = x\n"},
		{"a colon in a string does not open a block", "x = 'a:'\nR = x\n"},
		{"a block after a comment line", "if 1:\n    # first\n    R = 5\n"},
		{"an unexpected indent mid-file", "x = 1\n    R = 2\n"},
		{"an unindent to no outer level", "if 1:\n        x = 1\n    R = 2\n"},
		{"tabs against spaces", "if 1:\n\tx = 1\n        R = 2\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			py := oracle.ask(t, []byte(tc.src))
			repr, line, exc := evalSource(t, in, []byte(tc.src))
			if py.Syntax != "" {
				require.NotZero(t, line, "CPython refuses this source (%s: %s); the extractor read it (R = %s)", py.Syntax, py.Msg, repr)
				if py.Line > 0 {
					assert.Equal(t, py.Line, line, "line of the syntax error (CPython: %s)", py.Msg)
				}
				return
			}
			require.Zero(t, line, "CPython reads this source; the extractor refused it")
			require.Empty(t, exc)
			assert.Equal(t, py.Repr, repr)
		})
	}
}

// FuzzSourceBytes feeds arbitrary bytes to the parser and the evaluator,
// which must never panic or hang. The same bytes also drive a source built
// around what CPython's reading of a file decides (an encoding declaration
// or byte order mark, line endings, bytes inside a string literal, bracket
// nesting and indentation depth), and there the extractor must accept
// exactly what CPython (python3, run by the test) accepts, and read the
// same string. Arbitrary bytes alone reach tree-sitter's grammar, which
// accepts a few things CPython refuses; pysyntax refuses the ones found so
// far, and the README lists the parser's known limits.
func FuzzSourceBytes(f *testing.F) {
	for _, seed := range []string{
		"# -*- coding: latin-1 -*-\nR = \"Z\xfcrich\"\n",
		"\xef\xbb\xbf# coding: utf-8\nR = 1\r\n",
		"\xef\xbb\xbf# coding: cp1252\nR = '\x80'\n",
		"R = \"\xfc\"\n",
		"x = 1\ry = (2,\r3)\rR = x\r",
		"R = " + strings.Repeat("(", 199) + "1" + strings.Repeat(")", 199) + "\n",
		"R = f'{" + strings.Repeat("(", 10) + "1" + strings.Repeat(")", 10) + "}'\n",
		"# coding: ascii\nR = 'a'\n",
		"R = '''a\r\nb'''\n",
		"if 1:\n\tif 1:\n\t\tR = 1\n",
		"\x00\x01\x02\xc8\xff\x7f\x80",
		"\x01\x02\x00\x07\x01Z\xc3\xbcrich \x80\x93",
	} {
		f.Add([]byte(seed))
	}
	oracle := newOracle(f)
	in := New(Options{Getenv: testEnv})
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		for _, src := range [][]byte{data, sourceFrom(data)} {
			start := time.Now()
			r := in.EvalFile(ctx, "fuzz_flow.py", src)
			if time.Since(start) > 10*time.Second {
				t.Fatalf("evaluation took %v", time.Since(start))
			}
			for _, d := range r.Diags {
				if strings.Contains(d.Msg, "internal error") {
					t.Fatalf("evaluator panicked: %s", d.Msg)
				}
			}
		}
		src := sourceFrom(data)
		py := oracle.ask(t, src)
		repr, line, _ := evalSource(t, in, src)
		switch {
		case py.Syntax != "" && line == 0:
			t.Fatalf("CPython refuses this source (%s at line %d: %s); the extractor read it:\n%q", py.Syntax, py.Line, py.Msg, src)
		case py.Syntax == "" && line != 0:
			t.Fatalf("CPython reads this source; the extractor refused it at line %d:\n%q", line, src)
		case py.Syntax == "" && py.Runtime == "" && py.Repr != repr:
			t.Fatalf("R is %s for CPython, %s for the extractor:\n%q", py.Repr, repr, src)
		}
	})
}

// sourceFrom builds a source whose reading depends on what CPython's
// tokenizer decides, from fuzz bytes: the first bytes pick a byte order
// mark, an encoding declaration, a line ending, a bracket depth and an
// indentation; the rest go, raw, into a string literal bound to R.
func sourceFrom(data []byte) []byte {
	pick := func(i int) byte {
		if i < len(data) {
			return data[i]
		}
		return 0
	}
	decls := []string{"", "# -*- coding: latin-1 -*-", "# coding=utf-8", "# coding: cp1252",
		"# vim: set fileencoding=iso-8859-15 :", "# coding: ascii", "# coding: utf8", "#!/bin/python\n# coding: latin-1"}
	ends := []string{"\n", "\r\n", "\r"}
	var b strings.Builder
	if pick(0)&1 == 1 {
		b.WriteString("\xef\xbb\xbf")
	}
	nl := ends[int(pick(2))%len(ends)]
	if d := decls[int(pick(1))%len(decls)]; d != "" {
		b.WriteString(strings.ReplaceAll(d, "\n", nl) + nl)
	}
	depth := int(pick(3)) % 210
	indent := int(pick(4)) % 4
	body := ""
	if len(data) > 5 {
		body = strings.NewReplacer("'", "", "\\", "", "\n", "", "\r", "").Replace(string(data[5:]))
	}
	b.WriteString("if 1:" + nl)
	b.WriteString(strings.Repeat(" ", 4+indent) + "x = " + strings.Repeat("(", depth) + "'" + body + "'" + strings.Repeat(")", depth) + nl)
	b.WriteString("R = x" + nl)
	return []byte(b.String())
}
