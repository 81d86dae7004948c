package matrixoe

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
)

// RestoredStore is the restored Matrix OE databases (LSM, IO, RM) as a
// port: read a snapshot, apply one change per call — one journal record per
// call, so an interrupted execute resumes change by change. Apply has the
// meaning of [Apply] on the store's snapshot and is atomic per change; both
// honour ctx. matrixoetest.Store is the in-memory implementation. The same
// port, by name and shape, is in vcem and spm.
type RestoredStore interface {
	// Snapshot returns an independent copy of the current content.
	Snapshot(ctx context.Context) (*Snapshot, error)
	// Apply applies one change; on error nothing was changed.
	Apply(ctx context.Context, c Change) error
}

// ServicesFileStore is where IO phase 2's InfrastructureServices.txt lives,
// a port of its own beside [RestoredStore] because it is not a database:
// the engine writes the restored services there before the operator marks
// the deleted ones, and reads the marks back after. [ServicesFileAt] is the
// file on disk; matrixoetest.ServicesFile an in-memory one with a scripted
// operator.
type ServicesFileStore interface {
	// WriteServicesFile writes the services of s (see [FormatServicesFile]).
	WriteServicesFile(ctx context.Context, s *Snapshot) error
	// ReadServicesFile reads the operator's marks back, against s, the
	// snapshot the file was written from (see [ParseServicesFile]).
	ReadServicesFile(ctx context.Context, s *Snapshot) (*ServicesFile, error)
}

// ServicesFileAt is the [ServicesFileStore] on disk at a path, normally
// [ServicesFilePath] of the SIM install directory. It writes atomically and
// keeps a backup (see [WriteServicesFile]).
type ServicesFileAt string

// WriteServicesFile is [WriteServicesFile] at the path.
func (p ServicesFileAt) WriteServicesFile(ctx context.Context, s *Snapshot) error {
	return WriteServicesFile(ctx, string(p), s)
}

// ReadServicesFile is [ReadServicesFile] at the path.
func (p ServicesFileAt) ReadServicesFile(ctx context.Context, s *Snapshot) (*ServicesFile, error) {
	return ReadServicesFile(ctx, string(p), s)
}

// Live is what the managed estate says now: VMM / the hypervisors for VM
// power states, the live IO for IP allocations in use. Implementations honour
// ctx and are safe for concurrent use.
type Live interface {
	// VMPowerStates returns the power state of every VM VMM knows, by VM ID.
	VMPowerStates(ctx context.Context) (map[string]PowerState, error)
	// IPAllocations returns every IP address in use live, with its owner
	// (service name or host, free text).
	IPAllocations(ctx context.Context) (map[netip.Addr]string, error)
}

// ExportSource supplies the current RM configuration export the operator
// provides after the restore. It returns an error wrapping [ErrNoExport]
// when none was provided. [ExportFile] reads our JSON format from a file; an
// adapter for HP's own exportconfig format would implement this port.
type ExportSource interface {
	RMExport(ctx context.Context) (*RMExport, error)
}

// ExportFile is an [ExportSource] reading our JSON format (see [RMExport])
// from a file path. A missing file wraps [ErrNoExport].
type ExportFile string

// RMExport reads and validates the file.
func (f ExportFile) RMExport(ctx context.Context) (*RMExport, error) {
	return ReadRMExportFile(ctx, string(f))
}

// ReadLive reads the live side once. A missing export ([ErrNoExport]) is not
// an error: Export stays nil and RM phase 1 reports it. src may be nil;
// live may not.
func ReadLive(ctx context.Context, live Live, src ExportSource) (*LiveState, error) {
	if live == nil {
		return nil, invalid("matrixoe: ReadLive: nil Live")
	}
	vm, err := live.VMPowerStates(ctx)
	if err != nil {
		return nil, fmt.Errorf("matrixoe: read VM power states: %w", err)
	}
	ips, err := live.IPAllocations(ctx)
	if err != nil {
		return nil, fmt.Errorf("matrixoe: read live IP allocations: %w", err)
	}
	st := &LiveState{VMPower: vm, IPs: ips}
	if src != nil {
		exp, err := src.RMExport(ctx)
		switch {
		case errors.Is(err, ErrNoExport):
		case err != nil:
			return nil, fmt.Errorf("matrixoe: read RM export: %w", err)
		default:
			st.Export = exp
		}
	}
	return st, nil
}

var (
	_ ExportSource      = ExportFile("")
	_ ServicesFileStore = ServicesFileAt("")
)
