package resynctest

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/matrixoe"
	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/vcem"
)

// assertSameEstate compares everything two estates hold, part by part.
func assertSameEstate(t *testing.T, a, b *Estate) {
	t.Helper()
	assertSameState(t, a, b)
	sa, err := a.data()
	require.NoError(t, err)
	sb, err := b.data()
	require.NoError(t, err)
	assert.True(t, sa.vcemDB.Equal(sb.vcemDB), "VCEM database")
	assert.True(t, sa.catalog.Equal(sb.catalog), "SPM catalog")
	assert.Empty(t, spm.DiffLive(sa.arrays, sb.arrays), "arrays")
	assert.True(t, sa.moeDB.Equal(sb.moeDB), "Matrix OE databases")
	assert.Equal(t, sa.moeLive, sb.moeLive)
	assert.Equal(t, sa.manager, sb.manager)
	assert.Equal(t, sa.services, sb.services)
	assert.Equal(t, sa.mode, sb.mode)
	assert.Equal(t, sa.ui, sb.ui)
	assert.Equal(t, sa.servicesFile, sb.servicesFile)
	// nil and empty lists alike:
	assert.Equal(t, append(vcem.Changes(nil), sa.vcemApplied...), append(vcem.Changes(nil), sb.vcemApplied...))
	assert.Equal(t, append(spm.Changes(nil), sa.spmApplied...), append(spm.Changes(nil), sb.spmApplied...))
	assert.Equal(t, append(matrixoe.Changes(nil), sa.moeApplied...), append(matrixoe.Changes(nil), sb.moeApplied...))
}

func TestSmallRoundTrip(t *testing.T) {
	for _, seed := range []uint64{1, 5} {
		e, err := Small(seed)
		require.NoError(t, err)
		t.Cleanup(e.Close)
		RandomHistory(rand.New(rand.NewPCG(seed, 3)), e, 60)
		b, err := e.MarshalJSON()
		require.NoError(t, err)
		back, err := Decode(b)
		require.NoError(t, err)
		t.Cleanup(back.Close)
		assertSameEstate(t, e, back)
		again, err := back.MarshalJSON()
		require.NoError(t, err)
		assert.Equal(t, string(b), string(again), "save, load and save again: the same bytes")
		_ = context.Background()
	}
}

// The bulk encoders write what encoding/json writes for the same values,
// and the bulk decoders read what encoding/json writes back to Equal values.
func TestFormatMatchesEncodingJSON(t *testing.T) {
	e, err := Small(3)
	require.NoError(t, err)
	t.Cleanup(e.Close)
	RandomHistory(rand.New(rand.NewPCG(3, 3)), e, 80)
	st, err := e.data()
	require.NoError(t, err)
	enc := func(write func(*encoder)) string {
		var b bytes.Buffer
		x := newEncoder(&b)
		write(x)
		require.NoError(t, x.flush())
		return b.String()
	}
	dec := func(b []byte, read func(d *decoder)) {
		d := &decoder{data: b}
		d.document(func() { read(d) })
		require.NoError(t, d.result())
	}
	for name, tt := range map[string]struct {
		v     any
		write func(*encoder)
		read  func(b []byte)
	}{
		"spm catalog": {st.catalog, func(x *encoder) { x.spmSnapshot(st.catalog) }, func(b []byte) {
			var got *spm.Snapshot
			dec(b, func(d *decoder) { got = d.spmSnapshot() })
			assert.True(t, st.catalog.Equal(got))
		}},
		"spm live": {st.arrays, func(x *encoder) { x.spmLive(st.arrays) }, func(b []byte) {
			var got *spm.Live
			dec(b, func(d *decoder) { got = d.spmLive() })
			assert.Empty(t, spm.DiffLive(st.arrays, got))
		}},
		"matrixoe databases": {st.moeDB, func(x *encoder) { x.moeSnapshot(st.moeDB) }, func(b []byte) {
			var got *matrixoe.Snapshot
			dec(b, func(d *decoder) { got = d.moeSnapshot() })
			assert.True(t, st.moeDB.Equal(got))
		}},
		"matrixoe live": {st.moeLive, func(x *encoder) { x.moeLive(st.moeLive) }, func(b []byte) {
			var got = st.moeLive
			dec(b, func(d *decoder) { got = d.moeLive() })
			assert.Equal(t, st.moeLive, got)
		}},
	} {
		t.Run(name, func(t *testing.T) {
			want, err := json.Marshal(tt.v)
			require.NoError(t, err)
			assert.Equal(t, string(want), enc(tt.write))
			tt.read(want)
		})
	}
	t.Run("vcem database", func(t *testing.T) {
		// encoding/json writes the pools' inUse, which the estate format
		// leaves out: both read back to the same database.
		want, err := json.Marshal(st.vcemDB)
		require.NoError(t, err)
		for _, b := range [][]byte{want, []byte(enc(func(x *encoder) { x.vcemSnapshot(st.vcemDB) }))} {
			var got *vcem.Snapshot
			dec(b, func(d *decoder) { got = d.vcemSnapshot() })
			assert.True(t, st.vcemDB.Equal(got), "%s", vcem.Diff(st.vcemDB, got))
		}
	})
}
