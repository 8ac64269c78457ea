package pysyntax

import ts "github.com/tree-sitter/go-tree-sitter"

// kinds holds the grammar's numeric node kinds, looked up once per Parser so
// that conversion compares integers instead of building strings.
type kinds struct {
	module, exprStmt, assignment, augAssignment, importStmt, importFrom, futureImport            uint16
	aliasedImport, dottedName, relativeImport, importPrefix, wildcardImport                      uint16
	funcDef, classDef, decoratedDef, decorator, parameters, lambdaParameters                     uint16
	typedParam, defaultParam, typedDefaultParam, listSplatPattern, dictSplatPattern              uint16
	keywordSeparator, positionalSeparator, ifStmt, elifClause, elseClause, tryStmt, exceptClause uint16
	exceptGroupClause, finallyClause, forStmt, whileStmt, withStmt, withClause, withItem         uint16
	deleteStmt, globalStmt, nonlocalStmt, passStmt, breakStmt, continueStmt, returnStmt          uint16
	raiseStmt, assertStmt, matchStmt, typeAliasStmt, printStmt, execStmt, block                  uint16
	identifier, integer, float, str, concatStr, stringStart, stringEnd, stringContent            uint16
	interpolation, formatSpecifier, formatExpression, typeConversion, trueK, falseK, noneK       uint16
	ellipsis, list, tuple, set, dictionary, pair, dictSplat, listSplat, parenListSplat           uint16
	unaryOp, notOp, binaryOp, boolOp, compareOp, condExpr, call, argumentList, keywordArgument   uint16
	attribute, subscript, slice, listComp, setComp, dictComp, genExpr, forInClause, ifClause     uint16
	lambda, namedExpr, await, yield, parenExpr, exprList, patternList, tuplePattern, listPattern uint16
	asPattern, asPatternTarget, typeK, comment, lineContinuation, errorK, keywordAsync, eqToken  uint16
	genericType, unionType, memberType, splatType, constrainedType                               uint16
	// named tells, by kind id, whether a kind is a named node (not punctuation).
	named []bool
}

func newKinds(l *ts.Language) kinds {
	n := func(s string) uint16 { return l.IdForNodeKind(s, true) }
	a := func(s string) uint16 { return l.IdForNodeKind(s, false) }
	named := make([]bool, l.NodeKindCount())
	for i := range named {
		named[i] = l.NodeKindIsNamed(uint16(i))
	}
	return kinds{named: named,
		genericType: n("generic_type"), unionType: n("union_type"), memberType: n("member_type"),
		splatType: n("splat_type"), constrainedType: n("constrained_type"),
		module: n("module"), exprStmt: n("expression_statement"), assignment: n("assignment"),
		augAssignment: n("augmented_assignment"), importStmt: n("import_statement"),
		importFrom: n("import_from_statement"), futureImport: n("future_import_statement"),
		aliasedImport: n("aliased_import"), dottedName: n("dotted_name"), relativeImport: n("relative_import"),
		importPrefix: n("import_prefix"), wildcardImport: n("wildcard_import"),
		funcDef: n("function_definition"), classDef: n("class_definition"), decoratedDef: n("decorated_definition"),
		decorator: n("decorator"), parameters: n("parameters"), lambdaParameters: n("lambda_parameters"),
		typedParam: n("typed_parameter"), defaultParam: n("default_parameter"), typedDefaultParam: n("typed_default_parameter"),
		listSplatPattern: n("list_splat_pattern"), dictSplatPattern: n("dictionary_splat_pattern"),
		keywordSeparator: n("keyword_separator"), positionalSeparator: n("positional_separator"),
		ifStmt: n("if_statement"), elifClause: n("elif_clause"), elseClause: n("else_clause"),
		tryStmt: n("try_statement"), exceptClause: n("except_clause"), exceptGroupClause: n("except_group_clause"),
		finallyClause: n("finally_clause"), forStmt: n("for_statement"), whileStmt: n("while_statement"),
		withStmt: n("with_statement"), withClause: n("with_clause"), withItem: n("with_item"),
		deleteStmt: n("delete_statement"), globalStmt: n("global_statement"), nonlocalStmt: n("nonlocal_statement"),
		passStmt: n("pass_statement"), breakStmt: n("break_statement"), continueStmt: n("continue_statement"),
		returnStmt: n("return_statement"), raiseStmt: n("raise_statement"), assertStmt: n("assert_statement"),
		matchStmt: n("match_statement"), typeAliasStmt: n("type_alias_statement"), printStmt: n("print_statement"),
		execStmt: n("exec_statement"), block: n("block"),
		identifier: n("identifier"), integer: n("integer"), float: n("float"), str: n("string"),
		concatStr: n("concatenated_string"), stringStart: n("string_start"), stringEnd: n("string_end"),
		stringContent: n("string_content"), interpolation: n("interpolation"), formatSpecifier: n("format_specifier"),
		formatExpression: n("format_expression"), typeConversion: n("type_conversion"),
		trueK: n("true"), falseK: n("false"), noneK: n("none"), ellipsis: n("ellipsis"),
		list: n("list"), tuple: n("tuple"), set: n("set"), dictionary: n("dictionary"), pair: n("pair"),
		dictSplat: n("dictionary_splat"), listSplat: n("list_splat"), parenListSplat: n("parenthesized_list_splat"),
		unaryOp: n("unary_operator"), notOp: n("not_operator"), binaryOp: n("binary_operator"),
		boolOp: n("boolean_operator"), compareOp: n("comparison_operator"), condExpr: n("conditional_expression"),
		call: n("call"), argumentList: n("argument_list"), keywordArgument: n("keyword_argument"),
		attribute: n("attribute"), subscript: n("subscript"), slice: n("slice"),
		listComp: n("list_comprehension"), setComp: n("set_comprehension"), dictComp: n("dictionary_comprehension"),
		genExpr: n("generator_expression"), forInClause: n("for_in_clause"), ifClause: n("if_clause"),
		lambda: n("lambda"), namedExpr: n("named_expression"), await: n("await"), yield: n("yield"),
		parenExpr: n("parenthesized_expression"), exprList: n("expression_list"), patternList: n("pattern_list"),
		tuplePattern: n("tuple_pattern"), listPattern: n("list_pattern"), asPattern: n("as_pattern"),
		asPatternTarget: n("as_pattern_target"), typeK: n("type"), comment: n("comment"),
		lineContinuation: n("line_continuation"), errorK: 0xFFFF, keywordAsync: a("async"), eqToken: a("="),
	}
}

// fields holds the grammar's numeric field ids.
type fields struct {
	left, right, typ, operator, name, alias, moduleName, body, parameters, returnType       uint16
	superclasses, condition, consequence, alternative, value, function, arguments, object   uint16
	attribute, subscript, key, argument, definition, expression, typeConversion, formatSpec uint16
	operators, cause                                                                        uint16
}

func newFields(l *ts.Language) fields {
	f := l.FieldIdForName
	return fields{
		left: f("left"), right: f("right"), typ: f("type"), operator: f("operator"), name: f("name"),
		alias: f("alias"), moduleName: f("module_name"), body: f("body"), parameters: f("parameters"),
		returnType: f("return_type"), superclasses: f("superclasses"), condition: f("condition"),
		consequence: f("consequence"), alternative: f("alternative"), value: f("value"),
		function: f("function"), arguments: f("arguments"), object: f("object"), attribute: f("attribute"),
		subscript: f("subscript"), key: f("key"), argument: f("argument"), definition: f("definition"),
		expression: f("expression"), typeConversion: f("type_conversion"), formatSpec: f("format_specifier"),
		operators: f("operators"), cause: f("cause"),
	}
}
