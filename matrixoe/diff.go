package matrixoe

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// DiffOp says how a record differs between two states.
type DiffOp string

// Difference operations.
const (
	DiffAdded   DiffOp = "added"
	DiffRemoved DiffOp = "removed"
	DiffChanged DiffOp = "changed"
)

// Difference is one record that differs between two snapshots (or two
// readings of the live side): its record type, singular and lower camel —
// "logicalServer", "storagePoolEntry", "service", "request",
// "ipAllocation", "recoveryGroup" for a snapshot; "vm", "ipInUse", "rmExport",
// "exportGroup" for the live side — its ID (the address for an
// ipAllocation or ipInUse), the operation, and for a changed record a
// bounded "field old -> new" detail for people (never used to decide
// anything). The shape is the same in vcem and spm.
type Difference struct {
	Record string `json:"record"`
	ID     string `json:"id"`
	Op     DiffOp `json:"op"`
	Detail string `json:"detail,omitempty"`
}

// String renders `logicalServer "LS1" changed: activated true -> false`.
func (d Difference) String() string {
	s := fmt.Sprintf("%s %s %s", d.Record, q(d.ID), d.Op)
	if d.Detail != "" {
		s += ": " + d.Detail
	}
	return s
}

// maxDetail bounds a Difference's Detail.
const maxDetail = 256

// fieldDetail lists the fields of two records of type V that differ, by
// their JSON names, as "name old -> new"; values are formatted short, so a
// huge field does not make a huge detail.
func fieldDetail[V any](x, y V) string {
	vx, vy := reflect.ValueOf(x), reflect.ValueOf(y)
	t := vx.Type()
	var parts []string
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			name = f.Name
		}
		ox, oy := shortValue(vx.Field(i)), shortValue(vy.Field(i))
		if ox != oy {
			parts = append(parts, name+" "+ox+" -> "+oy)
		}
	}
	return joinBounded(parts, "; ", maxDetail)
}

// shortValue formats a field value for a Difference detail: strings quoted
// and cut, lists by their first elements, addresses and times by their
// text form.
func shortValue(v reflect.Value) string {
	if t, ok := v.Interface().(time.Time); ok {
		if t.IsZero() {
			return "none"
		}
		return t.UTC().Format(time.RFC3339Nano)
	}
	if s, ok := v.Interface().(fmt.Stringer); ok && v.Kind() != reflect.String {
		return short(s.String())
	}
	switch v.Kind() {
	case reflect.String:
		return q(v.String())
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Slice:
		const most = 4
		parts := make([]string, 0, min(v.Len(), most)+1)
		for i := range v.Len() {
			if i == most {
				parts = append(parts, "… "+strconv.Itoa(v.Len()-most)+" more")
				break
			}
			parts = append(parts, shortValue(v.Index(i)))
		}
		return "[" + strings.Join(parts, " ") + "]"
	case reflect.Pointer:
		if v.IsNil() {
			return "none"
		}
		return "set"
	}
	return v.Kind().String()
}
