package diff

import (
	"encoding"
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// generic converts a plan value to what decode(marshal(v)) gives, the form
// the diff walks: map[string]any, []any, string, json.Number, bool, nil.
// It follows encoding/json's rules for the kinds plan values use (struct
// fields by their json tags with omitempty and omitzero, pointers, slices,
// string-keyed maps, types with their own MarshalJSON) but builds the
// values directly: encoding and decoding again was most of the time of a
// large diff. A test holds it to decode(marshal(v)) on every golden plan.
func generic(v any) any {
	return genericValue(reflect.ValueOf(v))
}

var (
	marshalerType     = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
	rawMessageType    = reflect.TypeFor[json.RawMessage]()
	numberType        = reflect.TypeFor[json.Number]()
)

func genericValue(v reflect.Value) any {
	if !v.IsValid() {
		return nil
	}
	t := v.Type()
	switch {
	case t == rawMessageType:
		if v.IsNil() {
			return nil
		}
		return decode(v.Bytes())
	case t == numberType:
		s := v.String()
		if s == "" {
			return json.Number("0")
		}
		return json.Number(s)
	case t.Implements(marshalerType) || t.Implements(textMarshalerType) ||
		(t.Kind() != reflect.Pointer && reflect.PointerTo(t).Implements(marshalerType) && v.CanAddr()):
		if t.Kind() == reflect.Pointer && v.IsNil() {
			return nil
		}
		return decode(marshal(v.Interface()))
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return genericValue(v.Elem())
	case reflect.Struct:
		m := map[string]any{}
		for _, f := range cachedFields(t) {
			fv := v.FieldByIndex(f.index)
			if f.omitEmpty && isEmptyValue(fv) || f.omitZero && isZeroValue(fv) {
				continue
			}
			m[f.name] = genericValue(fv)
		}
		return m
	case reflect.Map:
		if v.IsNil() {
			return nil
		}
		m := make(map[string]any, v.Len())
		iter := v.MapRange()
		for iter.Next() {
			m[iter.Key().String()] = genericValue(iter.Value())
		}
		return m
	case reflect.Slice:
		if v.IsNil() {
			return nil
		}
		fallthrough
	case reflect.Array:
		list := make([]any, v.Len())
		for i := range list {
			list[i] = genericValue(v.Index(i))
		}
		return list
	case reflect.String:
		return v.String()
	case reflect.Bool:
		return v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return json.Number(strconv.FormatInt(v.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return json.Number(strconv.FormatUint(v.Uint(), 10))
	}
	// floats and anything else: as encoding/json writes them
	return decode(marshal(v.Interface()))
}

// field is a struct field as encoding/json sees it.
type field struct {
	name      string
	index     []int
	omitEmpty bool
	omitZero  bool
}

var fieldCache sync.Map // reflect.Type -> []field

// cachedFields lists the encoded fields of a struct type: exported, not
// tagged "-", embedded structs' fields promoted (the plan's types have no
// name conflicts).
func cachedFields(t reflect.Type) []field {
	if f, ok := fieldCache.Load(t); ok {
		return f.([]field)
	}
	var out []field
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() && !sf.Anonymous {
			continue
		}
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if sf.Anonymous && name == "" && sf.Type.Kind() == reflect.Struct {
			for _, f := range cachedFields(sf.Type) {
				f.index = append([]int{i}, f.index...)
				out = append(out, f)
			}
			continue
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		f := field{name: name, index: []int{i}}
		for _, o := range strings.Split(opts, ",") {
			switch o {
			case "omitempty":
				f.omitEmpty = true
			case "omitzero":
				f.omitZero = true
			}
		}
		out = append(out, f)
	}
	fieldCache.Store(t, out)
	return out
}

// isEmptyValue is encoding/json's omitempty test.
func isEmptyValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

// isZeroValue is encoding/json's omitzero test: IsZero() when the type has
// it, else the zero value.
func isZeroValue(v reflect.Value) bool {
	if z, ok := v.Interface().(interface{ IsZero() bool }); ok {
		if v.Kind() == reflect.Pointer && v.IsNil() {
			return true
		}
		return z.IsZero()
	}
	return v.IsZero()
}

// walkTyped is walk(generic(o), generic(n), path, emit) that does not
// convert what both sides hold equal: plain structs are compared field by
// field, in the order walk takes object keys, and only fields that differ
// are converted and walked. A resource that changed in one field (a
// deployment's version, a task definition's image) costs that field.
func walkTyped(o, n reflect.Value, path string, emit func(Kind, string, any, any)) {
	for o.IsValid() && n.IsValid() && o.Kind() == reflect.Pointer && o.Type() == n.Type() && !o.IsNil() && !n.IsNil() &&
		!o.Type().Implements(marshalerType) {
		o, n = o.Elem(), n.Elem()
	}
	if !o.IsValid() || !n.IsValid() || o.Type() != n.Type() || !plainStruct(o.Type()) {
		walk(genericValue(o), genericValue(n), path, emit)
		return
	}
	for _, f := range sortedFields(o.Type()) {
		fo, fn := o.FieldByIndex(f.index), n.FieldByIndex(f.index)
		oOmit := f.omitEmpty && isEmptyValue(fo) || f.omitZero && isZeroValue(fo)
		nOmit := f.omitEmpty && isEmptyValue(fn) || f.omitZero && isZeroValue(fn)
		p := joinField(path, f.name)
		switch {
		case oOmit && nOmit:
		case oOmit:
			emit(Added, p, nil, genericValue(fn))
		case nOmit:
			emit(Removed, p, genericValue(fo), nil)
		case reflect.DeepEqual(fo.Interface(), fn.Interface()):
		default:
			walkTyped(fo, fn, p, emit)
		}
	}
}

// plainStruct reports a struct type encoding/json encodes field by field.
func plainStruct(t reflect.Type) bool {
	return t.Kind() == reflect.Struct && !t.Implements(marshalerType) && !reflect.PointerTo(t).Implements(marshalerType) &&
		!t.Implements(textMarshalerType) && !reflect.PointerTo(t).Implements(textMarshalerType) &&
		t != rawMessageType
}

var sortedFieldCache sync.Map // reflect.Type -> []field

// sortedFields are cachedFields in the order of their JSON names.
func sortedFields(t reflect.Type) []field {
	if f, ok := sortedFieldCache.Load(t); ok {
		return f.([]field)
	}
	fields := slices.Clone(cachedFields(t))
	slices.SortFunc(fields, func(a, b field) int { return strings.Compare(a.name, b.name) })
	sortedFieldCache.Store(t, fields)
	return fields
}
