package pysyntax

/*
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

// Declarations of tree-sitter's C API (include/tree_sitter/api.h), which
// go-tree-sitter compiles into the program. The structs have the layout
// of TSNode and TSTreeCursor.
typedef struct { uint32_t context[4]; const void *id; const void *tree; } PSNode;
typedef struct { const void *tree; const void *id; uint32_t context[3]; } PSCursor;

extern void ts_set_allocator(void *(*)(size_t), void *(*)(size_t, size_t), void *(*)(void *, size_t), void (*)(void *));
extern PSCursor ts_tree_cursor_new(PSNode);
extern void ts_tree_cursor_delete(PSCursor *);
extern void ts_tree_cursor_reset(PSCursor *, PSNode);
extern bool ts_tree_cursor_goto_first_child(PSCursor *);
extern bool ts_tree_cursor_goto_next_sibling(PSCursor *);
extern PSNode ts_tree_cursor_current_node(const PSCursor *);
extern uint16_t ts_tree_cursor_current_field_id(const PSCursor *);
extern uint16_t ts_node_symbol(PSNode);
extern uint32_t ts_node_start_byte(PSNode);
extern uint32_t ts_node_end_byte(PSNode);

typedef struct { PSNode node; uint32_t start, end; uint16_t kind, field; } PSChild;

// The parser and tree are used through opaque pointers: tree-sitter's own
// string input reads the source in place, where go-tree-sitter's read
// callback crosses into Go and copies every chunk into a fresh C string.
extern void *ts_parser_new(void);
extern void ts_parser_delete(void *);
extern bool ts_parser_set_language(void *, const void *);
extern void ts_parser_set_cancellation_flag(void *, const size_t *);
extern void ts_parser_reset(void *);
extern void *ts_parser_parse_string(void *, const void *, const char *, uint32_t);
extern void ts_tree_delete(void *);
extern PSNode ts_tree_root_node(const void *);

// ps_parse parses n bytes at src and stores the root node in *root. It
// returns the tree, or NULL when parsing was cancelled.
static void *ps_parse(void *p, const char *src, uint32_t n, PSNode *root) {
	void *tree = ts_parser_parse_string(p, NULL, n ? src : "", n);
	if (tree) *root = ts_tree_root_node(tree);
	return tree;
}

static void ps_use_libc_allocator(void) { ts_set_allocator(malloc, calloc, realloc, free); }

// ps_children writes up to cap children of n into out and returns how
// many there are: one cgo call per node instead of several per child.
static int ps_children(PSCursor *cur, PSNode n, PSChild *out, int cap) {
	ts_tree_cursor_reset(cur, n);
	if (!ts_tree_cursor_goto_first_child(cur)) return 0;
	int i = 0;
	do {
		if (i < cap) {
			PSNode c = ts_tree_cursor_current_node(cur);
			out[i].node = c;
			out[i].start = ts_node_start_byte(c);
			out[i].end = ts_node_end_byte(c);
			out[i].kind = ts_node_symbol(c);
			out[i].field = ts_tree_cursor_current_field_id(cur);
		}
		i++;
	} while (ts_tree_cursor_goto_next_sibling(cur));
	return i;
}
*/
import "C"

import (
	"sync"
	"unsafe"

	ts "github.com/tree-sitter/go-tree-sitter"
)

// useLibcAllocator points tree-sitter's allocator straight at the C
// library. go-tree-sitter installs functions that call back into Go, which
// call C's malloc again: a cgo round trip per allocation that made parsing
// several times slower. Both allocate from the same C heap, so memory
// allocated before the switch is freed correctly after it. It is process
// state, set once.
var useLibcAllocator = sync.OnceFunc(func() { C.ps_use_libc_allocator() })

// newFlag allocates a cancellation flag in C memory: tree-sitter keeps the
// pointer, so it must not point into Go memory.
func newFlag() *uintptr {
	f := (*uintptr)(C.calloc(1, C.size_t(unsafe.Sizeof(uintptr(0)))))
	return f
}

func freeFlag(f *uintptr) { C.free(unsafe.Pointer(f)) }

// cParser is a tree-sitter parser owned by C.
type cParser struct{ p unsafe.Pointer }

func newCParser(lang unsafe.Pointer, flag *uintptr) (cParser, bool) {
	p := C.ts_parser_new()
	if !C.ts_parser_set_language(p, lang) {
		C.ts_parser_delete(p)
		return cParser{}, false
	}
	C.ts_parser_set_cancellation_flag(p, (*C.size_t)(unsafe.Pointer(flag)))
	return cParser{p}, true
}

func (p cParser) close() {
	C.ts_parser_set_cancellation_flag(p.p, nil)
	C.ts_parser_delete(p.p)
}

func (p cParser) reset() { C.ts_parser_reset(p.p) }

// parse parses src, which C reads only during the call. It returns the
// tree (nil when cancelled) and its root node.
func (p cParser) parse(src []byte) (cTree, rawNode) {
	var root rawNode
	var ptr *C.char
	if len(src) > 0 {
		ptr = (*C.char)(unsafe.Pointer(&src[0]))
	}
	t := C.ps_parse(p.p, ptr, C.uint32_t(len(src)), (*C.PSNode)(unsafe.Pointer(&root)))
	return cTree{t}, root
}

// cTree is a syntax tree owned by C.
type cTree struct{ t unsafe.Pointer }

func (t cTree) close() { C.ts_tree_delete(t.t) }

// rawNode has the size and layout of tree-sitter's TSNode.
type rawNode [4]uint64

func (r *rawNode) node() *ts.Node { return (*ts.Node)(unsafe.Pointer(r)) }

// walker lists children with one native call per node.
type walker struct {
	cur C.PSCursor
	ok  bool
}

func newWalker(root *rawNode) *walker {
	return &walker{cur: C.ts_tree_cursor_new(*(*C.PSNode)(unsafe.Pointer(root))), ok: true}
}

func (w *walker) close() {
	if w.ok {
		C.ts_tree_cursor_delete(&w.cur)
		w.ok = false
	}
}

// children appends the children of n to buf and returns it.
func (w *walker) children(n *rawNode, buf []tnode) []tnode {
	start := len(buf)
	for {
		free := cap(buf) - start
		if free < 8 {
			buf = append(buf[:cap(buf)], make([]tnode, 64)...)[:start]
			free = cap(buf) - start
		}
		out := buf[start:cap(buf)]
		cnt := int(C.ps_children(&w.cur, *(*C.PSNode)(unsafe.Pointer(n)), (*C.PSChild)(unsafe.Pointer(&out[0])), C.int(free)))
		if cnt <= free {
			return buf[:start+cnt]
		}
		buf = append(buf[:cap(buf)], make([]tnode, cnt)...)[:start]
	}
}

// The Go mirrors must have the C layouts: these fail to compile otherwise.
var (
	_ [unsafe.Sizeof(tnode{}) - C.sizeof_PSChild]struct{}
	_ [C.sizeof_PSChild - unsafe.Sizeof(tnode{})]struct{}
	_ [unsafe.Sizeof(rawNode{}) - C.sizeof_PSNode]struct{}
	_ [C.sizeof_PSNode - unsafe.Sizeof(rawNode{})]struct{}
	_ [unsafe.Offsetof(tnode{}.kind) - unsafe.Offsetof(C.PSChild{}.kind)]struct{}
	_ [unsafe.Offsetof(C.PSChild{}.kind) - unsafe.Offsetof(tnode{}.kind)]struct{}
)
