package resync

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
)

// ReferencePlanJSON is the plan's JSON as encoding/json writes its fields
// (the way MarshalJSON wrote it before it had encoders of its own), for
// tests to compare with, byte for byte.
func ReferencePlanJSON(p *Plan) ([]byte, error) {
	cp := *p
	cp.ID = ""
	body, err := json.Marshal((*planJSON)(&cp))
	if err != nil {
		return nil, err
	}
	id, err := p.identify()
	if err != nil {
		return nil, err
	}
	const empty = `,"id":""}`
	if !bytes.HasSuffix(body, []byte(empty)) {
		return nil, errors.New("unexpected form")
	}
	return append(body[:len(body)-len(empty)], `,"id":"`+id+`"}`...), nil
}

// PriorSizeHint is the estimate of the prior's JSON size that presizes
// the plan's buffer.
func PriorSizeHint(p *Plan) int { return p.Prior.sizeHint() }

// ReferencePlanID is the plan's ID as identify computed it before
// AppendJSON built the document from identify's pieces: the hash must not
// change, or saved plans would no longer verify.
func ReferencePlanID(p *Plan) (string, error) {
	cp := *p
	cp.ID = ""
	cp.Prior = Prior{Services: p.Prior.Services}
	cp.Phases = nil
	h := sha256.New()
	// Encoded piece by piece (the plan without its phases, then each phase
	// without its findings, then each finding) through one buffer: a Large
	// plan's findings would otherwise be built as one JSON document only
	// to be hashed.
	bw := bufio.NewWriterSize(h, 64<<10)
	enc := json.NewEncoder(bw)
	fail := func(err error) (string, error) { return "", fmt.Errorf("resync: encode plan: %w", err) }
	if err := enc.Encode((*planJSON)(&cp)); err != nil {
		return fail(err)
	}
	for i := range p.Phases {
		ph := p.Phases[i]
		ph.Findings = nil
		if err := enc.Encode(ph); err != nil {
			return fail(err)
		}
		for _, f := range p.Phases[i].Findings {
			if err := enc.Encode(f); err != nil {
				return fail(err)
			}
		}
	}
	if p.Prior.SPMAsRestored != nil {
		fp, err := p.Prior.SPMAsRestored.Fingerprint()
		if err != nil {
			return "", fmt.Errorf("resync: plan: prior.spmAsRestored: %w", err)
		}
		fmt.Fprintf(bw, "spmAsRestored %s\n", fp)
	}
	if err := bw.Flush(); err != nil {
		return fail(err)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}

// ReadChains reads env as Analyze (planned) or a freshness check (not)
// does, fingerprints what it read, and reports which predicted chains
// ("vcem", "spm", "matrixoe") were started, with the fingerprints.
func ReadChains(ctx context.Context, env *Env, planned bool) (chains []string, prints map[string]string, err error) {
	cfg, err := newConfig(nil)
	if err != nil {
		return nil, nil, err
	}
	st, err := read(ctx, env, cfg, available(env, cfg), planned)
	if err != nil {
		return nil, nil, err
	}
	prints = map[string]string{}
	err = fingerprintInputs(prints, st)
	for name, started := range map[string]bool{"vcem": st.vcemChain != nil, "spm": st.spmChain != nil, "matrixoe": st.moeChain != nil} {
		if started {
			chains = append(chains, name)
		}
	}
	slices.Sort(chains)
	return chains, prints, err
}
