package matrixoe

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
)

// Store is the restored Matrix OE databases (LSM, IO, RM) as a port: read a
// snapshot, apply changes. Implementations apply changes with [Apply]
// semantics, all or nothing per call, and honour ctx. matrixoetest.Store is
// the in-memory implementation.
type Store interface {
	// Snapshot returns an independent copy of the current content.
	Snapshot(ctx context.Context) (*Snapshot, error)
	// Apply applies changes in order, all or nothing.
	Apply(ctx context.Context, changes ...Change) error
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

// LiveState is one reading of the live side, the input of the pure
// analyses. Export is nil when the operator provided none.
type LiveState struct {
	VMPower map[string]PowerState `json:"vmPower"`
	IPs     map[netip.Addr]string `json:"ips"`
	Export  *RMExport             `json:"rmExport,omitempty"`
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

var _ ExportSource = ExportFile("")
