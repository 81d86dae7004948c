package spmtest

import (
	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/spm"
)

// Sample IDs, for tests that script changes on top of [Sample].
const (
	SampleCatalogID = "spm-cms1"
	Array3PAR       = "3par-1"
	ArrayEVA        = "eva-1"
	ArrayXP         = "xp-1"
)

// SampleWWN returns the WWN of sample volume or initiator n (distinct,
// deterministic). Volumes use an NAA 6 prefix, initiators an HP-style NAA 5.
func SampleWWN(kind string, n int) addrpool.WWN {
	if kind == "initiator" {
		return addrpool.WWN(0x50014380_00000000 | uint64(n))
	}
	return addrpool.WWN(0x60002ac0_00000000 | uint64(n))
}

// Sample returns a small valid catalog modelled on the HP white paper's
// Table 15: three arrays (3PAR, EVA, XP), templates (Matrix OE template and
// a child), three conformant services, volumes Volume3, Volume5, Volume7
// (bound and presented), an XP volume, and an unpresented SPM_ volume of
// 7.0 auto-provisioning. Each call returns a fresh copy.
func Sample() *spm.Snapshot {
	s := spm.NewSnapshot(SampleCatalogID)
	s.Arrays[Array3PAR] = spm.Array{ID: Array3PAR, Name: "3PAR StoreServ 7200", Type: spm.Array3PAR}
	s.Arrays[ArrayEVA] = spm.Array{ID: ArrayEVA, Name: "P6300 EVA", Type: spm.ArrayEVA}
	s.Arrays[ArrayXP] = spm.Array{ID: ArrayXP, Name: "P9500 XP", Type: spm.ArrayXP}
	s.Templates["t-matrix"] = spm.Template{ID: "t-matrix", Name: "Matrix OE template"}
	s.Templates["t-gold"] = spm.Template{ID: "t-gold", Name: "Gold boot", ParentID: "t-matrix"}
	s.Services["svc-ls3"] = spm.Service{ID: "svc-ls3", Name: "LS3 boot", TemplateID: "t-gold", Conformant: true}
	s.Services["svc-ls5"] = spm.Service{ID: "svc-ls5", Name: "LS5 boot", TemplateID: "t-gold", Conformant: true}
	s.Services["svc-s2"] = spm.Service{ID: "svc-s2", Name: "S2 data", TemplateID: "t-matrix", Conformant: true}
	vol := func(id, array, name string, n int, svc string) {
		s.Volumes[id] = spm.Volume{ID: id, ArrayID: array, Name: name, WWN: SampleWWN("volume", n),
			SizeBytes: uint64(n) << 30, OwningCatalog: SampleCatalogID, ServiceID: svc, Activation: activation(svc)}
	}
	vol("vol3", Array3PAR, "Volume3", 3, "svc-ls3")
	vol("vol5", ArrayEVA, "Volume5", 5, "svc-ls5")
	vol("vol7", Array3PAR, "Volume7", 7, "svc-s2")
	vol("volxp", ArrayXP, "XPVol1", 9, "")
	vol("spm1", Array3PAR, "SPM_1385120000000", 11, "")
	pres := func(vol string, init int, host string, lun int) {
		s.Presentations = append(s.Presentations, spm.Presentation{VolumeID: vol, Initiator: SampleWWN("initiator", init), Host: host, LUN: lun})
	}
	pres("vol3", 3, "LSM_LS3", 1)
	pres("vol5", 5, "LSM_LS5", 1)
	pres("vol7", 7, "LSM_S2", 2)
	pres("vol7", 8, "LSM_S2", 2)
	pres("volxp", 9, "LSM_XP1", 0)
	return s
}

func activation(svc string) string {
	if svc == "" {
		return ""
	}
	return "active"
}
