package matrixoetest

import (
	"testing"

	"github.com/mxsync-go/mxsync/matrixoe"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMarkServicesFile(t *testing.T) {
	s := restored(t)
	data, err := matrixoe.FormatServicesFile(s)
	require.NoError(t, err)
	marked, err := MarkServicesFile(data, "db")
	require.NoError(t, err)
	assert.Equal(t, "*db\r\nweb\r\n", string(marked))
	f, err := matrixoe.ParseServicesFile(marked, s)
	require.NoError(t, err)
	assert.Equal(t, []string{"db"}, f.Deleted())
	_, err = MarkServicesFile(data, "mail")
	assert.ErrorIs(t, err, matrixoe.ErrNotFound)
}
