// The native half of the parser: tree-sitter's allocator, and a parse that
// returns the whole syntax tree as one flat array, so that Go reads it with
// a single cgo call per file.
#ifndef FLOWPLAN_PYSYNTAX_NATIVE_H
#define FLOWPLAN_PYSYNTAX_NATIVE_H

#include <stddef.h>
#include <stdint.h>

// PSFlatNode is one node of a syntax tree in preorder. The subtree of the
// node at index i is the range [i, next): its first child, if any, is at
// i+1, and each child's next is the index of its following sibling.
typedef struct {
	uint32_t start, end; // byte offsets in the source
	uint32_t next;       // index just past this node's subtree
	uint16_t kind;       // the grammar's symbol (ts_node_symbol)
	uint16_t field;      // the field this node fills in its parent, or 0
	uint16_t flags;      // PS_MISSING, PS_ERROR, PS_HAS_ERROR
	uint16_t pad;
} PSFlatNode;

// PS_PRUNED marks a node whose descendants were left out (see PSPrune).
enum { PS_MISSING = 1, PS_ERROR = 2, PS_HAS_ERROR = 4, PS_PRUNED = 8 };

// PSPrune names what ps_parse_flat leaves out of an error-free tree. The
// statements of a function body are kept but, apart from the first one (a
// docstring, perhaps), without their descendants: conversion reads only a
// function's signature, docstring and `global` declarations, and bodies
// are most of a flow file. A body whose text contains "global" is kept
// whole.
typedef struct {
	uint16_t function_definition; // the kind of a def
	uint16_t body;                // the field of its body
	uint16_t comment, line_continuation;
} PSPrune;

typedef struct PSArena PSArena;

// An arena keeps up to PS_ARENA_KEEP bytes from one parse for the next: a
// 10 KB flow file fits in one 1 MB chunk, and extraction keeps an arena
// per worker (two per CPU), so a bigger keep would mostly hold memory idle.
enum { PS_ARENA_KEEP = 4 << 20 };

// ps_install_allocator makes tree-sitter allocate through this file.
void ps_install_allocator(void);

PSArena *ps_arena_new(void);
void ps_arena_free(PSArena *a);

// ps_arena_size is the number of bytes of chunks a holds.
size_t ps_arena_size(const PSArena *a);

typedef struct {
	PSFlatNode *nodes; // the tree's nodes in preorder, or NULL
	uint32_t count;
} PSTree;

// ps_parse_flat parses n bytes at src with a fresh parser that lives in
// the arena a, and returns the nodes of its tree, pruned as prune says
// unless the tree has a syntax error. nodes is NULL when the
// parse was cancelled through *flag. The nodes stay valid until the next
// ps_parse_flat or ps_arena_free with the same arena: every byte the
// parse used is released at once, instead of freeing the tree node by node.
PSTree ps_parse_flat(PSArena *a, const void *language, const char *src, uint32_t n, const size_t *flag,
                     PSPrune prune);

#endif
