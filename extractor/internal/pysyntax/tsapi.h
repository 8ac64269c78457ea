// The part of tree-sitter's C API that native.c calls.
//
// go-tree-sitter compiles tree-sitter into the program, but cgo gives this
// package no include path into another module, so tree-sitter's header
// (include/tree_sitter/api.h of the go-tree-sitter module) cannot be
// included by the build. These declarations repeat what native.c uses,
// under tree-sitter's own names, and are checked against that header:
//
//   - at every build, native.go compares the size and alignment of TSNode
//     and TSTreeCursor (passed by value) with go-tree-sitter's Node and
//     TreeCursor, which hold the header's structs;
//   - TestNativeMatchesTreeSitterHeader compiles native.c with
//     PS_WITH_TREE_SITTER_HEADER defined and the header's folder on the
//     include path. The header is then included first: every prototype
//     and typedef below must agree with it (C refuses conflicting
//     declarations), and the struct copies, renamed PSCopyOf..., must match
//     the header's field by field (the _Static_asserts at the end).
#ifndef FLOWPLAN_PYSYNTAX_TSAPI_H
#define FLOWPLAN_PYSYNTAX_TSAPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef PS_WITH_TREE_SITTER_HEADER
#include <tree_sitter/api.h>
#define PS_TS_STRUCT(name) PSCopyOf##name
#else
#define PS_TS_STRUCT(name) name
#endif

// Opaque types and integer typedefs; a C11 typedef may be repeated with the
// same type.
typedef struct TSParser TSParser;
typedef struct TSTree TSTree;
typedef struct TSLanguage TSLanguage;
typedef uint16_t TSSymbol;
typedef uint16_t TSFieldId;

// The structs tree-sitter passes by value.
typedef struct PS_TS_STRUCT(TSNode) {
	uint32_t context[4];
	const void *id;
	const TSTree *tree;
} PS_TS_STRUCT(TSNode);

typedef struct PS_TS_STRUCT(TSTreeCursor) {
	const void *tree;
	const void *id;
	uint32_t context[3];
} PS_TS_STRUCT(TSTreeCursor);

void ts_set_allocator(void *(*new_malloc)(size_t), void *(*new_calloc)(size_t, size_t),
                      void *(*new_realloc)(void *, size_t), void (*new_free)(void *));

TSParser *ts_parser_new(void);
void ts_parser_delete(TSParser *self);
bool ts_parser_set_language(TSParser *self, const TSLanguage *language);
void ts_parser_set_cancellation_flag(TSParser *self, const size_t *flag);
TSTree *ts_parser_parse_string(TSParser *self, const TSTree *old_tree, const char *string, uint32_t length);

void ts_tree_delete(TSTree *self);
TSNode ts_tree_root_node(const TSTree *self);

TSTreeCursor ts_tree_cursor_new(TSNode node);
bool ts_tree_cursor_goto_first_child(TSTreeCursor *self);
bool ts_tree_cursor_goto_next_sibling(TSTreeCursor *self);
bool ts_tree_cursor_goto_parent(TSTreeCursor *self);
TSNode ts_tree_cursor_current_node(const TSTreeCursor *self);
TSFieldId ts_tree_cursor_current_field_id(const TSTreeCursor *self);

TSSymbol ts_node_symbol(TSNode self);
uint32_t ts_node_start_byte(TSNode self);
uint32_t ts_node_end_byte(TSNode self);
uint32_t ts_node_descendant_count(TSNode self);
uint32_t ts_node_child_count(TSNode self);
bool ts_node_is_missing(TSNode self);
bool ts_node_is_error(TSNode self);
bool ts_node_has_error(TSNode self);
bool ts_node_is_named(TSNode self);

#ifdef PS_WITH_TREE_SITTER_HEADER
// Each field of a copy at the header's offset, with the header's type.
#define PS_SAME_FIELD(T, f)                                                                                  \
	_Static_assert(offsetof(PSCopyOf##T, f) == offsetof(T, f) &&                                         \
	                   __builtin_types_compatible_p(__typeof__(((PSCopyOf##T *)0)->f), __typeof__(((T *)0)->f)), \
	               #T "." #f " differs from tree-sitter's header")
#define PS_SAME_STRUCT(T)                                                                          \
	_Static_assert(sizeof(PSCopyOf##T) == sizeof(T) && _Alignof(PSCopyOf##T) == _Alignof(T), \
	               #T " differs in size or alignment from tree-sitter's header")

PS_SAME_STRUCT(TSNode);
PS_SAME_FIELD(TSNode, context);
PS_SAME_FIELD(TSNode, id);
PS_SAME_FIELD(TSNode, tree);
PS_SAME_STRUCT(TSTreeCursor);
PS_SAME_FIELD(TSTreeCursor, tree);
PS_SAME_FIELD(TSTreeCursor, id);
PS_SAME_FIELD(TSTreeCursor, context);
#endif

#endif
