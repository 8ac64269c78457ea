package pysyntax

/*
#include <stdlib.h>
#include "native.h"
#include "tsapi.h"
*/
import "C"

import (
	"sync"
	"unsafe"

	ts "github.com/tree-sitter/go-tree-sitter"
)

// installAllocator points tree-sitter's allocator at native.c.
// go-tree-sitter installs functions that call back into Go, which call C's
// malloc again: a cgo round trip per allocation. Both allocate from the
// same C heap, so memory allocated before the switch is freed correctly
// after it. It is process state, set once. It still pays: with
// go-tree-sitter's allocator (and each tree deleted) BenchmarkExtractCorpus
// took 1.66x as long, and with plain malloc in place of native.c's arena
// 1.11x (medians of 6 alternated runs).
var installAllocator = sync.OnceFunc(func() { C.ps_install_allocator() })

// newFlag allocates a cancellation flag in C memory: tree-sitter keeps the
// pointer, so it must not point into Go memory.
func newFlag() *uintptr {
	return (*uintptr)(C.calloc(1, C.size_t(unsafe.Sizeof(uintptr(0)))))
}

func freeFlag(f *uintptr) { C.free(unsafe.Pointer(f)) }

// arena is the native memory of one parse at a time (see native.c).
type arena struct{ a *C.PSArena }

func newArena() arena { return arena{C.ps_arena_new()} }

func (a arena) free() { C.ps_arena_free(a.a) }

// size is the number of bytes the arena holds.
func (a arena) size() int { return int(C.ps_arena_size(a.a)) }

// keptBytes is how much of an arena survives from one parse to the next.
const keptBytes = C.PS_ARENA_KEEP

// flatNode mirrors PSFlatNode: one node of the tree, in preorder. The
// node's subtree spans the indices [its own, next).
type flatNode struct {
	start, end uint32
	next       uint32
	kind       uint16
	field      uint16
	flags      uint16
	_          uint16
}

const (
	flagMissing  = C.PS_MISSING
	flagError    = C.PS_ERROR
	flagHasError = C.PS_HAS_ERROR
	flagPruned   = C.PS_PRUNED
)

// pruning says which nodes parse leaves out: see PSPrune in native.h.
type pruning struct {
	functionDefinition, body, comment, lineContinuation uint16
}

// parse parses src in the arena with the grammar lang and returns the
// tree's nodes, pruned as prune says, or false when the parse was cancelled through flag. The
// nodes live in the arena: they are valid until its next parse or free,
// and nothing may keep them longer.
func (a arena) parse(lang unsafe.Pointer, src []byte, flag *uintptr, prune pruning) ([]flatNode, bool) {
	var ptr *C.char
	if len(src) > 0 {
		ptr = (*C.char)(unsafe.Pointer(&src[0]))
	}
	p := C.PSPrune{
		function_definition: C.uint16_t(prune.functionDefinition), body: C.uint16_t(prune.body),
		comment: C.uint16_t(prune.comment), line_continuation: C.uint16_t(prune.lineContinuation),
	}
	t := C.ps_parse_flat(a.a, lang, ptr, C.uint32_t(len(src)), (*C.size_t)(unsafe.Pointer(flag)), p)
	if t.nodes == nil {
		return nil, false
	}
	return unsafe.Slice((*flatNode)(unsafe.Pointer(t.nodes)), int(t.count)), true
}

// The Go mirror must have the C layout: these fail to compile otherwise.
var (
	_ [unsafe.Sizeof(flatNode{}) - C.sizeof_PSFlatNode]struct{}
	_ [C.sizeof_PSFlatNode - unsafe.Sizeof(flatNode{})]struct{}
	_ [unsafe.Offsetof(flatNode{}.flags) - unsafe.Offsetof(C.PSFlatNode{}.flags)]struct{}
	_ [unsafe.Offsetof(C.PSFlatNode{}.flags) - unsafe.Offsetof(flatNode{}.flags)]struct{}
)

// tsapi.h repeats tree-sitter's TSNode and TSTreeCursor, which native.c
// passes by value; go-tree-sitter's Node and TreeCursor each hold the
// header's struct and nothing else. These fail to compile when the sizes
// or alignments differ (TestNativeMatchesTreeSitterHeader checks each
// field and every prototype).
var (
	_ [unsafe.Sizeof(ts.Node{}) - C.sizeof_TSNode]struct{}
	_ [C.sizeof_TSNode - unsafe.Sizeof(ts.Node{})]struct{}
	_ [unsafe.Alignof(ts.Node{}) - unsafe.Alignof(C.TSNode{})]struct{}
	_ [unsafe.Alignof(C.TSNode{}) - unsafe.Alignof(ts.Node{})]struct{}
	_ [unsafe.Sizeof(ts.TreeCursor{}) - C.sizeof_TSTreeCursor]struct{}
	_ [C.sizeof_TSTreeCursor - unsafe.Sizeof(ts.TreeCursor{})]struct{}
	_ [unsafe.Alignof(ts.TreeCursor{}) - unsafe.Alignof(C.TSTreeCursor{})]struct{}
	_ [unsafe.Alignof(C.TSTreeCursor{}) - unsafe.Alignof(ts.TreeCursor{})]struct{}
)
