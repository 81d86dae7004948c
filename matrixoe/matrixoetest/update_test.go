package matrixoetest_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/matrixoe"
	"github.com/mxsync-go/mxsync/matrixoe/matrixoetest"
)

// Update is how a composed estate scripts Matrix OE's own writes: fn edits
// the databases in place, faults do not apply, Applied stays the SDK's.
func TestStoreUpdateWritesWhatMatrixOEWrites(t *testing.T) {
	ctx := context.Background()
	errInjected := errors.New("injected")
	st, err := matrixoetest.NewStore(matrixoe.NewSnapshot())
	require.NoError(t, err)
	require.NoError(t, st.AddFault(matrixoetest.Fault{Err: errInjected}))

	req := matrixoe.Request{ID: "R1", Name: "create web", State: matrixoe.RequestScheduled}
	tests := []struct {
		name    string
		fn      func(s *matrixoe.Snapshot) error
		wantErr error
		want    func(t *testing.T, s *matrixoe.Snapshot)
	}{
		{
			name: "IO schedules a request",
			fn: func(s *matrixoe.Snapshot) error {
				s.Requests[req.ID] = req
				return nil
			},
			want: func(t *testing.T, s *matrixoe.Snapshot) {
				assert.Equal(t, req, s.Requests[req.ID])
				assert.NoError(t, s.Validate())
			},
		},
		{
			name:    "an error from fn comes back",
			fn:      func(*matrixoe.Snapshot) error { return matrixoe.ErrConflict },
			wantErr: matrixoe.ErrConflict,
			want:    func(t *testing.T, s *matrixoe.Snapshot) { assert.Contains(t, s.Requests, req.ID) },
		},
		{
			name:    "a nil fn is invalid",
			wantErr: matrixoe.ErrInvalid,
			want:    func(t *testing.T, s *matrixoe.Snapshot) { assert.Len(t, s.Requests, 1) },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := st.Update(tt.fn)
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
			} else {
				assert.NoError(t, err)
			}
			assert.Empty(t, st.Faults().Hits(), "no fault applies to Update")
			tt.want(t, st.Data().Snapshot)
		})
	}
	assert.Empty(t, st.Applied(), "Matrix OE's own writes are not the SDK's changes")
	_, err = st.Snapshot(ctx)
	assert.ErrorIs(t, err, errInjected, "the port still consults the faults")
}
