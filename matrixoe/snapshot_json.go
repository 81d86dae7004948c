package matrixoe

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
)

// snapshotJSON is the top level of a snapshot's JSON form, each section
// kept raw so that its keys can be checked one by one.
type snapshotJSON struct {
	LogicalServers json.RawMessage `json:"logicalServers"`
	SPEs           json.RawMessage `json:"storagePoolEntries"`
	Services       json.RawMessage `json:"services"`
	Requests       json.RawMessage `json:"requests"`
	IPs            json.RawMessage `json:"ipAllocations"`
	RecoveryGroups json.RawMessage `json:"recoveryGroups"`
}

// UnmarshalJSON decodes the form json.Marshal writes and allocates absent
// maps, so a decoded snapshot can be passed to [Apply] directly. An unknown
// field (a typo in a hand-edited file) and a key listed twice in a section
// (encoding/json would keep the last silently) are errors naming the
// section, the key and the field; every such problem is reported. It does
// not check consistency: call [Snapshot.Validate]. On error s is unchanged.
func (s *Snapshot) UnmarshalJSON(b []byte) error {
	var raw snapshotJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return fmt.Errorf("matrixoe: decode snapshot: %w", err)
	}
	str := func(k string) (string, error) { return k, nil }
	ls, err1 := decodeSection[string, LogicalServer](raw.LogicalServers, "logicalServers", str)
	spes, err2 := decodeSection[string, StoragePoolEntry](raw.SPEs, "storagePoolEntries", str)
	svcs, err3 := decodeSection[string, Service](raw.Services, "services", str)
	reqs, err4 := decodeSection[string, Request](raw.Requests, "requests", str)
	ips, err5 := decodeSection[netip.Addr, IPAllocation](raw.IPs, "ipAllocations", netip.ParseAddr)
	rgs, err6 := decodeSection[string, RecoveryGroup](raw.RecoveryGroups, "recoveryGroups", str)
	if err := errors.Join(err1, err2, err3, err4, err5, err6); err != nil {
		return err
	}
	*s = Snapshot{LogicalServers: ls, SPEs: spes, Services: svcs, Requests: reqs, IPs: ips, RecoveryGroups: rgs}
	return nil
}

// decodeSection decodes one JSON object keyed by ID (or address) into a
// map, rejecting unknown fields and reporting every key that appears twice
// or does not parse.
func decodeSection[K comparable, V any](raw json.RawMessage, section string, parseKey func(string) (K, error)) (map[K]V, error) {
	out := map[K]V{}
	if len(raw) == 0 || string(raw) == "null" {
		return out, nil
	}
	fail := func(format string, args ...any) error {
		return fmt.Errorf("matrixoe: decode snapshot: %s: %s: %w", section, fmt.Sprintf(format, args...), ErrInvalid)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	tok, err := dec.Token()
	if err != nil {
		return nil, fail("%v", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fail("want an object keyed by ID, got %v", tok)
	}
	var errs []error
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fail("%v", err)
		}
		name := tok.(string) // object keys are always strings
		var v V
		if err := dec.Decode(&v); err != nil {
			errs = append(errs, fail("%q: %v", name, err))
			if _, syntax := err.(*json.SyntaxError); syntax {
				break
			}
			continue
		}
		k, err := parseKey(name)
		if err != nil {
			errs = append(errs, fail("key %q: %v", name, err))
			continue
		}
		if _, dup := out[k]; dup {
			errs = append(errs, fail("key %q appears twice", name))
			continue
		}
		out[k] = v
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}
