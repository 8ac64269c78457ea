package pysyntax

import (
	"context"
	"fmt"
	"sync/atomic"

	ts "github.com/tree-sitter/go-tree-sitter"
	tspython "github.com/tree-sitter/tree-sitter-python/bindings/go"

	"github.com/flowplan/flowplan/extractor/diag"
)

// Parser parses Python files. A Parser is not safe for concurrent use: keep
// one per goroutine (a sync.Pool of Parsers works well).
type Parser struct {
	ts    *ts.Parser
	k     kinds
	f     fields
	cur   *ts.TreeCursor
	buf   []tnode
	limit int
}

// NewParser creates a parser. Close it when done.
func NewParser() (*Parser, error) {
	lang := ts.NewLanguage(tspython.Language())
	p := ts.NewParser()
	if err := p.SetLanguage(lang); err != nil {
		p.Close()
		return nil, fmt.Errorf("loading the tree-sitter Python grammar: %w", err)
	}
	return &Parser{ts: p, k: newKinds(lang), f: newFields(lang), limit: maxDepth}, nil
}

// Close frees the parser's native resources.
func (p *Parser) Close() {
	if p.ts != nil {
		p.ts.Close()
		p.ts = nil
	}
}

// maxDepth bounds the nesting of the converted tree: deeper sources are
// refused with a diagnostic rather than exhausting the stack.
const maxDepth = 400

// chunk is how much source the parser is handed at a time.
const chunk = 1 << 16

// Parse parses src. Syntax errors are returned as diagnostics; the File is
// nil when the source has any, because then no statement can be trusted.
// An error is returned only when ctx is cancelled.
func (p *Parser) Parse(ctx context.Context, path string, src []byte) (*File, diag.List, error) {
	var cancelled atomic.Bool
	opts := &ts.ParseOptions{ProgressCallback: func(ts.ParseState) bool {
		if ctx.Err() != nil {
			cancelled.Store(true)
			return true
		}
		return false
	}}
	n := len(src)
	tree := p.ts.ParseWithOptions(func(i int, _ ts.Point) []byte {
		if i >= n {
			return nil
		}
		end := i + chunk
		if end > n {
			end = n
		}
		return src[i:end]
	}, nil, opts)
	if tree == nil || cancelled.Load() {
		p.ts.Reset()
		if tree != nil {
			tree.Close()
		}
		if err := ctx.Err(); err != nil {
			return nil, nil, fmt.Errorf("parsing %s: %w", path, err)
		}
		return nil, nil, fmt.Errorf("parsing %s: tree-sitter returned no tree", path)
	}
	defer tree.Close()

	f := &File{Path: path, Src: string(src)}
	f.lines = lineStarts(f.Src)
	root := tree.RootNode()
	cur := root.Walk()
	defer cur.Close()
	c := &converter{p: p, f: f, cur: cur}
	if root.HasError() {
		c.syntaxErrors(root)
		c.diags.Sort()
		return nil, c.diags, nil
	}
	f.Stmts = c.block(root, 0)
	if len(c.diags) > 0 {
		c.diags.Sort()
		return nil, c.diags, nil
	}
	return f, nil, nil
}

// ParseFile is a convenience for one-off parsing with a fresh parser.
func ParseFile(ctx context.Context, path string, src []byte) (*File, diag.List, error) {
	p, err := NewParser()
	if err != nil {
		return nil, nil, err
	}
	defer p.Close()
	return p.Parse(ctx, path, src)
}
