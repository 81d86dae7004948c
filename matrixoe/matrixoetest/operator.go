package matrixoetest

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/mxsync-go/mxsync/matrixoe"
)

// MarkServicesFile plays the operator of IO phase 2: it returns data (an
// InfrastructureServices.txt as written by matrixoe.FormatServicesFile)
// with a '*' put before each named service's line. A name with no line is
// an error, so a scripted run cannot silently mark nothing.
func MarkServicesFile(data []byte, names ...string) ([]byte, error) {
	lines := bytes.Split(data, []byte("\r\n"))
	for _, name := range names {
		i := slices.IndexFunc(lines, func(l []byte) bool { return string(l) == name })
		if i < 0 {
			return nil, fmt.Errorf("matrixoetest: %s has no line %q: %w", matrixoe.ServicesFileName, name, matrixoe.ErrNotFound)
		}
		lines[i] = append([]byte("*"), lines[i]...)
	}
	return bytes.Join(lines, []byte("\r\n")), nil
}
