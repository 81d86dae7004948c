package resynctest

import (
	"fmt"
	"slices"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/matrixoe"
	"github.com/mxsync-go/mxsync/spm"
)

// readSPM runs fn on the SPM catalog without changing it.
func (e *Estate) readSPM(fn func(s *spm.Snapshot) error) error { return e.catalog.Update(fn) }

// volume returns a catalog volume, its array's family, and the volume as
// its array holds it (ok false when the array does not).
func (e *Estate) volume(id string) (spm.Volume, spm.ArrayType, spm.LiveVolume, bool, error) {
	var v spm.Volume
	var t spm.ArrayType
	err := e.readSPM(func(s *spm.Snapshot) error {
		var ok bool
		if v, ok = s.Volumes[id]; !ok {
			return refused("the SPM catalog has no volume %q", id)
		}
		t = s.Arrays[v.ArrayID].Type
		return nil
	})
	if err != nil {
		return v, t, spm.LiveVolume{}, false, err
	}
	lv, ok := e.arrays.Data().Live.Volume(v.ArrayID, v.WWN)
	return v, t, lv, ok, nil
}

// heldVolume is volume for a volume its array must hold.
func (e *Estate) heldVolume(id string) (spm.Volume, spm.ArrayType, spm.LiveVolume, error) {
	v, t, lv, ok, err := e.volume(id)
	if err == nil && !ok {
		err = refused("array %q does not hold volume %q (%s)", v.ArrayID, id, v.WWN)
	}
	return v, t, lv, err
}

func (e *Estate) presentVolume(a Activity) error {
	v, _, _, err := e.heldVolume(a.Volume)
	if err != nil {
		return err
	}
	if a.LUN < 0 {
		return refused("LUN %d: want 0 or more", a.LUN)
	}
	host := a.Host
	if host == "" {
		host = "host-" + a.Initiator.String()
	}
	live := e.arrays.Data().Live
	if slices.ContainsFunc(live.Arrays[v.ArrayID].Presentations, func(p spm.LivePresentation) bool {
		return p.VolumeWWN == v.WWN && p.Initiator == a.Initiator
	}) {
		return refused("array %q presents volume %q to %s already", v.ArrayID, a.Volume, a.Initiator)
	}
	err = e.readSPM(func(s *spm.Snapshot) error {
		if slices.ContainsFunc(s.Presentations, func(p spm.Presentation) bool { return p.VolumeID == a.Volume && p.Initiator == a.Initiator }) {
			return refused("the SPM catalog presents volume %q to %s already", a.Volume, a.Initiator)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := e.arrays.Present(v.ArrayID, spm.LivePresentation{VolumeWWN: v.WWN, Initiator: a.Initiator, Host: host, LUN: a.LUN}); err != nil {
		return refused("%v", err)
	}
	return e.catalog.Update(func(s *spm.Snapshot) error {
		s.Presentations = append(s.Presentations, spm.Presentation{VolumeID: a.Volume, Initiator: a.Initiator, Host: host, LUN: a.LUN})
		return nil
	})
}

func (e *Estate) unpresentVolume(a Activity) error {
	v, _, _, err := e.heldVolume(a.Volume)
	if err != nil {
		return err
	}
	if err := e.arrays.Unpresent(v.ArrayID, v.WWN, a.Initiator); err != nil {
		return refused("%v", err)
	}
	return e.catalog.Update(func(s *spm.Snapshot) error {
		s.Presentations = slices.DeleteFunc(slices.Clone(s.Presentations), func(p spm.Presentation) bool {
			return p.VolumeID == a.Volume && p.Initiator == a.Initiator
		})
		return nil
	})
}

// defaultVolumeSize is the size of a volume imported without one.
const defaultVolumeSize = 64 << 30

func (e *Estate) importVolume(a Activity) error {
	var arr spm.Array
	err := e.readSPM(func(s *spm.Snapshot) error {
		var ok bool
		if arr, ok = s.Arrays[a.Array]; !ok {
			return refused("the SPM catalog has no array %q", a.Array)
		}
		if _, dup := s.Volumes[a.Volume]; dup {
			return refused("the SPM catalog has a volume %q already", a.Volume)
		}
		for id, v := range s.Volumes {
			if v.ArrayID == a.Array && v.WWN == a.WWN && a.WWN != 0 {
				return refused("the SPM catalog knows %s of array %q as volume %q", a.WWN, a.Array, id)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	live := e.arrays.Data().Live
	la, ok := live.Arrays[a.Array]
	if !ok {
		return refused("array %q does not answer", a.Array)
	}
	wwn := a.WWN
	if wwn == 0 {
		wwn = e.nextVolumeWWN(live)
	}
	v := spm.Volume{ID: a.Volume, ArrayID: a.Array, Name: a.Name, WWN: wwn, SizeBytes: a.Size, OwningCatalog: CatalogID}
	sig := spm.Signature{}
	if arr.Type.SupportsSignatures() {
		sig = spm.Signature{Present: true, Version: 1, OwningCatalog: CatalogID}
	}
	var presentations []spm.Presentation
	if lv, held := live.Volume(a.Array, wwn); held {
		// The array holds it (imported after the backup, and now
		// re-imported): SPM takes its properties and presentations in.
		if v.Name == "" {
			v.Name = lv.Name
		}
		if v.SizeBytes == 0 {
			v.SizeBytes = lv.SizeBytes
		}
		for _, p := range la.Presentations {
			if p.VolumeWWN == wwn {
				presentations = append(presentations, spm.Presentation{VolumeID: v.ID, Initiator: p.Initiator, Host: p.Host, LUN: p.LUN})
			}
		}
		if arr.Type.SupportsSignatures() {
			if err := e.arrays.SetSignature(a.Array, wwn, sig); err != nil {
				return refused("%v", err)
			}
		}
	} else {
		if v.Name == "" {
			v.Name = a.Volume
		}
		if v.SizeBytes == 0 {
			v.SizeBytes = defaultVolumeSize
		}
		if err := e.arrays.ImportVolume(a.Array, spm.LiveVolume{WWN: wwn, Name: v.Name, SizeBytes: v.SizeBytes, Signature: sig}); err != nil {
			return refused("%v", err)
		}
	}
	return e.catalog.Update(func(s *spm.Snapshot) error {
		s.Volumes[v.ID] = v
		s.Presentations = append(slices.Clone(s.Presentations), presentations...)
		return nil
	})
}

// nextVolumeWWN is the volume WWN after every one the catalog and the
// arrays know.
func (e *Estate) nextVolumeWWN(live *spm.Live) addrpool.WWN {
	next := volumeWWNBase
	for _, la := range live.Arrays {
		for _, v := range la.Volumes {
			if v.WWN >= next && v.WWN>>40 == volumeWWNBase>>40 {
				next = v.WWN + 1
			}
		}
	}
	_ = e.readSPM(func(s *spm.Snapshot) error {
		for _, v := range s.Volumes {
			if v.WWN >= next && v.WWN>>40 == volumeWWNBase>>40 {
				next = v.WWN + 1
			}
		}
		return nil
	})
	return next
}

func (e *Estate) deleteVolume(a Activity) error {
	v, _, _, err := e.heldVolume(a.Volume)
	if err != nil {
		return err
	}
	if err := e.arrays.DeleteVolume(v.ArrayID, v.WWN); err != nil {
		return refused("%v", err)
	}
	if err := e.catalog.Update(func(s *spm.Snapshot) error { return spm.Apply(s, spm.RemoveVolume{VolumeID: v.ID}) }); err != nil {
		return err
	}
	return e.dropVolumesFromSPEs(v.ID)
}

// dropVolumesFromSPEs takes volumes out of every catalog-based storage
// pool entry listing them, as IO does when their storage goes.
func (e *Estate) dropVolumesFromSPEs(volumeIDs ...string) error {
	return e.moeStore.Update(func(s *matrixoe.Snapshot) error {
		var cs []matrixoe.Change
		for _, id := range sortedKeys(s.SPEs) {
			spe := s.SPEs[id]
			if spe.Kind != matrixoe.SPECatalog {
				continue
			}
			for _, v := range spe.VolumeIDs {
				if slices.Contains(volumeIDs, v) {
					cs = append(cs, matrixoe.RemoveVolumeFromSPE{SPEID: id, VolumeID: v})
				}
			}
		}
		return matrixoe.ApplyAll(s, cs...)
	})
}

func (e *Estate) resizeVolume(a Activity) error {
	v, _, lv, err := e.heldVolume(a.Volume)
	if err != nil {
		return err
	}
	if lv.SizeBytes == a.Size {
		return refused("volume %q is %d bytes already", a.Volume, a.Size)
	}
	if err := e.arrays.UpdateVolume(v.ArrayID, v.WWN, func(x *spm.LiveVolume) { x.SizeBytes = a.Size }); err != nil {
		return refused("%v", err)
	}
	return e.catalog.Update(func(s *spm.Snapshot) error {
		v.SizeBytes = a.Size
		s.Volumes[v.ID] = v
		return nil
	})
}

// signed is heldVolume for a volume on a 3PAR or EVA array.
func (e *Estate) signed(id string) (spm.Volume, spm.LiveVolume, error) {
	v, t, lv, err := e.heldVolume(id)
	if err == nil && !t.SupportsSignatures() {
		err = refused("volume %q is on a %s array, which holds no SPM signatures", id, t)
	}
	return v, lv, err
}

func (e *Estate) corruptSignature(a Activity) error {
	v, lv, err := e.signed(a.Volume)
	if err != nil {
		return err
	}
	if lv.Signature.Corrupt {
		return refused("the signature of volume %q is corrupt already", a.Volume)
	}
	sig := lv.Signature
	sig.Present, sig.Corrupt = true, true
	return e.setSignature(v, sig)
}

func (e *Estate) setSignature(v spm.Volume, sig spm.Signature) error {
	if err := e.arrays.SetSignature(v.ArrayID, v.WWN, sig); err != nil {
		return refused("%v", err)
	}
	return nil
}

func (e *Estate) rewriteSignature(a Activity) error {
	v, lv, err := e.signed(a.Volume)
	if err != nil {
		return err
	}
	if a.Catalog == "" && a.SignatureVersion == 0 {
		return refused("rewrite-signature needs a catalog, a signatureVersion or both")
	}
	if a.SignatureVersion < 0 {
		return refused("signatureVersion %d: want 1 or more", a.SignatureVersion)
	}
	sig := lv.Signature
	if !sig.Present {
		sig = spm.Signature{Present: true, Version: 1, OwningCatalog: CatalogID}
	}
	sig.Corrupt = false
	if a.Catalog != "" {
		sig.OwningCatalog = a.Catalog
	}
	if a.SignatureVersion != 0 {
		sig.Version = a.SignatureVersion
	}
	if sig == lv.Signature {
		return refused("volume %q's signature says that already", a.Volume)
	}
	return e.setSignature(v, sig)
}

// rebind changes a volume's service binding in the catalog and, when the
// array holds a signature, in it: what SPM does when it binds, unbinds or
// re-activates.
func (e *Estate) rebind(v spm.Volume, lv spm.LiveVolume, service, activation string) error {
	if lv.Signature.Present {
		sig := lv.Signature
		sig.ServiceID, sig.Activation = service, activation
		if err := e.setSignature(v, sig); err != nil {
			return err
		}
	}
	return e.catalog.Update(func(s *spm.Snapshot) error {
		v.ServiceID, v.Activation = service, activation
		s.Volumes[v.ID] = v
		return nil
	})
}

func (e *Estate) unbindVolume(a Activity) error {
	v, _, lv, err := e.heldVolume(a.Volume)
	if err != nil {
		return err
	}
	if v.ServiceID == "" {
		return refused("volume %q is bound to no storage service", a.Volume)
	}
	return e.rebind(v, lv, "", "")
}

func (e *Estate) bindVolume(a Activity) error {
	v, _, lv, err := e.heldVolume(a.Volume)
	if err != nil {
		return err
	}
	if v.ServiceID == a.StorageService {
		return refused("volume %q is bound to %q already", a.Volume, a.StorageService)
	}
	if err := e.readSPM(func(s *spm.Snapshot) error {
		if _, ok := s.Services[a.StorageService]; !ok {
			return refused("SPM has no storage service %q", a.StorageService)
		}
		return nil
	}); err != nil {
		return err
	}
	return e.rebind(v, lv, a.StorageService, "active")
}

func (e *Estate) setActivation(a Activity) error {
	v, _, lv, err := e.heldVolume(a.Volume)
	if err != nil {
		return err
	}
	switch {
	case v.ServiceID == "":
		return refused("volume %q is bound to no storage service", a.Volume)
	case v.Activation == a.Activation:
		return refused("volume %q's binding is %q already", a.Volume, a.Activation)
	}
	return e.rebind(v, lv, v.ServiceID, a.Activation)
}

func (e *Estate) evictArray(a Activity) error {
	var volumes []string
	err := e.readSPM(func(s *spm.Snapshot) error {
		if _, ok := s.Arrays[a.Array]; !ok {
			return refused("the SPM catalog has no array %q", a.Array)
		}
		for id, v := range s.Volumes {
			if v.ArrayID == a.Array {
				volumes = append(volumes, id)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if _, ok := e.arrays.Data().Live.Arrays[a.Array]; ok {
		if err := e.arrays.RemoveArray(a.Array); err != nil {
			return refused("%v", err)
		}
	}
	slices.Sort(volumes)
	err = e.catalog.Update(func(s *spm.Snapshot) error {
		for _, id := range volumes {
			delete(s.Volumes, id)
		}
		s.Presentations = slices.DeleteFunc(slices.Clone(s.Presentations), func(p spm.Presentation) bool { return slices.Contains(volumes, p.VolumeID) })
		delete(s.Arrays, a.Array)
		return nil
	})
	if err != nil {
		return fmt.Errorf("resynctest: evict array %q: %w", a.Array, err)
	}
	return e.dropVolumesFromSPEs(volumes...)
}
