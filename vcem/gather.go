package vcem

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
)

// CredentialedDomain is a domain to read directly from its VC Manager: a
// restored domain VCEM cannot reach, or one added to a group after the
// backup that the restored database does not know.
type CredentialedDomain struct {
	Target      DomainTarget `json:"target"`
	Credentials Credentials  `json:"credentials"`
}

// credentialedDomainJSON is CredentialedDomain without its methods.
type credentialedDomainJSON CredentialedDomain

// JSONShape tells internal/strictjson the shape UnmarshalJSON reads.
func (*CredentialedDomain) JSONShape() any { return (*credentialedDomainJSON)(nil) }

// UnmarshalJSON reads a credentialed domain strictly (internal/strictjson):
// an unknown, repeated or case-folded key at any depth — in the target or
// the credentials — or a missing one is an error naming its path. On error
// d is unchanged.
func (d *CredentialedDomain) UnmarshalJSON(b []byte) error {
	return decodeStrict("credentialed domain", b, (*credentialedDomainJSON)(d))
}

// GatherLive reads the live side of phase 1: every restored domain through
// VCEM; those VCEM cannot reach (or does not know) with the credentials given
// for them (keyed by domain ID), or as an unreachable entry when none were
// given; and every other credentialed domain (domains the restored database
// does not know).
// An entry with zero Credentials names a domain without credentials: it is
// reported unreachable, so analysis asks for them.
// A read failure other than inaccessibility through VCEM is returned as an
// error naming the domain: analysis on a partial read would be wrong. So is
// any failure of a read with credentials (rejected, or no VC Manager answers
// at the target): the caller supplied them and must correct them.
// A domain VCEM returns under another ID than the one asked for is an error,
// and so are two domains read from one VC Manager address.
func GatherLive(ctx context.Context, live Live, restored *Snapshot, creds map[string]CredentialedDomain, opts ...GatherOption) ([]LiveDomain, error) {
	if live == nil {
		return nil, errors.New("vcem: gather live: Live port is nil")
	}
	if restored == nil {
		return nil, errors.New("vcem: gather live: restored snapshot is nil")
	}
	cfg := gatherConfig{concurrency: 1}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.concurrency < 1 {
		return nil, fmt.Errorf("vcem: gather live: %w: read concurrency %d, want at least 1", ErrInvalid, cfg.concurrency)
	}
	// One read per domain, in output order: the restored domains by ID,
	// then the credentialed domains the restored database does not know.
	type read struct {
		id       string
		restored bool
	}
	var reads []read
	for _, id := range slices.Sorted(maps.Keys(restored.Domains)) {
		reads = append(reads, read{id, true})
	}
	for _, id := range slices.Sorted(maps.Keys(creds)) {
		if _, ok := restored.Domains[id]; !ok {
			reads = append(reads, read{id, false})
		}
	}
	out := make([]LiveDomain, len(reads))
	errs := make([]error, len(reads))
	one := func(i int) {
		// A panicking port is this domain's error: on a worker goroutine
		// it would end the program beyond any recover of the caller's.
		defer func() {
			if r := recover(); r != nil {
				errs[i] = fmt.Errorf("vcem: gather live: read domain %q: panic: %v", reads[i].id, r)
			}
		}()
		if err := ctx.Err(); err != nil {
			errs[i] = err
			return
		}
		id := reads[i].id
		if !reads[i].restored {
			if creds[id].Credentials.IsZero() { // named by the caller, but no credentials: report it
				out[i] = LiveDomain{Domain: Domain{ID: id, Manager: creds[id].Target.Manager}}
				return
			}
			out[i], errs[i] = readWithCreds(ctx, live, id, creds[id])
			return
		}
		d := restored.Domains[id]
		ld, err := live.ReadDomain(ctx, id)
		switch {
		case err == nil:
			if ld.Domain.ID != id {
				errs[i] = fmt.Errorf("vcem: gather live: read domain %q: %w: the answer is for domain %q", id, ErrInvalidLive, ld.Domain.ID)
				return
			}
			out[i] = ld
			return
		case !errors.Is(err, ErrDomainInaccessible) && !errors.Is(err, ErrUnknownDomain):
			errs[i] = fmt.Errorf("vcem: gather live: read domain %q: %w", id, err)
			return
		}
		cd, ok := creds[id]
		if !ok || cd.Credentials.IsZero() {
			out[i] = LiveDomain{Domain: Domain{ID: id, Name: d.Name, Manager: d.Manager, GroupID: d.GroupID}}
			return
		}
		out[i], errs[i] = readWithCreds(ctx, live, id, cd)
	}
	if cfg.concurrency == 1 || len(reads) < 2 {
		for i := range reads {
			if one(i); errs[i] != nil {
				return nil, errs[i]
			}
		}
	} else {
		next := make(chan int)
		var wg sync.WaitGroup
		for range min(cfg.concurrency, len(reads)) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					one(i)
				}
			}()
		}
		for i := range reads {
			next <- i
		}
		close(next)
		wg.Wait()
		for _, err := range errs { // the first failure in output order
			if err != nil {
				return nil, err
			}
		}
	}
	if err := checkManagersDistinct(out); err != nil {
		return nil, err
	}
	return out, nil
}

// GatherOption configures GatherLive.
type GatherOption func(*gatherConfig)

type gatherConfig struct{ concurrency int }

// WithReadConcurrency reads up to n domains at once (default 1). The Live
// port must be safe for concurrent use (the vcemtest fake and the vcm
// adapter are). The result does not depend on n: domains come back in the
// same order, and the error reported is the first in that order.
func WithReadConcurrency(n int) GatherOption {
	return func(c *gatherConfig) { c.concurrency = n }
}

func checkManagersDistinct(lds []LiveDomain) error {
	seen := make(map[string]string, len(lds))
	for _, ld := range lds {
		m := ld.Domain.Manager
		if !ld.Reachable || m == "" {
			continue
		}
		if other, dup := seen[m]; dup {
			return fmt.Errorf("vcem: gather live: %w: domains %q and %q were both read from VC Manager %s (one domain under two IDs?)", ErrInvalidLive, other, ld.Domain.ID, m)
		}
		seen[m] = ld.Domain.ID
	}
	return nil
}

func readWithCreds(ctx context.Context, live Live, id string, cd CredentialedDomain) (LiveDomain, error) {
	t := cd.Target
	if t.ID == "" {
		t.ID = id
	}
	if t.ID != id {
		return LiveDomain{}, fmt.Errorf("vcem: gather live: credentials keyed %q target domain %q", id, t.ID)
	}
	ld, err := live.ReadDomainWithCredentials(ctx, t, cd.Credentials)
	if err != nil {
		return LiveDomain{}, fmt.Errorf("vcem: gather live: read domain %q at %s with credentials of user %q: %w", id, t.Manager, cd.Credentials.Username(), err)
	}
	ld.Domain.ID = id
	ld.ViaCredentials = true
	ld.Reachable = true
	return ld, nil
}
