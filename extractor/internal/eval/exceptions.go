package eval

import (
	"fmt"
	"strings"

	"github.com/flowplan/flowplan/extractor/diag"
	"github.com/flowplan/flowplan/extractor/internal/pyfmt"
	"github.com/flowplan/flowplan/extractor/internal/pysyntax"
	"github.com/flowplan/flowplan/extractor/internal/value"
)

// Exceptions are values, as in CPython 3.11. `except E as e:` binds the
// exception object: its args, str, repr, class, __cause__ and __context__
// are what CPython's would be. Exception classes are Python's builtin
// hierarchy, pydantic's ValidationError and the classes a project derives
// from them (class attributes, a docstring, methods, an __init__ calling
// super().__init__, __str__ and __repr__ run as project functions).
//
// The evaluator raises exceptions itself (a KeyError from a dict lookup, a
// ZeroDivisionError, a pydantic ValidationError). Their type is CPython's;
// their message is CPython's exact text only where exactMessages says so
// (each checked against CPython by the golden cases in
// testdata/cases-exceptions.txt). Otherwise the message is the evaluator's
// wording, and str(e), e.args and repr(e) are refused, not guessed.

// excClass is an exception class: one of Python's builtin exceptions,
// pydantic's ValidationError, or a class the project derives from one.
type excClass struct {
	name   string
	parent *excClass
	module string // __module__
	// special is set for a builtin class whose constructor or attributes go
	// beyond BaseException's (OSError's errno, SyntaxError's details,
	// StopIteration.value...): only the plain forms are modeled.
	special bool
	// group marks classes whose construction is not modeled at all
	// (exception groups, UnicodeDecodeError and its kin).
	group bool
	user  *userExc // nil for a builtin class
}

func (*excClass) TypeName() string { return "type" }

// userExc is what a project's exception class body defines.
type userExc struct {
	qualname string                 // "" when not known (a class defined in a function)
	attrs    map[string]value.Value // class attributes, __doc__ among them
	methods  map[string]*method
	// broken says why instances cannot be modeled (a statement of the
	// class body the evaluator does not follow); nil when they can.
	broken *diag.Diagnostic
}

// identity is the key that hashes the class (by identity).
func (e *excClass) identity() string {
	if e.user != nil {
		return fmt.Sprintf("E%p", e)
	}
	return "E" + e.name
}

// isSubclassOf is issubclass(e, other).
func (e *excClass) isSubclassOf(other *excClass) bool {
	for c := e; c != nil; c = c.parent {
		if c == other {
			return true
		}
	}
	return false
}

// builtinBase is the nearest builtin class of e (e itself for a builtin).
func (e *excClass) builtinBase() *excClass {
	c := e
	for c.user != nil {
		c = c.parent
	}
	return c
}

// findMethod looks a project method up along the class chain.
func (e *excClass) findMethod(name string) *method {
	for c := e; c != nil && c.user != nil; c = c.parent {
		if mt := c.user.methods[name]; mt != nil {
			return mt
		}
		if _, ok := c.user.attrs[name]; ok {
			return nil
		}
	}
	return nil
}

// classAttr looks a class attribute (not a method) up along the chain.
func (e *excClass) classAttr(name string) (value.Value, bool) {
	for c := e; c != nil && c.user != nil; c = c.parent {
		if v, ok := c.user.attrs[name]; ok {
			return v, true
		}
		if c.user.methods[name] != nil {
			return nil, false
		}
	}
	return nil, false
}

// broken is why instances of e (or of a base) cannot be modeled.
func (e *excClass) broken() *diag.Diagnostic {
	for c := e; c != nil && c.user != nil; c = c.parent {
		if c.user.broken != nil {
			return c.user.broken
		}
	}
	return nil
}

// exceptionObj is an exception instance.
type exceptionObj struct {
	class *excClass
	// args is e.args; nil when not known exactly: the evaluator raised the
	// exception with its own wording, origin.
	args   *value.Tuple
	origin *diag.Diagnostic
	dict   *value.Dict // attributes set on the instance; nil while none is
	// cause and context are __cause__ and __context__ (nil: None).
	cause, context *exceptionObj
	suppress       bool // __suppress_context__
	// verr is the data of a pydantic ValidationError the evaluator raised.
	verr *validationInfo
}

func (e *exceptionObj) TypeName() string { return e.class.name }

// validationInfo is what a pydantic v1 ValidationError holds.
type validationInfo struct {
	model string
	errs  []fieldError
}

// builtinExceptions are Python 3.11's builtin exception classes, by name
// (EnvironmentError and IOError are OSError).
var builtinExceptions = func() map[string]*excClass {
	out := map[string]*excClass{}
	add := func(name, parent string, special bool) {
		out[name] = &excClass{name: name, parent: out[parent], module: "builtins", special: special || out[parent] != nil && out[parent].special}
	}
	add("BaseException", "", false)
	for _, n := range []string{"GeneratorExit", "KeyboardInterrupt", "Exception"} {
		add(n, "BaseException", false)
	}
	add("SystemExit", "BaseException", true)
	add("BaseExceptionGroup", "BaseException", true)
	for _, n := range []string{"ArithmeticError", "AssertionError", "BufferError", "EOFError", "LookupError",
		"MemoryError", "ReferenceError", "RuntimeError", "StopAsyncIteration", "SystemError", "TypeError",
		"ValueError", "Warning"} {
		add(n, "Exception", false)
	}
	for _, n := range []string{"AttributeError", "ImportError", "NameError", "OSError", "StopIteration", "SyntaxError"} {
		add(n, "Exception", true)
	}
	out["ExceptionGroup"] = &excClass{name: "ExceptionGroup", parent: out["BaseExceptionGroup"], module: "builtins", special: true}
	for _, n := range []string{"FloatingPointError", "OverflowError", "ZeroDivisionError"} {
		add(n, "ArithmeticError", false)
	}
	add("ModuleNotFoundError", "ImportError", false)
	add("IndexError", "LookupError", false)
	add("KeyError", "LookupError", false)
	add("UnboundLocalError", "NameError", false)
	for _, n := range []string{"BlockingIOError", "ChildProcessError", "ConnectionError", "FileExistsError",
		"FileNotFoundError", "InterruptedError", "IsADirectoryError", "NotADirectoryError", "PermissionError",
		"ProcessLookupError", "TimeoutError"} {
		add(n, "OSError", false)
	}
	for _, n := range []string{"BrokenPipeError", "ConnectionAbortedError", "ConnectionRefusedError", "ConnectionResetError"} {
		add(n, "ConnectionError", false)
	}
	add("NotImplementedError", "RuntimeError", false)
	add("RecursionError", "RuntimeError", false)
	add("IndentationError", "SyntaxError", false)
	add("TabError", "IndentationError", false)
	add("UnicodeError", "ValueError", false)
	for _, n := range []string{"UnicodeDecodeError", "UnicodeEncodeError", "UnicodeTranslateError"} {
		add(n, "UnicodeError", true)
	}
	for _, n := range []string{"BytesWarning", "DeprecationWarning", "EncodingWarning", "FutureWarning", "ImportWarning",
		"PendingDeprecationWarning", "ResourceWarning", "RuntimeWarning", "SyntaxWarning", "UnicodeWarning", "UserWarning"} {
		add(n, "Warning", false)
	}
	for _, n := range []string{"BaseExceptionGroup", "ExceptionGroup", "UnicodeDecodeError", "UnicodeEncodeError", "UnicodeTranslateError"} {
		out[n].group = true
	}
	out["EnvironmentError"] = out["OSError"]
	out["IOError"] = out["OSError"]
	return out
}()

// pydanticValidationError is pydantic v1's ValidationError (a ValueError).
var pydanticValidationError = &excClass{name: "ValidationError", parent: builtinExceptions["ValueError"],
	module: "pydantic.error_wrappers", special: true}

// pydanticConfigError is pydantic v1's ConfigError (a RuntimeError), which
// a class definition pydantic refuses raises.
var pydanticConfigError = &excClass{name: "ConfigError", parent: builtinExceptions["RuntimeError"],
	module: "pydantic.errors", special: true}

// exceptionBuiltin is the builtin named name that this file provides: an
// exception class, type() or issubclass(); nil for another name.
func exceptionBuiltin(name string) value.Value {
	if c, ok := builtinExceptions[name]; ok {
		return c
	}
	switch name {
	case "type":
		return &builtin{name: "type", fn: fnType}
	case "issubclass":
		return &builtin{name: "issubclass", fn: fnIssubclass}
	}
	return nil
}

// excClassNamed is the class of an exception the evaluator raises by name.
func excClassNamed(typ string) *excClass {
	switch typ {
	case "ValidationError":
		return pydanticValidationError
	case "ConfigError":
		return pydanticConfigError
	}
	return builtinExceptions[typ]
}

// exactMessages are the messages (type and format) of exceptions the
// evaluator raises that are CPython's exact text for every argument the
// evaluator formats into them; each has a golden case. An exception raised
// with any other format has a message of the evaluator's own wording.
var exactMessages = map[string]bool{
	"ZeroDivisionError: division by zero":                                                          true,
	"ZeroDivisionError: integer division or modulo by zero":                                        true,
	"ZeroDivisionError: integer modulo by zero":                                                    true,
	"ZeroDivisionError: float division by zero":                                                    true,
	"ZeroDivisionError: float floor division by zero":                                              true,
	"ZeroDivisionError: float modulo":                                                              true,
	"ZeroDivisionError: float divmod()":                                                            true,
	"ZeroDivisionError: 0.0 cannot be raised to a negative power":                                  true,
	"IndexError: %s index out of range":                                                            true,
	"IndexError: pop from empty list":                                                              true,
	"ValueError: invalid literal for int() with base %d: %s":                                       true,
	"ValueError: could not convert string to float: %s":                                            true,
	"ValueError: too many values to unpack (expected %d)":                                          true,
	"ValueError: not enough values to unpack (expected %d, got %d)":                                true,
	"ValueError: not enough values to unpack (expected at least %d, got %d)":                       true,
	"ValueError: substring not found":                                                              true,
	"ValueError: %s is not in list":                                                                true,
	"ValueError: list.remove(x): x not in list":                                                    true,
	"ValueError: %s() arg is an empty sequence":                                                    true,
	"NameError: name '%s' is not defined":                                                          true,
	"UnboundLocalError: cannot access local variable '%s' where it is not associated with a value": true,
	"AttributeError: '%s' object has no attribute '%s'":                                            true,
	"TypeError: can only concatenate str (not \"%s\") to str":                                      true,
	"TypeError: can only concatenate list (not \"%s\") to list":                                    true,
	"TypeError: unsupported operand type(s) for %s: '%s' and '%s'":                                 true,
	"TypeError: '%s' object is not subscriptable":                                                  true,
	"TypeError: '%s' object is not iterable":                                                       true,
	"TypeError: '%s' object is not callable":                                                       true,
	"TypeError: unhashable type: '%s'":                                                             true,
}

// vagueTypeName tells a message that names a type the evaluator may name
// differently from CPython: a class's type (a pydantic model's is
// ModelMetaclass, and CPython words some errors about classes apart), a
// flow (a Flow object in Prefect), or an internal object.
func vagueTypeName(msg string) bool {
	for _, n := range []string{"'type'", "'function'", "'state'", "'factory'", "\"type\"", "\"function\""} {
		if strings.Contains(msg, n) {
			return true
		}
	}
	return false
}

// attachException gives an exception the evaluator raises (m.raise) the
// object an except clause binds: its class, its args when the message is
// CPython's exact text, and its __context__.
func (m *module) attachException(exc *pyExc, format, msg string) {
	exc.unknowns = m.s.unknown
	cls := excClassNamed(exc.Type)
	if cls == nil {
		return
	}
	obj := &exceptionObj{class: cls, origin: exc.Diag}
	if exactMessages[exc.Type+": "+format] && !vagueTypeName(msg) {
		obj.args = &value.Tuple{Elems: []value.Value{value.Str(msg)}}
	}
	m.setContext(obj)
	exc.obj = obj
}

// excObject is the exception object of a raised exception; nil when its
// class is not known.
func (m *module) excObject(exc *pyExc) *exceptionObj {
	if exc.obj == nil {
		cls := excClassNamed(exc.Type)
		if cls == nil {
			return nil
		}
		exc.obj = &exceptionObj{class: cls, origin: exc.Diag}
	}
	return exc.obj
}

// keyError is the KeyError a failed lookup of key raises: its args are the
// key itself (str(e) is repr(key)). note is added to the report only.
func (m *module) keyError(at pysyntax.Node, key value.Value, note string) *pyExc {
	exc := m.raise(at, "KeyError", "%s%s", m.repr(at, key), note)
	if exc.obj != nil {
		exc.obj.args = &value.Tuple{Elems: []value.Value{key}}
	}
	return exc
}

// environKeyError is the KeyError os.environ[name] raises for a variable
// that is not set: os.environ raises KeyError(name) from None while
// handling the KeyError of its encoded key.
func (m *module) environKeyError(at pysyntax.Node, name value.Str) *pyExc {
	exc := m.keyError(at, name, " (environment variable not set in the extractor's environment)")
	if exc.obj != nil {
		inner := &exceptionObj{class: exc.obj.class, args: &value.Tuple{Elems: []value.Value{value.Bytes(name)}}}
		m.setContext(inner)
		exc.obj.context, exc.obj.suppress = inner, true
	}
	return exc
}

// reprTrunc is CPython's %.200R: repr(s) cut to 200 characters.
func reprTrunc(s string) string {
	r := pyfmt.ReprStr(s)
	if n := 0; len(r) > 200 {
		for i := range r {
			if n == 200 {
				return r[:i]
			}
			n++
		}
	}
	return r
}

// setContext sets obj.__context__ to the exception being handled, as
// CPython does when obj is raised, breaking any cycle this would make.
func (m *module) setContext(obj *exceptionObj) {
	if len(m.s.handling) == 0 {
		return
	}
	cur := m.excObject(m.s.handling[len(m.s.handling)-1])
	if cur == nil || cur == obj {
		return
	}
	for o, n := cur, 0; o.context != nil && n < maxSeqLen; o, n = o.context, n+1 {
		if o.context == obj {
			o.context = nil
			break
		}
	}
	obj.context = cur
}

// ---- raise, except, assert ----

func (m *module) execRaise(st *pysyntax.RaiseStmt) {
	if st.Exc == nil {
		if n := len(m.s.handling); n > 0 {
			panic(m.s.handling[n-1])
		}
		panic(m.raiseExact(st, "RuntimeError", "No active exception to reraise"))
	}
	obj := m.raisedObject(st, st.Exc, m.eval(st.Exc), "exceptions must derive from BaseException")
	if st.Cause != nil {
		cv := m.eval(st.Cause)
		if cv == value.Value(value.None) {
			obj.cause = nil
		} else {
			obj.cause = m.raisedObject(st, st.Cause, cv, "exception causes must derive from BaseException")
		}
		obj.suppress = true
	}
	panic(m.throw(st, obj))
}

// raisedObject is the exception `raise v` raises: v itself, or an
// instance of the class v.
func (m *module) raisedObject(st *pysyntax.RaiseStmt, e pysyntax.Expr, v value.Value, notExc string) *exceptionObj {
	switch x := v.(type) {
	case *exceptionObj:
		return x
	case *excClass:
		c := &call{m: m, at: e, name: x.name}
		if obj, ok := m.newException(c, x).(*exceptionObj); ok {
			return obj
		}
		v = m.unknown(e, "instances of %s are not modeled", x.name)
	}
	if u, ok := v.(value.Unknown); ok {
		m.s.unknown++
		panic(&pyExc{unknowns: m.s.unknown, Diag: diag.Errorf(m.f.PosOf(st), m.f.Text(st), "an exception the extractor cannot know is raised here: %s", u.Err.Error())})
	}
	if _, ok := v.(*value.Class); ok {
		// a class the evaluator does not model may derive from BaseException
		u := m.unknown(st, "raise of class %s, which the extractor does not model", m.f.Text(e))
		panic(&pyExc{unknowns: m.s.unknown, Diag: u.Err})
	}
	panic(m.raiseExact(st, "TypeError", notExc))
}

// raiseExact raises an exception whose message is CPython's exact text.
func (m *module) raiseExact(at pysyntax.Node, typ, msg string) *pyExc {
	exc := m.raise(at, typ, "%s", msg)
	if exc.obj != nil {
		exc.obj.args = &value.Tuple{Elems: []value.Value{value.Str(msg)}}
	}
	return exc
}

// throw raises obj at the statement at.
func (m *module) throw(at pysyntax.Node, obj *exceptionObj) *pyExc {
	m.setContext(obj)
	return &pyExc{Type: obj.class.name, obj: obj, unknowns: m.s.unknown,
		Diag: diag.Errorf(m.f.PosOf(at), m.f.Text(at), "%s: %s", obj.class.name, m.reportMessage(at, obj))}
}

// reportMessage is the message of an exception for the evaluator's report
// of an exception that ends the module. It runs no project code.
func (m *module) reportMessage(at pysyntax.Node, obj *exceptionObj) (msg string) {
	if obj.args == nil && obj.origin != nil && obj.verr == nil {
		return strings.TrimPrefix(obj.origin.Msg, obj.class.name+": ")
	}
	if obj.class.findMethod("__str__") != nil {
		return "(its message comes from " + obj.class.name + ".__str__, which is not run for this report)"
	}
	m.s.reporting++
	defer func() {
		m.s.reporting--
		if r := recover(); r != nil {
			switch r.(type) {
			case unknownSignal, *pyExc:
				msg = "(its message is not known statically)"
			default:
				panic(r)
			}
		}
	}()
	s := m.baseExcStr(at, obj)
	if s == "" {
		return "raised at import time"
	}
	return s
}

// failAssert raises the AssertionError of a failed assert statement.
func (m *module) failAssert(st *pysyntax.AssertStmt) {
	obj := &exceptionObj{class: builtinExceptions["AssertionError"], args: &value.Tuple{}}
	if st.Msg != nil {
		obj.args.Elems = []value.Value{m.eval(st.Msg)}
	}
	exc := m.throw(st, obj)
	if len(obj.args.Elems) == 0 {
		exc.Diag.Msg = "AssertionError: assertion failed at import time"
	}
	panic(exc)
}

// runHandler runs the except clause h that caught exc: the name it binds
// is deleted when the clause ends, however it ends, as CPython does; a
// bare raise in it re-raises exc.
func (m *module) runHandler(h *pysyntax.ExceptClause, exc *pyExc) ctrl {
	m.s.handling = append(m.s.handling, exc)
	defer func() { m.s.handling = m.s.handling[:len(m.s.handling)-1] }()
	if h.Name != "" {
		var v value.Value = m.excObject(exc)
		if v == value.Value((*exceptionObj)(nil)) {
			v = m.unknown(h, "the exception caught here is not known: %s", exc.Diag.Error())
		}
		m.ns.set(h.Name, v)
		defer m.ns.del(h.Name)
	}
	return m.execBlock(h.Body)
}

// uncertainRaise handles an exception raised after its try body used
// values not known statically, which may have raised another exception
// before: the handler that would catch it may run with another exception,
// or another handler may: every handler's effects are unknown. It returns
// the handler that catches exc, or nil when none does (exc propagates).
func (m *module) uncertainRaise(st *pysyntax.TryStmt, exc *pyExc) *pysyntax.ExceptClause {
	var catcher *pysyntax.ExceptClause
	for i := range st.Handlers {
		h := &st.Handlers[i]
		if match, known := m.excMatches(h, exc); match || !known {
			catcher = h
			break
		}
	}
	if catcher == nil {
		return nil
	}
	what := exc.Type
	if what == "" {
		what = "exception"
	}
	for i := range st.Handlers {
		h := &st.Handlers[i]
		reason := m.unknown(h, "the except clause at line %d may catch another exception: its try body used values not known statically before the %s at %s", m.f.PosOf(h).Line, what, exc.Diag.Pos)
		m.forgetEffects(h.Body, reason)
		if h.Name != "" {
			m.ns.set(h.Name, reason)
		}
	}
	return catcher
}

// runFinally runs a finally clause; pending is the exception that
// propagates through it (nil if none), which a bare raise re-raises there.
func (m *module) runFinally(stmts []pysyntax.Stmt, pending *pyExc) ctrl {
	if pending != nil {
		m.s.handling = append(m.s.handling, pending)
		defer func() { m.s.handling = m.s.handling[:len(m.s.handling)-1] }()
	}
	return m.execBlock(stmts)
}

// excMatches tells whether the handler catches exc; known=false when that
// cannot be known statically.
func (m *module) excMatches(h *pysyntax.ExceptClause, exc *pyExc) (match, known bool) {
	if h.Type == nil {
		return true, true
	}
	var cls *excClass
	if obj := m.excObject(exc); obj != nil {
		cls = obj.class
	}
	var check func(v value.Value) (bool, bool)
	check = func(v value.Value) (bool, bool) {
		switch t := v.(type) {
		case *excClass:
			if t == builtinExceptions["BaseException"] {
				return true, true
			}
			if cls == nil {
				return false, false
			}
			return cls.isSubclassOf(t), true
		case *value.Tuple:
			any := false
			for _, e := range t.Elems {
				ok, known := check(e)
				if !known {
					return false, false
				}
				any = any || ok
			}
			return any, true
		}
		return false, false
	}
	var v value.Value
	if e := m.protect(func() { v = m.eval(h.Type) }); e != nil {
		return false, false
	}
	return check(v)
}

// ---- construction ----

// newException is calling an exception class.
func (m *module) newException(c *call, cls *excClass) value.Value {
	if why := cls.broken(); why != nil {
		u := m.unknown(c.at, "instances of %s are not modeled: %s", cls.name, why.Error())
		m.taintArgs(c, u)
		return u
	}
	base := cls.builtinBase()
	init := cls.findMethod("__init__")
	if base == pydanticValidationError || base.group || base.special && (len(c.args) > 1 || len(c.kwargs) > 0 || init != nil) {
		u := m.unknown(c.at, "%s built this way is not modeled (only %s's plain form, with at most one argument, is)", cls.name, base.name)
		m.taintArgs(c, u)
		return u
	}
	// BaseException.__new__ keeps the positional arguments as args; an
	// __init__ may replace them through super().__init__.
	obj := &exceptionObj{class: cls, args: &value.Tuple{Elems: append([]value.Value(nil), c.args...)}}
	if init == nil {
		if len(c.kwargs) > 0 {
			panic(m.raiseExact(c.at, "TypeError", cls.name+"() takes no keyword arguments"))
		}
		return obj
	}
	if init.kind != plainMethod {
		u := m.unknown(c.at, "%s.__init__ is not a plain method", cls.name)
		m.taintArgs(c, u)
		return u
	}
	sub := *c
	sub.name = "__init__"
	if ret := m.callValue(&sub, boundMethod(init.fn, obj)); ret != value.Value(value.None) {
		if u, ok := ret.(value.Unknown); ok {
			return u
		}
		panic(m.raiseExact(c.at, "TypeError", "__init__() should return None, not '"+typeName(ret)+"'"))
	}
	return obj
}

// baseExceptionInit is BaseException.__init__ bound to self.
func baseExceptionInit(self *exceptionObj) value.Value {
	return &builtin{name: "__init__", typeName: "method-wrapper", fn: func(c *call) value.Value {
		if self.class.builtinBase().special {
			return c.m.unknown(c.at, "%s.__init__ is not modeled", self.class.builtinBase().name)
		}
		if len(c.kwargs) > 0 {
			panic(c.m.raiseExact(c.at, "TypeError", self.class.name+"() takes no keyword arguments"))
		}
		self.args = &value.Tuple{Elems: append([]value.Value(nil), c.args...)}
		return value.None
	}}
}

// unboundBaseInit is BaseException.__init__ read from a builtin class,
// called with the instance first (Exception.__init__(self, msg)).
func unboundBaseInit(cls *excClass) value.Value {
	return &builtin{name: "__init__", typeName: "wrapper_descriptor", fn: func(c *call) value.Value {
		if len(c.args) == 0 {
			return c.m.unknown(c.at, "%s.__init__ called without an instance is not modeled", cls.name)
		}
		self, ok := c.args[0].(*exceptionObj)
		if !ok || !self.class.isSubclassOf(cls) {
			return c.m.unknown(c.at, "%s.__init__ called with a %s is not modeled", cls.name, typeName(c.args[0]))
		}
		sub := *c
		sub.args = c.args[1:]
		return baseExceptionInit(self).(*builtin).fn(&sub)
	}}
}

// excSuperCall is super(cls, obj) in an exception class's method; nil for
// any other super() call.
func excSuperCall(c *call) value.Value {
	if len(c.args) != 2 || len(c.kwargs) > 0 {
		return nil
	}
	cls, ok := c.args[0].(*excClass)
	obj, isObj := c.args[1].(*exceptionObj)
	if !ok || !isObj || cls.user == nil || !obj.class.isSubclassOf(cls) {
		return nil
	}
	return &excSuper{owner: cls, self: obj}
}

// ---- str, repr, attributes ----

// excStr is str(e).
func (m *module) excStr(at pysyntax.Node, e *exceptionObj) string {
	if mt := e.class.findMethod("__str__"); mt != nil {
		return m.callDunderStr(at, e, mt, "__str__")
	}
	return m.baseExcStr(at, e)
}

// callDunderStr runs a project __str__ or __repr__.
func (m *module) callDunderStr(at pysyntax.Node, e *exceptionObj, mt *method, name string) string {
	if mt.kind != plainMethod {
		panic(unknownSignal{m.unknown(at, "%s.%s is not a plain method", e.class.name, name)})
	}
	if m.s.reporting > 0 {
		panic(unknownSignal{m.unknown(at, "%s.%s is not run for a report", e.class.name, name)})
	}
	out := m.need(m.callValue(&call{m: m, at: at, name: name}, boundMethod(mt.fn, e)))
	s, ok := out.(value.Str)
	if !ok {
		panic(m.raiseExact(at, "TypeError", name+" returned non-string (type "+typeName(out)+")"))
	}
	return string(s)
}

// knownArgs is e.args, or the unwinding that says why it is not known.
func (m *module) knownArgs(at pysyntax.Node, e *exceptionObj) *value.Tuple {
	if e.args == nil {
		if e.verr != nil {
			panic(unknownSignal{m.unknown(at, "the args of pydantic's ValidationError hold its error wrappers, which are not modeled")})
		}
		where := ""
		if e.origin != nil {
			where = " (" + e.origin.Pos.String() + ")"
		}
		panic(unknownSignal{m.unknown(at, "the message of this %s%s is the extractor's wording, not CPython's exact text", e.class.name, where)})
	}
	return e.args
}

// baseExcStr is BaseException.__str__ (and KeyError's, SyntaxError's,
// pydantic ValidationError's).
func (m *module) baseExcStr(at pysyntax.Node, e *exceptionObj) string {
	if e.verr != nil {
		return m.validationStr(at, e)
	}
	args := m.knownArgs(at, e).Elems
	switch {
	case len(args) == 1 && e.class.isSubclassOf(builtinExceptions["KeyError"]):
		return m.repr(at, args[0])
	case len(args) == 0 && e.class.isSubclassOf(builtinExceptions["SyntaxError"]):
		return "None"
	case len(args) == 0:
		return ""
	case len(args) == 1:
		return m.str(at, args[0])
	}
	return m.repr(at, &value.Tuple{Elems: args})
}

// excRepr is repr(e).
func (m *module) excRepr(at pysyntax.Node, e *exceptionObj) string {
	if mt := e.class.findMethod("__repr__"); mt != nil {
		return m.callDunderStr(at, e, mt, "__repr__")
	}
	return m.baseExcRepr(at, e)
}

func (m *module) baseExcRepr(at pysyntax.Node, e *exceptionObj) string {
	if e.verr != nil {
		return "ValidationError(model=" + m.repr(at, value.Str(e.verr.model)) + ", errors=" + m.repr(at, m.validationErrors(at, e)) + ")"
	}
	args := m.knownArgs(at, e)
	if len(args.Elems) == 1 {
		return e.class.name + "(" + m.repr(at, args.Elems[0]) + ")"
	}
	return e.class.name + m.repr(at, args)
}

// excClassRepr is repr(cls).
func (m *module) excClassRepr(at pysyntax.Node, c *excClass) string {
	switch {
	case c.user == nil && c.module == "builtins":
		return "<class '" + c.name + "'>"
	case c.user != nil && c.user.qualname != "":
		return "<class '" + c.module + "." + c.user.qualname + "'>"
	}
	panic(unknownSignal{m.unknown(at, "the repr of class %s names where it is defined, which is not known", c.name)})
}

func orNone(e *exceptionObj) value.Value {
	if e == nil {
		return value.None
	}
	return e
}

// excAttr is e.name.
func (m *module) excAttr(at pysyntax.Node, e *exceptionObj, name string) value.Value {
	switch name {
	case "args":
		return guard(func() value.Value { return m.knownArgs(at, e) })
	case "__class__":
		return e.class
	case "__cause__":
		return orNone(e.cause)
	case "__context__":
		return orNone(e.context)
	case "__suppress_context__":
		return value.Bool(e.suppress)
	case "__dict__":
		if e.dict == nil {
			e.dict = &value.Dict{}
		}
		return e.dict
	case "errors":
		if e.verr != nil {
			return &builtin{name: "errors", typeName: "method", fn: func(c *call) value.Value {
				c.noKwargs()
				c.arity(0, 0)
				return c.m.validationErrors(c.at, e)
			}}
		}
	}
	if isPrivateName(name) {
		return m.unknown(at, "private (name-mangled) attributes of exceptions are not modeled")
	}
	if e.dict != nil {
		if i := m.dictFind(at, e.dict, value.Str(name)); i >= 0 {
			return e.dict.Vals[i]
		}
	}
	if v, ok := m.excClassMember(at, e.class, e, name); ok {
		return v
	}
	if strings.HasPrefix(name, "__") || name == "with_traceback" || name == "add_note" || e.class.builtinBase().special {
		return m.unknown(at, "attribute %s of a %s is not modeled", name, e.class.name)
	}
	panic(m.raiseExact(at, "AttributeError", "'"+e.class.name+"' object has no attribute '"+name+"'"))
}

// isPrivateName tells a name Python mangles inside a class (__x, not __x__).
func isPrivateName(name string) bool {
	return strings.HasPrefix(name, "__") && !strings.HasSuffix(name, "__")
}

// excClassMember is a class attribute or method of cls read through obj
// (an instance, or the class itself).
func (m *module) excClassMember(at pysyntax.Node, cls *excClass, obj value.Value, name string) (value.Value, bool) {
	if len(m.s.taint) > 0 {
		// code the extractor does not run may have changed the class
		for c := cls; c != nil && c.user != nil; c = c.parent {
			if err, ok := m.s.taint[c]; ok {
				return value.Unknown{Err: err}, true
			}
		}
	}
	if v, ok := cls.classAttr(name); ok {
		return v, true
	}
	mt := cls.findMethod(name)
	if mt == nil {
		return nil, false
	}
	_, isInstance := obj.(*exceptionObj)
	switch mt.kind {
	case propertyMethod:
		if !isInstance {
			return m.unknown(at, "property objects are not modeled"), true
		}
		return m.callValue(&call{m: m, at: at, name: mt.fn.Name, args: []value.Value{obj}, argNodes: []pysyntax.Node{at}}, mt.fn), true
	case classMethod:
		return boundMethod(mt.fn, cls), true
	case staticMethod:
		return mt.fn, true
	}
	if !isInstance {
		return mt.fn, true
	}
	return boundMethod(mt.fn, obj), true
}

// setExcAttr is e.name = v.
func (m *module) setExcAttr(at pysyntax.Node, e *exceptionObj, name string, v value.Value) {
	switch name {
	case "args":
		if u, ok := v.(value.Unknown); ok {
			m.taintObj(e, u.Err)
			return
		}
		e.args = &value.Tuple{Elems: m.iterate(at, v)}
		return
	case "__cause__", "__context__":
		var x *exceptionObj
		switch y := v.(type) {
		case *exceptionObj:
			x = y
		case value.NoneType:
		default:
			m.taintObj(e, m.unknown(at, "assignment of a %s to %s is not modeled", typeName(v), name).Err)
			return
		}
		if name == "__cause__" {
			e.cause, e.suppress = x, true
		} else {
			e.context = x
		}
		return
	}
	if strings.HasPrefix(name, "__") || e.class.findMethod(name) != nil {
		m.taintObj(e, m.unknown(at, "assignment to attribute %s of an exception is not modeled", name).Err)
		return
	}
	if e.dict == nil {
		e.dict = &value.Dict{}
	}
	m.dictSet(at, e.dict, value.Str(name), v)
}

// excClassAttr is cls.name.
func (m *module) excClassAttr(at pysyntax.Node, cls *excClass, name string) value.Value {
	switch name {
	case "__name__":
		return value.Str(cls.name)
	case "__qualname__":
		if cls.user == nil {
			return value.Str(cls.name)
		}
		if cls.user.qualname != "" {
			return value.Str(cls.user.qualname)
		}
	case "__module__":
		if cls.user != nil || cls.module == "builtins" {
			return value.Str(cls.module)
		}
	case "__base__":
		if cls.parent != nil {
			return cls.parent
		}
	}
	if cls.user != nil && !isPrivateName(name) {
		if v, ok := m.excClassMember(at, cls, cls, name); ok {
			return v
		}
	}
	if name == "__init__" {
		return unboundBaseInit(cls.builtinBase())
	}
	if cls.user != nil && !isPrivateName(name) {
		if name == "__doc__" {
			return value.None
		}
	}
	if strings.HasPrefix(name, "__") || name == "args" || name == "with_traceback" || name == "add_note" ||
		cls.builtinBase().special || cls.user == nil {
		return m.unknown(at, "attribute %s of class %s is not modeled", name, cls.name)
	}
	panic(m.raiseExact(at, "AttributeError", "type object '"+cls.name+"' has no attribute '"+name+"'"))
}

// setExcClassAttr is cls.name = v for a project exception class.
func (m *module) setExcClassAttr(at pysyntax.Node, cls *excClass, name string, v value.Value) {
	if strings.HasPrefix(name, "__") {
		m.poison(at, "class %s is changed after its definition (%s.%s = ...); the extractor cannot follow it", cls.name, cls.name, name)
		return
	}
	delete(cls.user.methods, name)
	cls.user.attrs[name] = v
}

// ---- class statements ----

// defineExcClass executes a class statement whose base is an exception
// class; broken is why its instances cannot be modeled already (a
// decorator), or nil. The class body's namespace is pushed already.
func (m *module) defineExcClass(st *pysyntax.ClassStmt, base *excClass, broken *diag.Diagnostic) value.Value {
	u := &userExc{attrs: map[string]value.Value{"__doc__": value.None}, methods: map[string]*method{}, broken: broken}
	if !m.inFunction && len(m.classNS) == 1 {
		u.qualname = st.Name
	}
	cls := &excClass{name: st.Name, parent: base, module: m.name, user: u}
	brk := func(n pysyntax.Node, format string, args ...any) {
		if u.broken == nil {
			u.broken = m.unknown(n, format, args...).Err
		}
	}
	if base == pydanticValidationError || base.user == nil && base.group {
		brk(st, "classes deriving from %s are not modeled", base.name)
	}
	if len(st.Decorators) > 0 {
		brk(st.Decorators[0], "decorated exception classes are not modeled")
	}
	body := m.classNS[len(m.classNS)-1]
	body.set("__module__", value.Str(m.name))
	body.set("__qualname__", value.Str(st.Name))
	for i, s := range st.Body {
		switch x := s.(type) {
		case *pysyntax.ExprStmt:
			if lit, ok := x.X.(*pysyntax.StrLit); ok && i == 0 {
				if !lit.Bytes {
					u.attrs["__doc__"] = value.Str(lit.Value)
					body.set("__doc__", value.Str(lit.Value))
				}
				continue
			}
			brk(s, "expression statements in an exception class body are not modeled")
		case *pysyntax.SimpleStmt:
			if x.Keyword != "pass" {
				brk(s, "this statement in an exception class body is not modeled")
			}
		case *pysyntax.AssignStmt:
			id, ok := x.Targets[0].(*pysyntax.Ident)
			if len(x.Targets) != 1 || !ok || strings.HasPrefix(id.Name, "__") || baseExceptionNames[id.Name] {
				brk(s, "only simple class attributes (name = value) are modeled in an exception class body")
				continue
			}
			if x.Value == nil {
				if x.Annotation != nil {
					m.annotationValues(x.Annotation)
				}
				continue
			}
			v := m.eval(x.Value)
			if x.Annotation != nil {
				m.annotationValues(x.Annotation)
			}
			body.set(id.Name, v)
			delete(u.methods, id.Name)
			u.attrs[id.Name] = v
		case *pysyntax.DefStmt:
			if mt := m.excMethod(cls, x, brk); mt != nil {
				body.set(x.Name, mt.fn)
				delete(u.attrs, x.Name)
				u.methods[x.Name] = mt
			}
		default:
			brk(s, "this statement in an exception class body is not modeled")
		}
	}
	return cls
}

// baseExceptionNames are BaseException's attributes that a class body
// would shadow: not modeled.
var baseExceptionNames = map[string]bool{"args": true, "with_traceback": true, "add_note": true}

// excMethod makes the method a def in an exception class body defines.
func (m *module) excMethod(cls *excClass, st *pysyntax.DefStmt, brk func(pysyntax.Node, string, ...any)) *method {
	if strings.HasPrefix(st.Name, "__") && st.Name != "__init__" && st.Name != "__str__" && st.Name != "__repr__" || baseExceptionNames[st.Name] {
		brk(st, "class %s defines %s, which the extractor does not model", cls.name, st.Name)
		return nil
	}
	kind, bad := decoratedKind(st)
	if bad != nil {
		brk(bad, "class %s has a method decorated by %s, which the extractor does not run", cls.name, m.f.Text(bad))
		return nil
	}
	if len(st.Decorators) > 1 {
		brk(st, "class %s has a method with several decorators, which the extractor does not run", cls.name)
		return nil
	}
	fn := &value.Function{Name: st.Name, Pos: m.f.PosOf(st), Async: st.Async}
	fn.Impl = &funcImpl{def: st, mod: m, env: m.ns, params: m.params(st.Params), excOwner: cls}
	return &method{fn: fn, kind: kind}
}

// excSuper is super() in a method of a project exception class.
type excSuper struct {
	owner *excClass
	self  value.Value
}

func (*excSuper) TypeName() string { return "super" }

// excSuperAttr is super().name: the classes after the method's own.
func (m *module) excSuperAttr(at pysyntax.Node, s *excSuper, name string) value.Value {
	self, ok := s.self.(*exceptionObj)
	if !ok {
		return m.unknown(at, "super() outside a method of an exception instance is not modeled")
	}
	next := s.owner.parent
	if next != nil && next.user != nil {
		if v, ok := m.excClassMember(at, next, self, name); ok {
			return v
		}
	}
	switch name {
	case "__init__":
		return baseExceptionInit(self)
	case "__str__", "__repr__":
		return &builtin{name: name, typeName: "method-wrapper", fn: func(c *call) value.Value {
			c.noKwargs()
			c.arity(0, 0)
			if name == "__str__" {
				return value.Str(c.m.baseExcStr(c.at, self))
			}
			return value.Str(c.m.baseExcRepr(c.at, self))
		}}
	}
	return m.unknown(at, "super().%s is not modeled", name)
}

// ---- builtins ----

// fnType is type(x): the class of an exception or of an enum member;
// other values' types are not modeled.
func fnType(c *call) value.Value {
	if len(c.args) == 1 && len(c.kwargs) == 0 {
		switch x := c.args[0].(type) {
		case *exceptionObj:
			return x.class
		case *value.EnumMember:
			return x.Class
		case value.Unknown:
			c.m.s.unknown++
			return x
		}
	}
	u := c.m.unknown(c.at, "builtin type is not supported (only for exceptions and enum members)")
	c.m.s.unknown++
	c.m.taintArgs(c, u)
	return u
}

// fnIssubclass is issubclass(cls, classinfo) for exception classes.
func fnIssubclass(c *call) value.Value {
	c.noKwargs()
	c.arity(2, 2)
	a, ok := c.arg(0).(*excClass)
	if !ok {
		return c.m.unknown(c.at, "issubclass() is modeled for exception classes only")
	}
	var check func(v value.Value) bool
	check = func(v value.Value) bool {
		switch t := c.m.need(v).(type) {
		case *excClass:
			return a.isSubclassOf(t)
		case *value.Tuple:
			for _, e := range t.Elems {
				if check(e) {
					return true
				}
			}
			return false
		}
		panic(unknownSignal{c.m.unknown(c.at, "issubclass() is modeled for exception classes only")})
	}
	return value.Bool(check(c.args[1]))
}

// ---- pydantic's ValidationError ----

// validationError is the ValidationError pydantic v1 raises when building
// model fails with errs.
func (m *module) validationError(at pysyntax.Node, model string, errs []fieldError) *pyExc {
	var b strings.Builder
	b.WriteString(itoa(len(errs)) + " validation error" + plural(len(errs)) + " for " + model)
	for _, e := range errs {
		b.WriteString("\n" + e.loc + "\n  " + e.msg + " (type=" + e.typ)
		if e.ctx != nil {
			for i, k := range e.ctx.Keys {
				b.WriteString("; " + m.reportStr(at, k) + "=" + m.reportStr(at, e.ctx.Vals[i]))
			}
		}
		b.WriteString(")")
	}
	exc := m.raise(at, "ValidationError", "%s", b.String())
	exc.validation = errs
	if exc.obj != nil {
		exc.obj.verr = &validationInfo{model: model, errs: errs}
	}
	return exc
}

// reportStr is str(v) for a report, or a placeholder when not known.
func (m *module) reportStr(at pysyntax.Node, v value.Value) (s string) {
	defer func() {
		if r := recover(); r != nil {
			switch r.(type) {
			case unknownSignal, *pyExc:
				s = "<not known>"
			default:
				panic(r)
			}
		}
	}()
	return m.str(at, v)
}

// validationStr is str(e) of a ValidationError.
func (m *module) validationStr(at pysyntax.Node, e *exceptionObj) string {
	for _, fe := range e.verr.errs {
		if fe.inexact != nil {
			panic(unknownSignal{m.unknown(at, "this ValidationError's message holds the message of an exception the extractor raised in its own wording (%s)", fe.inexact.Pos)})
		}
	}
	var b strings.Builder
	b.WriteString(itoa(len(e.verr.errs)) + " validation error" + plural(len(e.verr.errs)) + " for " + e.verr.model)
	for _, fe := range e.verr.errs {
		b.WriteString("\n" + fe.loc + "\n  " + fe.msg + " (type=" + fe.typ)
		if fe.ctx != nil {
			for i, k := range fe.ctx.Keys {
				b.WriteString("; " + m.str(at, k) + "=" + m.str(at, fe.ctx.Vals[i]))
			}
		}
		b.WriteString(")")
	}
	return b.String()
}

// validationErrors is e.errors() of a ValidationError.
func (m *module) validationErrors(at pysyntax.Node, e *exceptionObj) value.Value {
	out := &value.List{}
	for _, fe := range e.verr.errs {
		if fe.inexact != nil {
			panic(unknownSignal{m.unknown(at, "this ValidationError holds the message of an exception the extractor raised in its own wording (%s)", fe.inexact.Pos)})
		}
		if strings.Contains(fe.loc, " -> ") || strings.Contains(fe.typ, ";") {
			// The location is kept as its text, and the context inside the
			// type's text: their parts (an index is an int) are not known.
			panic(unknownSignal{m.unknown(at, "e.errors() of a nested error, or of one with a context, is not modeled")})
		}
		d := &value.Dict{
			Keys: []value.Value{value.Str("loc"), value.Str("msg"), value.Str("type")},
			Vals: []value.Value{&value.Tuple{Elems: []value.Value{value.Str(fe.loc)}}, value.Str(fe.msg), value.Str(fe.typ)},
		}
		if fe.ctx != nil {
			d.Keys = append(d.Keys, value.Str("ctx"))
			d.Vals = append(d.Vals, &value.Dict{Keys: append([]value.Value(nil), fe.ctx.Keys...), Vals: append([]value.Value(nil), fe.ctx.Vals...)})
		}
		out.Elems = append(out.Elems, d)
	}
	return out
}

// validatorError is the error pydantic v1 records when a validator raises
// exc: a ValueError, TypeError or AssertionError (or a subclass) becomes
// an error of the field; nil for any other exception, which propagates.
func (m *module) validatorError(at pysyntax.Node, exc *pyExc) *fieldError {
	obj := m.excObject(exc)
	if obj == nil {
		return nil
	}
	cls := obj.class
	valueErr, typeErr, assertErr := builtinExceptions["ValueError"], builtinExceptions["TypeError"], builtinExceptions["AssertionError"]
	var typ string
	switch {
	case cls.isSubclassOf(assertErr):
		typ = "assertion_error"
	case cls.isSubclassOf(typeErr) || cls.isSubclassOf(valueErr):
		typ = "value_error"
		if cls.isSubclassOf(typeErr) {
			typ = "type_error"
		}
		if cls != typeErr && cls != valueErr {
			code := strings.ToLower(strings.ReplaceAll(cls.name, "Error", ""))
			if v, ok := cls.classAttr("code"); ok {
				switch x := v.(type) {
				case value.Str:
					if x != "" {
						code = string(x)
					}
				case value.NoneType:
				default:
					return &fieldError{typ: typ, msg: "(an error code that is not a str)", inexact: exc.Diag}
				}
			}
			typ += "." + code
		}
	default:
		return nil
	}
	fe := &fieldError{typ: typ}
	if _, ok := cls.classAttr("msg_template"); ok || obj.dict != nil && m.dictFind(at, obj.dict, value.Str("msg_template")) >= 0 {
		fe.msg, fe.inexact = "(a msg_template, which is not modeled)", exc.Diag
		return fe
	}
	if obj.dict != nil && obj.dict.Len() > 0 {
		fe.ctx = &value.Dict{Keys: append([]value.Value(nil), obj.dict.Keys...), Vals: append([]value.Value(nil), obj.dict.Vals...)}
	}
	if obj.args == nil && obj.verr == nil && cls.findMethod("__str__") == nil {
		fe.msg, fe.inexact = strings.TrimPrefix(exc.Diag.Msg, exc.Type+": "), exc.Diag
		return fe
	}
	var s string
	failed := m.protect(func() {
		s = guardStr(func() string { return m.excStr(at, obj) })
	})
	switch {
	case failed != nil:
		panic(failed)
	case s == "\x00":
		fe.msg, fe.inexact = strings.TrimPrefix(exc.Diag.Msg, exc.Type+": "), exc.Diag
	default:
		fe.msg = s
	}
	return fe
}

// guardStr runs fn; an Unknown it needs makes the result "\x00".
func guardStr(fn func() string) (s string) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(unknownSignal); !ok {
				panic(r)
			}
			s = "\x00"
		}
	}()
	return fn()
}

// taintException taints an exception's attributes and args, which code the
// extractor does not run may change.
func (m *module) taintException(e *exceptionObj, err *diag.Diagnostic, depth int) {
	if e.dict != nil {
		m.taintDeep(e.dict, err, depth+1)
	}
	if e.args != nil {
		m.taintDeep(e.args, err, depth+1)
	}
}
