// Package addrpool models the MAC and WWN address pools that Virtual Connect
// and VCEM hand out to server profiles.
//
// Addresses are plain integers ([MAC] is 48 bits, [WWN] 64 bits), so they are
// comparable, usable as map keys and cheap to sort. On top of them sit
// [Range] (first..last inclusive), [Set] (a sorted, merged interval set),
// [Pool] (ranges and exclusions with VCEM's per-address states Free, In use,
// External and Excluded) and [Diff], which compares two address→owner
// assignments — the primitive behind "allocated after backup" and
// "reassigned after backup".
//
// Input is hostile until checked: every JSON form is decoded strictly
// (internal/strictjson: unknown, repeated or case-folded keys, missing
// fields and trailing data are errors naming their path), parse errors
// quote a short prefix of a bad value, and no decoding does work per
// address of a range ([Pool.MarkExternalRange]; pools hold at most
// [MaxPoolSize] addresses).
//
// The package imports nothing else from this module but internal/strictjson.
// Values of [MAC], [WWN],
// [Range] and a [Set] that is no longer modified may be shared freely between
// goroutines; a [Pool] may not (see its documentation).
package addrpool
