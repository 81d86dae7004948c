package resync

import (
	"github.com/mxsync-go/mxsync/matrixoe"
	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/vcem"
)

// Env holds the ports of every section: what the engine reads and writes.
// A section whose ports are nil is skipped, and the plan says so (mxsync lets
// an operator run one section alone). resynctest.Estate gives a whole Env of
// in-memory fakes; real adapters fill it on a CMS.
//
// The ports themselves say whether they are safe for concurrent use; the
// engine calls them from one goroutine, except the per-domain reads and
// resyncs of the VCEM section (bounded by the concurrency options).
type Env struct {
	// Services are the CMS's Windows services: the initial service check
	// reads and, on execute, stops or starts them; storage phase 1 starts
	// SPM and its prerequisites through them. Nil skips the check (and the
	// storage section's start-up, see StoragePorts).
	Services spm.ServiceControl

	VCEM     *VCEMPorts
	Storage  *StoragePorts
	MatrixOE *MatrixOEPorts
}

// VCEMPorts are the VCEM section's ports.
type VCEMPorts struct {
	// Store is the restored VCEM database.
	Store vcem.RestoredStore
	// Live reads the VC domains (through VCEM, or directly with credentials).
	Live vcem.Live
	// Manager drives VCEM maintenance and resync (phase 2). Nil: phase 2 is
	// analysed, and execution stops before it with an error.
	Manager vcem.Manager
}

// StoragePorts are the storage section's ports (SPM; the logical-server and
// lsmanalyzer phases also need MatrixOEPorts and, for the refresh, VCEM).
type StoragePorts struct {
	// Catalog is the restored SPM catalog.
	Catalog spm.RestoredStore
	// Arrays are the managed arrays as they are now.
	Arrays spm.LiveArrays
	// RecoveryMode is where SPM's RecoveryMode lives (ApplicationConfig.xml:
	// spm.ConfigFile).
	RecoveryMode spm.RecoveryModeStore
	// Readiness waits for SPM's Manual Recovery Mode; nil skips the wait.
	Readiness spm.ReadinessWaiter
	// Names are SPM's Windows services; the zero value is
	// spm.DefaultServiceNames().
	Names spm.ServiceNames
	// Rules derive Signature States; nil means spm.DefaultSignatureRules().
	Rules *spm.SignatureRules
}

// MatrixOEPorts are the Matrix OE ports: logical servers and storage pool
// entries (storage phases 2–3), orchestration (IO) and recovery management.
type MatrixOEPorts struct {
	// Store is the restored Matrix OE databases.
	Store matrixoe.RestoredStore
	// Live is what VMM and the live IO report (VM power states, IPs in use).
	Live matrixoe.Live
	// Export is the current RM configuration export; nil: none provided,
	// which RM phase 1 reports.
	Export matrixoe.ExportSource
	// ServicesFile is InfrastructureServices.txt (matrixoe.ServicesFileAt
	// for <SIM>\mxsync\data\InfrastructureServices.txt): Analyze reads the
	// services the operator marked with '*' from it, unless
	// WithDeletedServices gives them; WriteServicesFile writes it for the
	// operator to mark. Nil: the deleted services come from
	// WithDeletedServices or the Prompter only.
	ServicesFile matrixoe.ServicesFileStore
}
