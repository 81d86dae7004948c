package vcemtest

import (
	"errors"
	"fmt"

	"github.com/mxsync-go/mxsync/addrpool"
	"github.com/mxsync-go/mxsync/vcem"
)

// Builder builds a consistent VCEM snapshot — groups, domains, and profiles
// whose VCEM-pool addresses are allocated from the snapshot's pools — for
// tests, examples and benchmarks. The first error is kept and returned by
// Build; later calls are then ignored.
type Builder struct {
	s   *vcem.Snapshot
	err error
}

// NewBuilder starts a snapshot with one MAC range and one WWN range.
func NewBuilder(macs addrpool.Range[addrpool.MAC], wwns addrpool.Range[addrpool.WWN]) *Builder {
	s, err := vcem.NewSnapshot([]addrpool.Range[addrpool.MAC]{macs}, nil, []addrpool.Range[addrpool.WWN]{wwns}, nil)
	return &Builder{s: s, err: err}
}

// Group adds a VC Domain Group.
func (b *Builder) Group(id, name string) *Builder {
	if b.err != nil {
		return b
	}
	if _, dup := b.s.Groups[id]; dup {
		b.err = fmt.Errorf("vcemtest: builder: group %q added twice", id)
		return b
	}
	b.s.Groups[id] = vcem.DomainGroup{ID: id, Name: name}
	return b
}

// Domain adds a domain (its Manager defaults to "<id>.vcm.example").
func (b *Builder) Domain(d vcem.Domain) *Builder {
	if b.err != nil {
		return b
	}
	if _, dup := b.s.Domains[d.ID]; dup {
		b.err = fmt.Errorf("vcemtest: builder: domain %q added twice", d.ID)
		return b
	}
	if d.Manager == "" {
		d.Manager = d.ID + ".vcm.example"
	}
	b.s.Domains[d.ID] = d
	return b
}

// Profile adds a profile with ID "<domainID>:<name>" and addresses allocated
// per spec.
func (b *Builder) Profile(domainID string, spec ProfileSpec) *Builder {
	if b.err != nil {
		return b
	}
	id := ProfileID(domainID, spec.Name)
	if _, dup := b.s.Profiles[id]; dup {
		b.err = fmt.Errorf("vcemtest: builder: profile %q added twice", id)
		return b
	}
	p, err := buildProfile(b.s.MACs, b.s.WWNs, id, domainID, spec)
	if err != nil {
		b.err = fmt.Errorf("vcemtest: builder: profile %q: %w", id, err)
		return b
	}
	p.ID = id
	b.s.Profiles[id] = p
	return b
}

// ProfileID is the ID the Builder gives a profile.
func ProfileID(domainID, name string) string { return domainID + ":" + name }

// Build returns the snapshot, checked with Validate.
func (b *Builder) Build() (*vcem.Snapshot, error) {
	if b.err != nil {
		return nil, b.err
	}
	if err := b.s.Validate(); err != nil {
		return nil, errors.Join(errors.New("vcemtest: builder: snapshot is invalid"), err)
	}
	return b.s.Clone(), nil
}
