package matrixoe

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkParseServicesFileManyProblems: a file with many unknown lines
// against a database with many services (every service then missing).
func BenchmarkParseServicesFileManyProblems(b *testing.B) {
	s := NewSnapshot()
	for i := range 5000 {
		id := fmt.Sprintf("S%d", i)
		s.Services[id] = Service{ID: id, Name: "service " + id}
	}
	data := []byte(strings.Repeat("no such service\r\n", 20000))
	b.ResetTimer()
	for b.Loop() {
		if _, err := ParseServicesFile(data, s); err == nil {
			b.Fatal("want an error")
		}
	}
}
