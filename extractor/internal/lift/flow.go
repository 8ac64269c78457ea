package lift

import (
	"errors"

	"github.com/flowplan/flowplan/extractor/diag"
	"github.com/flowplan/flowplan/extractor/internal/value"
	"github.com/flowplan/flowplan/extractor/spec"
)

// flow is `flow: Flow` (arbitrary_types_allowed: an isinstance check): the
// value must be a function decorated with Prefect's @flow.
func (l *lifter) flow(m model, a arg) (spec.Flow, bool) {
	if !l.known(a) {
		return spec.Flow{}, false
	}
	fn, isFn := a.val.(*value.Function)
	switch {
	case isFn && fn.Flow == nil:
		l.errorf(a, "%s.flow: value is not a Prefect flow (decorate %s with @flow)", m.name, fn.Name)
		return spec.Flow{}, false
	case !isFn:
		l.errorf(a, "%s.flow: instance of Flow expected (got %s)", m.name, typeName(a.val))
		return spec.Flow{}, false
	}
	info := fn.Flow
	f := spec.Flow{Function: info.FunctionName, Name: info.Name, Description: info.Description, Parameters: []spec.Parameter{}}
	ok := true
	for _, p := range info.Parameters {
		sp := spec.Parameter{Name: p.Name, Annotation: p.Annotation}
		// The planner's parameter schema is computed from the type
		// expression; one that cannot be read is the planner's warning.
		sp.Type, sp.TypeError = p.Type, p.TypeError
		if p.Kind != "positional_or_keyword" {
			sp.Kind = p.Kind
		}
		switch {
		case p.DefaultErr != nil:
			l.diags.Add(p.DefaultErr)
			ok = false
		case p.Default != nil:
			raw, err := jsonableDefault(p.Default)
			if err != nil {
				l.paramDefaultError(fn, p, err)
				ok = false
				break
			}
			sp.Default, sp.HasDefault = raw, true
		}
		f.Parameters = append(f.Parameters, sp)
	}
	return f, ok
}

// paramDefaultError reports a default Prefect's parameter schema cannot hold.
func (l *lifter) paramDefaultError(fn *value.Function, p value.Param, err error) {
	var nj *NotJSONError
	if errors.As(err, &nj) && nj.Unknown != nil {
		l.diags.Add(nj.Unknown)
		return
	}
	pos := fn.Flow.DecoratorPos
	if !pos.IsValid() {
		pos = fn.Pos
	}
	l.diags.Add(diag.Errorf(pos, p.DefaultSrc, "flow %s: default of parameter %s%s cannot go into Prefect's parameter schema: %s",
		fn.Name, p.Name, pathOf(nj), msgOf(nj, err)))
}
