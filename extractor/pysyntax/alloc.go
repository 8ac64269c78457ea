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

#if defined(__GLIBC__)
#include <malloc.h>
#include <string.h>

// A per-thread cache of freed small blocks in front of glibc's allocator.
// tree-sitter allocates and frees a node at a time, thousands per file,
// and glibc's own per-thread cache keeps only 7 blocks of a size, so most
// frees went through its locked bins and consolidation. Cached blocks stay
// ordinary glibc blocks (they are filed by malloc_usable_size), so memory
// from either side may be freed by the other. Each thread caches at most
// PS_CACHE_BYTES; a thread that exits leaks what it cached.
enum { PS_GRAIN = 16, PS_CLASSES = 33, PS_CACHE_BYTES = 4 << 20 };

static __thread void *ps_cache[PS_CLASSES];
static __thread size_t ps_cached;

// ps_class is the cache class of a glibc chunk of the given usable size,
// or 0 when such chunks are not cached.
static inline size_t ps_class(size_t usable) {
	size_t chunk = usable + sizeof(size_t);
	if (chunk % PS_GRAIN != 0) return 0;
	size_t c = chunk / PS_GRAIN;
	return c < PS_CLASSES ? c : 0;
}

// ps_request_class is the class of the chunk glibc gives for n bytes.
static inline size_t ps_request_class(size_t n) {
	size_t chunk = (n + sizeof(size_t) + PS_GRAIN - 1) & ~(size_t)(PS_GRAIN - 1);
	if (chunk < 2 * PS_GRAIN) chunk = 2 * PS_GRAIN;
	size_t c = chunk / PS_GRAIN;
	return c < PS_CLASSES ? c : 0;
}

static void *ps_malloc(size_t n) {
	size_t c = ps_request_class(n);
	void *p = c ? ps_cache[c] : NULL;
	if (p) {
		ps_cache[c] = *(void **)p;
		ps_cached -= c * PS_GRAIN;
		return p;
	}
	return malloc(n);
}

static void ps_free(void *p) {
	if (!p) return;
	size_t c = ps_class(malloc_usable_size(p));
	if (c && ps_cached + c * PS_GRAIN <= PS_CACHE_BYTES) {
		*(void **)p = ps_cache[c];
		ps_cache[c] = p;
		ps_cached += c * PS_GRAIN;
		return;
	}
	free(p);
}

static void *ps_calloc(size_t k, size_t n) {
	if (n && k > (size_t)-1 / n) return NULL;
	size_t c = ps_request_class(k * n);
	if (c && ps_cache[c]) {
		void *p = ps_malloc(k * n);
		memset(p, 0, k * n);
		return p;
	}
	return calloc(k, n);
}

static void *ps_realloc(void *p, size_t n) {
	if (!p) return ps_malloc(n);
	if (n == 0) return realloc(p, n);
	size_t have = malloc_usable_size(p);
	if (n <= have) return p;
	if (!ps_class(have)) return realloc(p, n);
	void *q = ps_malloc(n);
	if (!q) return NULL;
	memcpy(q, p, have);
	ps_free(p);
	return q;
}

static void ps_use_libc_allocator(void) { ts_set_allocator(ps_malloc, ps_calloc, ps_realloc, ps_free); }
#else
static void ps_use_libc_allocator(void) { ts_set_allocator(malloc, calloc, realloc, free); }
#endif

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
