#define _GNU_SOURCE // memmem
#include "native.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tsapi.h"

// Blocks are handed out in multiples of PS_GRAIN bytes. Sizes below
// PS_CLASSES grains have a size class whose freed blocks are reused.
enum { PS_GRAIN = 16, PS_CLASSES = 33 };

static void ps_out_of_memory(size_t n) {
	fprintf(stderr, "flowplan: out of memory allocating %zu bytes for the Python parser\n", n);
	abort();
}

// ---- The arena of one parse ----
//
// A parse allocates tens of thousands of small blocks and, deleting the
// tree, frees them one by one. In an arena the parser, its tree and the
// flat copy of the tree are carved from a few large chunks, and all of it
// is released by rewinding the arena before the next parse.

typedef struct PSChunk {
	struct PSChunk *next;
	size_t size; // bytes of data after the header
	size_t used;
	size_t pad; // keeps the data 16-byte aligned
} PSChunk;

enum { PS_CHUNK = 1 << 20 }; // the usual chunk size

struct PSArena {
	PSChunk *first; // every chunk, in use or kept for reuse
	PSChunk *cur;   // the chunk being carved, or NULL before the first block
	void *free[PS_CLASSES];
};

// Each block is preceded by a header of one grain that holds its size.
static inline size_t *ps_header(void *p) { return (size_t *)((char *)p - PS_GRAIN); }

// The arena of the parse running on this thread, if any. ps_parse_flat
// sets it and clears it before returning; a cgo call runs on one thread.
static __thread PSArena *ps_active;

PSArena *ps_arena_new(void) {
	PSArena *a = calloc(1, sizeof *a);
	if (!a) ps_out_of_memory(sizeof *a);
	return a;
}

void ps_arena_free(PSArena *a) {
	if (!a) return;
	for (PSChunk *k = a->first, *next; k; k = next) {
		next = k->next;
		free(k);
	}
	free(a);
}

size_t ps_arena_size(const PSArena *a) {
	size_t n = 0;
	for (const PSChunk *k = a->first; k; k = k->next) n += k->size;
	return n;
}

// ps_arena_reset releases every block at once, keeping up to PS_ARENA_KEEP bytes
// of chunks for the next parse.
static void ps_arena_reset(PSArena *a) {
	size_t kept = 0;
	for (PSChunk **link = &a->first; *link;) {
		PSChunk *k = *link;
		if (kept + k->size > PS_ARENA_KEEP) {
			*link = k->next;
			free(k);
			continue;
		}
		kept += k->size;
		link = &k->next;
	}
	a->cur = NULL;
	memset(a->free, 0, sizeof a->free);
}

// ps_arena_chunk makes room for need bytes: the next kept chunk when it is
// big enough, or else a new chunk linked in after the current one.
static PSChunk *ps_arena_chunk(PSArena *a, size_t need) {
	PSChunk *next = a->cur ? a->cur->next : a->first;
	if (next && next->size >= need) {
		next->used = 0;
		return a->cur = next;
	}
	// Chunks grow with the arena, so that a big file takes few of them
	// and ps_arena_owns stays quick.
	size_t size = ps_arena_size(a);
	if (size < PS_CHUNK) size = PS_CHUNK;
	if (size < need) size = need;
	PSChunk *k = malloc(sizeof *k + size);
	if (!k) ps_out_of_memory(sizeof *k + size);
	k->size = size;
	k->used = 0;
	k->next = next;
	if (a->cur) a->cur->next = k;
	else a->first = k;
	return a->cur = k;
}

static void *ps_arena_alloc(PSArena *a, size_t n) {
	if (n > ((size_t)-1 >> 1)) ps_out_of_memory(n);
	size_t size = n ? (n + PS_GRAIN - 1) & ~(size_t)(PS_GRAIN - 1) : PS_GRAIN;
	size_t c = size / PS_GRAIN;
	if (c < PS_CLASSES && a->free[c]) {
		void *p = a->free[c];
		a->free[c] = *(void **)p;
		return p;
	}
	size_t need = size + PS_GRAIN;
	PSChunk *k = a->cur;
	if (!k || k->used + need > k->size) k = ps_arena_chunk(a, need);
	char *block = (char *)(k + 1) + k->used;
	k->used += need;
	*(size_t *)block = size;
	return block + PS_GRAIN;
}

// ps_arena_owns tells whether p was carved from a's chunks.
static bool ps_arena_owns(const PSArena *a, const void *p) {
	for (const PSChunk *k = a->first; k; k = k->next) {
		const char *data = (const char *)(k + 1);
		if ((const char *)p >= data && (const char *)p < data + k->size) return true;
	}
	return false;
}

static void ps_arena_release(PSArena *a, void *p) {
	size_t c = *ps_header(p) / PS_GRAIN;
	if (c < PS_CLASSES) {
		*(void **)p = a->free[c];
		a->free[c] = p;
	}
}

static void *ps_arena_realloc(PSArena *a, void *p, size_t n) {
	size_t have = *ps_header(p);
	if (n <= have) return p;
	size_t size = (n + PS_GRAIN - 1) & ~(size_t)(PS_GRAIN - 1);
	PSChunk *k = a->cur;
	char *end = (char *)(k + 1) + k->used;
	// The newest block grows in place: tree-sitter's arrays double as
	// they are pushed to.
	if ((char *)p + have == end && k->used + (size - have) <= k->size) {
		k->used += size - have;
		*ps_header(p) = size;
		return p;
	}
	void *q = ps_arena_alloc(a, n);
	memcpy(q, p, have);
	ps_arena_release(a, p);
	return q;
}

// ---- Outside an arena: a cache in front of the C library ----
//
// A per-thread cache of freed small blocks in front of glibc's allocator,
// for the tree-sitter objects that live outside a parse. Cached blocks stay
// ordinary glibc blocks (filed by malloc_usable_size), so memory from
// either side may be freed by the other. Each thread caches at most
// PS_CACHE_BYTES; a thread that exits leaks what it cached.

#if defined(__GLIBC__)
#include <malloc.h>

enum { PS_CACHE_BYTES = 4 << 20 };

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

static void *ps_libc_malloc(size_t n) {
	size_t c = ps_request_class(n);
	void *p = c ? ps_cache[c] : NULL;
	if (p) {
		ps_cache[c] = *(void **)p;
		ps_cached -= c * PS_GRAIN;
		return p;
	}
	return malloc(n);
}

static void ps_libc_free(void *p) {
	size_t c = ps_class(malloc_usable_size(p));
	if (c && ps_cached + c * PS_GRAIN <= PS_CACHE_BYTES) {
		*(void **)p = ps_cache[c];
		ps_cache[c] = p;
		ps_cached += c * PS_GRAIN;
		return;
	}
	free(p);
}

static void *ps_libc_realloc(void *p, size_t n) {
	if (n == 0) return realloc(p, n);
	size_t have = malloc_usable_size(p);
	if (n <= have) return p;
	if (!ps_class(have)) return realloc(p, n);
	void *q = ps_libc_malloc(n);
	if (!q) return NULL;
	memcpy(q, p, have);
	ps_libc_free(p);
	return q;
}
#else
static void *ps_libc_malloc(size_t n) { return malloc(n); }
static void ps_libc_free(void *p) { free(p); }
static void *ps_libc_realloc(void *p, size_t n) { return realloc(p, n); }
#endif

// ---- tree-sitter's allocator ----

static void *ps_malloc(size_t n) {
	if (ps_active) return ps_arena_alloc(ps_active, n);
	return ps_libc_malloc(n);
}

static void *ps_calloc(size_t k, size_t n) {
	if (n && k > (size_t)-1 / n) return NULL;
	void *p = ps_malloc(k * n);
	if (p) memset(p, 0, k * n);
	return p;
}

static void *ps_realloc(void *p, size_t n) {
	if (!p) return ps_malloc(n);
	if (ps_active && ps_arena_owns(ps_active, p)) return ps_arena_realloc(ps_active, p, n);
	return ps_libc_realloc(p, n);
}

static void ps_free(void *p) {
	if (!p) return;
	if (ps_active && ps_arena_owns(ps_active, p)) {
		ps_arena_release(ps_active, p);
		return;
	}
	ps_libc_free(p);
}

void ps_install_allocator(void) { ts_set_allocator(ps_malloc, ps_calloc, ps_realloc, ps_free); }

// ---- Parsing ----

// How ps_flatten treats the children of an unfinished node.
enum {
	PS_CHILDREN_ALL,         // children and their descendants
	PS_CHILDREN_FIRST,       // only the first statement's descendants: none seen yet
	PS_CHILDREN_FIRST_SEEN,  // only the first statement's descendants: seen
};

// ps_flatten stores the nodes under root in preorder, pruning function
// bodies as p says when prune is set.
static PSFlatNode *ps_flatten(PSArena *a, const char *src, TSNode root, bool prune, PSPrune p, uint32_t *count) {
	uint32_t cap = ts_node_descendant_count(root);
	PSFlatNode *out = ps_arena_alloc(a, (size_t)cap * sizeof *out);
	uint32_t depth_cap = 64, depth = 0, n = 0;
	// The indices of the unfinished nodes, root first, and what to keep
	// of each one's children.
	uint32_t *open = ps_arena_alloc(a, depth_cap * sizeof *open);
	uint8_t *keep = ps_arena_alloc(a, depth_cap);
	TSTreeCursor cur = ts_tree_cursor_new(root);
	for (;;) {
		if (n == cap) {
			cap *= 2;
			out = ps_arena_realloc(a, out, (size_t)cap * sizeof *out);
		}
		if (depth == depth_cap) {
			depth_cap *= 2;
			open = ps_arena_realloc(a, open, depth_cap * sizeof *open);
			keep = ps_arena_realloc(a, keep, depth_cap);
		}
		TSNode node = ts_tree_cursor_current_node(&cur);
		PSFlatNode *f = &out[n];
		f->start = ts_node_start_byte(node);
		f->end = ts_node_end_byte(node);
		f->next = 0;
		f->kind = ts_node_symbol(node);
		f->field = ts_tree_cursor_current_field_id(&cur);
		// A pruned tree has no errors, so its nodes have no error flags.
		f->flags = prune ? 0
		                 : (ts_node_is_missing(node) ? PS_MISSING : 0) | (ts_node_is_error(node) ? PS_ERROR : 0) |
		                       (ts_node_has_error(node) ? PS_HAS_ERROR : 0);
		f->pad = 0;

		bool descend = true;
		uint8_t mode = PS_CHILDREN_ALL;
		if (prune && depth > 0) {
			uint8_t *parent = &keep[depth - 1];
			if (*parent != PS_CHILDREN_ALL) {
				// Conversion's first statement is the first named
				// child that is not a comment.
				bool statement = ts_node_is_named(node) && f->kind != p.comment && f->kind != p.line_continuation;
				descend = statement && *parent == PS_CHILDREN_FIRST;
				if (statement) *parent = PS_CHILDREN_FIRST_SEEN;
			}
			if (f->field == p.body && out[open[depth - 1]].kind == p.function_definition &&
			    !memmem(src + f->start, f->end - f->start, "global", 6)) {
				mode = PS_CHILDREN_FIRST;
			}
		}
		keep[depth] = mode;
		open[depth++] = n++;
		if (!descend) {
			if (ts_node_child_count(node) > 0) f->flags |= PS_PRUNED;
		} else if (ts_tree_cursor_goto_first_child(&cur)) {
			continue;
		}
		for (;;) {
			out[open[--depth]].next = n;
			if (ts_tree_cursor_goto_next_sibling(&cur)) break;
			if (!ts_tree_cursor_goto_parent(&cur)) {
				*count = n;
				return out;
			}
		}
	}
}

PSTree ps_parse_flat(PSArena *a, const void *language, const char *src, uint32_t n, const size_t *flag,
                     PSPrune prune) {
	ps_arena_reset(a);
	ps_active = a;
	PSTree t = {NULL, 0};
	TSParser *parser = ts_parser_new();
	if (ts_parser_set_language(parser, language)) {
		ts_parser_set_cancellation_flag(parser, flag);
		TSTree *tree = ts_parser_parse_string(parser, NULL, n ? src : "", n);
		if (tree) {
			TSNode root = ts_tree_root_node(tree);
			t.nodes = ps_flatten(a, n ? src : "", root, !ts_node_has_error(root), prune, &t.count);
		}
		ts_parser_set_cancellation_flag(parser, NULL);
	}
	// The tree is left to the arena. The parser is deleted, because the
	// grammar's scanner allocates with the C library and is freed only by
	// the parser's destructor; everything else it frees is the arena's.
	ts_parser_delete(parser);
	ps_active = NULL;
	return t;
}
