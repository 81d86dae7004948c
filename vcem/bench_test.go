package vcem_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/vcem"
	"github.com/mxsync-go/mxsync/vcem/vcemtest"
)

// largeEstate builds the ROADMAP's large preset: domains × profiles, each
// profile with 2 Ethernet and 2 FC connections (2 MACs, 4 WWNs), then
// scripts post-backup activity: every 64th profile deleted and its addresses
// reused by a new profile (reassigned), and one new profile per domain
// (allocated after backup).
func largeEstate(b *testing.B, domains, profiles int) (*vcem.Snapshot, []vcem.LiveDomain) {
	b.Helper()
	bld := vcemtest.NewBuilder(
		addrpool.MustRange(addrpool.MAC(0x00215A000000), addrpool.MAC(0x00215A000000+1<<18-1)),
		addrpool.MustRange(addrpool.WWN(0x5001438002000000), addrpool.WWN(0x5001438002000000+1<<20-1)),
	).Group("g1", "all")
	for d := range domains {
		id := fmt.Sprintf("d%03d", d)
		bld.Domain(vcem.Domain{ID: id, GroupID: "g1"})
		for p := range profiles {
			bld.Profile(id, vcemtest.ProfileSpec{Name: fmt.Sprintf("p%03d", p), Bay: "1", Ethernet: 2, FC: 2})
		}
	}
	restored, err := bld.Build()
	require.NoError(b, err)
	live, err := vcemtest.NewLive(restored)
	require.NoError(b, err)
	for d := range domains {
		id := fmt.Sprintf("d%03d", d)
		for p := 0; p < profiles; p += 64 {
			require.NoError(b, live.DeleteProfile(id, fmt.Sprintf("p%03d", p)))
			_, err := live.CreateProfile(id, vcemtest.ProfileSpec{Name: fmt.Sprintf("n%03d", p), Ethernet: 2, FC: 2})
			require.NoError(b, err)
		}
		_, err := live.CreateProfile(id, vcemtest.ProfileSpec{Name: "extra", Ethernet: 2, FC: 2})
		require.NoError(b, err)
	}
	lds, err := vcem.GatherLive(context.Background(), live, restored, nil)
	require.NoError(b, err)
	return restored, lds
}

// BenchmarkAnalyzePhase1 measures phase-1 analysis (including the restored
// snapshot's Validate) on 250 domains × 256 profiles × 4 connections.
func BenchmarkAnalyzePhase1(b *testing.B) {
	restored, lds := largeEstate(b, 250, 256)
	fs, err := vcem.AnalyzePhase1(restored, lds)
	require.NoError(b, err)
	require.NotEmpty(b, fs)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := vcem.AnalyzePhase1(restored, lds); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(fs)), "findings")
}

// BenchmarkValidate measures Snapshot.Validate alone on the same estate.
func BenchmarkValidate(b *testing.B) {
	restored, _ := largeEstate(b, 250, 256)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := restored.Validate(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCloneAndFingerprint measures the engine's dry-run copy, its
// state fingerprint and the comparison of two equal snapshots (Equal's
// worst case: nothing differs) on the same estate.
func BenchmarkCloneAndFingerprint(b *testing.B) {
	restored, _ := largeEstate(b, 250, 256)
	b.Run("Clone", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = restored.Clone()
		}
	})
	b.Run("Fingerprint", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := restored.Fingerprint(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Equal", func(b *testing.B) {
		c := restored.Clone()
		b.ReportAllocs()
		for b.Loop() {
			if !restored.Equal(c) {
				b.Fatal("a clone is not Equal")
			}
		}
	})
}

// BenchmarkAnalysisPass measures what the engine does per VCEM analysis:
// validate the restored snapshot once, phase 1 on it (Prevalidated), apply
// phase 1's changes to a copy (ApplyAll), phase 2 and the resync
// prediction on the copy — Validate runs once, not three times.
func BenchmarkAnalysisPass(b *testing.B) {
	restored, lds := largeEstate(b, 250, 256)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := restored.Validate(); err != nil {
			b.Fatal(err)
		}
		fs, err := vcem.AnalyzePhase1(restored, lds, vcem.Prevalidated())
		if err != nil {
			b.Fatal(err)
		}
		next := restored.Clone()
		if err := vcem.ApplyAll(next, vcem.ChangesOf(fs)...); err != nil {
			b.Fatal(err)
		}
		if _, err := vcem.AnalyzePhase2(next); err != nil {
			b.Fatal(err)
		}
		if _, err := vcem.PredictResync(next, lds, vcem.Prevalidated()); err != nil {
			b.Fatal(err)
		}
	}
}
