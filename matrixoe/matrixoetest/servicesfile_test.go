package matrixoetest

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/mxsync-go/mxsync/matrixoe"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The in-memory services file takes the engine's write, the operator's
// marks and the engine's read, with matrixoe's own format.
func TestServicesFileWriteMarkRead(t *testing.T) {
	ctx := context.Background()
	s := restored(t)
	f := NewServicesFile()
	_, err := f.ReadServicesFile(ctx, s)
	require.ErrorIs(t, err, matrixoe.ErrNotFound, "never written")
	require.ErrorIs(t, f.Mark("db"), matrixoe.ErrNotFound)

	require.NoError(t, f.WriteServicesFile(ctx, s))
	assert.Equal(t, "db\r\nweb\r\n", string(f.Content()))
	require.NoError(t, f.Mark("db"))
	require.ErrorIs(t, f.Mark("mail"), matrixoe.ErrNotFound)
	assert.Equal(t, "*db\r\nweb\r\n", string(f.Content()), "a refused mark changes nothing")
	got, err := f.ReadServicesFile(ctx, s)
	require.NoError(t, err)
	assert.Equal(t, []string{"db"}, got.Deleted())

	f.SetContent([]byte("web\r\n"))
	_, err = f.ReadServicesFile(ctx, s)
	var fe *matrixoe.ServicesFileError
	require.ErrorAs(t, err, &fe, "a line deleted by hand is refused as on disk")

	require.ErrorIs(t, f.WriteServicesFile(ctx, nil), matrixoe.ErrInvalid)
}

func TestServicesFileFaults(t *testing.T) {
	ctx := context.Background()
	boom := errors.New("disk full")
	f := NewServicesFile()
	require.NoError(t, f.Faults().Add(Fault{Op: OpWriteServicesFile, Err: boom, Count: 1}))
	require.NoError(t, f.Faults().Add(Fault{Op: OpReadServicesFile, Err: boom, Count: 1}))
	assert.ErrorIs(t, f.WriteServicesFile(ctx, restored(t)), boom)
	assert.Nil(t, f.Content(), "a failed write writes nothing")
	require.NoError(t, f.WriteServicesFile(ctx, restored(t)))
	_, err := f.ReadServicesFile(ctx, restored(t))
	assert.ErrorIs(t, err, boom)
}

func TestServicesFileDataRoundTrip(t *testing.T) {
	f := NewServicesFile()
	f.SetContent([]byte("web\r\n\xff*db\r\n")) // not UTF-8: kept byte for byte
	b, err := json.Marshal(f.Data())
	require.NoError(t, err)
	var d ServicesFileData
	require.NoError(t, json.Unmarshal(b, &d))
	f2, err := NewServicesFileFromData(d)
	require.NoError(t, err)
	assert.Equal(t, f.Data(), f2.Data())

	err = json.Unmarshal([]byte(`{"content":"","written":true,"Written":false}`), &d)
	require.ErrorIs(t, err, matrixoe.ErrInvalid)
	assert.Contains(t, err.Error(), `did you mean "written"`)
	_, err = NewServicesFileFromData(ServicesFileData{Content: []byte("x")})
	assert.ErrorIs(t, err, matrixoe.ErrInvalid)
}
