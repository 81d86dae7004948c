package matrixoetest

import (
	"context"
	"testing"

	"github.com/mxsync-go/mxsync/matrixoe"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// No fake panics on a nil input: each is an error naming what was nil.
func TestFakesRefuseNilInputs(t *testing.T) {
	ctx := context.Background()
	st, err := NewStore(matrixoe.NewSnapshot())
	require.NoError(t, err)
	file := NewServicesFile()
	tests := []struct {
		name string
		call func() error
	}{
		{"NewStore(nil)", func() error { _, err := NewStore(nil); return err }},
		{"NewStoreFromData without a snapshot", func() error { _, err := NewStoreFromData(StoreData{}); return err }},
		{"LiveFromSnapshot(nil)", func() error { _, err := LiveFromSnapshot(nil); return err }},
		{"Store.Apply(nil)", func() error { return st.Apply(ctx, nil) }},
		{"ServicesFile.WriteServicesFile(nil)", func() error { return file.WriteServicesFile(ctx, nil) }},
		{"ServicesFile.ReadServicesFile(nil)", func() error {
			require.NoError(t, file.WriteServicesFile(ctx, matrixoe.NewSnapshot()))
			_, err := file.ReadServicesFile(ctx, nil)
			return err
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			require.NotPanics(t, func() { err = tc.call() })
			require.Error(t, err)
			assert.Contains(t, err.Error(), "nil")
		})
	}
	l, err := NewLiveFromData(LiveData{})
	require.NoError(t, err, "empty data is an empty live side")
	assert.NoError(t, l.SetExport(nil), "nil export: none provided")
}
