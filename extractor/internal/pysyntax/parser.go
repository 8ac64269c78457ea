package pysyntax

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"unsafe"

	ts "github.com/tree-sitter/go-tree-sitter"
	tspython "github.com/tree-sitter/tree-sitter-python/bindings/go"

	"github.com/flowplan/flowplan/extractor/diag"
)

// Parser parses Python files. A Parser is not safe for concurrent use: keep
// one per goroutine (a sync.Pool of Parsers works well).
type Parser struct {
	lang  *ts.Language
	arena arena   // the native memory of the latest parse
	slab  []tnode // conversion's scratch space (see converter.alloc)
	prune pruning // what parses leave out (see PSPrune in native.h)
	k     kinds
	f     fields
	limit int
	flag  *uintptr // tree-sitter's cancellation flag, in C memory

	cleanup runtime.Cleanup
}

// nativeParser is what a Parser owns in C memory.
type nativeParser struct {
	arena arena
	flag  *uintptr
}

func (n nativeParser) free() {
	n.arena.free()
	freeFlag(n.flag)
}

// NewParser creates a parser. Close it when done.
func NewParser() (*Parser, error) {
	installAllocator()
	lang := ts.NewLanguage(tspython.Language())
	if v := lang.AbiVersion(); v < ts.MIN_COMPATIBLE_LANGUAGE_VERSION || v > ts.LANGUAGE_VERSION {
		return nil, fmt.Errorf("loading the tree-sitter Python grammar: ABI version %d is not supported", v)
	}
	native := nativeParser{arena: newArena(), flag: newFlag()}
	pp := &Parser{lang: lang, arena: native.arena, k: newKinds(lang), f: newFields(lang), limit: maxDepth, flag: native.flag}
	pp.prune = pruning{functionDefinition: pp.k.funcDef, body: pp.f.body, comment: pp.k.comment, lineContinuation: pp.k.lineContinuation}
	// A Parser dropped without Close (say, by a sync.Pool) still frees
	// its native memory.
	pp.cleanup = runtime.AddCleanup(pp, nativeParser.free, native)
	return pp, nil
}

// Close frees the parser's native resources.
func (p *Parser) Close() {
	if p.flag != nil {
		p.cleanup.Stop()
		nativeParser{arena: p.arena, flag: p.flag}.free()
		p.arena = arena{}
		p.flag = nil
	}
}

// noKind is a node kind no node has: a pruning with it prunes nothing.
const noKind = 0xffff

// maxDepth bounds the nesting of the converted tree: deeper sources are
// refused with a diagnostic rather than exhausting the stack.
const maxDepth = 400

// Parse parses the bytes of a Python file, read as CPython reads them
// (PrepareSource). Syntax errors are returned as diagnostics; the File is
// nil when the source has any, because then no statement can be trusted.
// An error is returned only when ctx is cancelled.
func (p *Parser) Parse(ctx context.Context, path string, src []byte) (*File, diag.List, error) {
	return p.parse(ctx, path, src, false)
}

// ParseFull is Parse that also converts the bodies of functions and
// lambdas, for code that runs them. It costs more than Parse, which leaves
// them out.
func (p *Parser) ParseFull(ctx context.Context, path string, src []byte) (*File, diag.List, error) {
	return p.parse(ctx, path, src, true)
}

func (p *Parser) parse(ctx context.Context, path string, src []byte, full bool) (*File, diag.List, error) {
	// Cancellation goes through tree-sitter's flag, which the parser polls
	// natively; a Go progress callback would cost a cgo round trip every
	// hundred parser operations. context.AfterFunc runs nothing unless ctx
	// is cancelled, where a watcher goroutine per parse woke a thread or
	// two per file.
	text, lineEnds, diags := PrepareSource(path, src)
	if len(diags) > 0 {
		return nil, diags, nil
	}
	atomic.StoreUintptr(p.flag, 0)
	cancelled := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		atomic.StoreUintptr(p.flag, 1)
		close(cancelled)
	})
	// A cancellation that has begun must be over before the parser is
	// reused, or it would stop someone else's parse.
	defer func() {
		if !stop() {
			<-cancelled
		}
	}()
	// The parser only reads the text, so it gets the string's own bytes.
	prune := p.prune
	if full {
		prune = pruning{functionDefinition: noKind, comment: p.prune.comment, lineContinuation: p.prune.lineContinuation}
	}
	nodes, ok := p.arena.parse(tspython.Language(), unsafe.Slice(unsafe.StringData(text), len(text)), p.flag, prune)
	if !ok || ctx.Err() != nil {
		if err := ctx.Err(); err != nil {
			return nil, nil, fmt.Errorf("parsing %s: %w", path, err)
		}
		return nil, nil, fmt.Errorf("parsing %s: tree-sitter returned no tree", path)
	}

	f := &File{Path: path, Src: text}
	f.lines = lineStarts(f.Src)
	c := &converter{p: p, f: f, nodes: nodes, slab: p.slab[:0], full: full}
	defer func() { p.slab = c.slab[:0] }()
	root := c.node(0)
	if nodes[0].flags&flagHasError != 0 {
		c.syntaxErrors(root)
		c.diags.Sort()
		return nil, c.diags, nil
	}
	f.Stmts = c.block(root, 0)
	grammarChecker{c: c, lineEnds: lineEnds}.stmts(f.Stmts)
	if len(c.diags) > 0 {
		c.diags.Sort()
		return nil, c.diags, nil
	}
	return f, nil, nil
}
