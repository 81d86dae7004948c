package vcem

import (
	"fmt"

	"github.com/mxsync-go/mxsync/internal/strictjson"
)

// decodeStrict decodes b into v with internal/strictjson (unknown, repeated
// and case-folded keys, missing fields, null where a value is needed,
// trailing data and nesting deeper than strictjson.MaxDepth are errors
// naming their JSON path) and prefixes the error with the package and what
// was decoded, so that even a nesting-depth error says where it comes
// from. On error v is unchanged.
func decodeStrict[T any](what string, b []byte, v *T) error {
	if err := strictjson.Unmarshal(b, v); err != nil {
		return fmt.Errorf("vcem: %s JSON: %w", what, err)
	}
	return nil
}
