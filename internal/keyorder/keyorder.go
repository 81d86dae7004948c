// Package keyorder sorts a map's keys for a canonical encoding, and
// remembers the order: a plan's predicted chain fingerprints the same
// store after every phase that changes it, and a phase changes a few
// records of tens of thousands, rarely the set of keys. Sorting the keys
// was a third of each of those fingerprints.
package keyorder

import "sync"

// Cache remembers the last sorted keys it gave. The zero value is ready;
// a nil *Cache remembers nothing. It is safe for concurrent use: the
// slices it returns are never written again, by it or by its callers.
type Cache[K comparable] struct {
	mu   sync.Mutex
	keys []K
}

// Sorted returns m's keys sorted by sort (which sorts in place). When the
// cache holds the keys of a map with the same key set, it returns them
// without sorting: the same length and every remembered key present
// means the same set, as a map's keys are distinct. The caller must not
// modify the result.
func Sorted[K comparable, V any](c *Cache[K], m map[K]V, sort func([]K)) []K {
	if c != nil {
		c.mu.Lock()
		keys := c.keys
		c.mu.Unlock()
		if same(keys, m) {
			return keys
		}
	}
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort(keys)
	if c != nil {
		c.mu.Lock()
		c.keys = keys
		c.mu.Unlock()
	}
	return keys
}

// Each calls fn with m's keys in order (as Sorted orders them) and their
// values, looking each up once: with the remembered order it checks, key
// by key, that the order is still m's, instead of checking it all first.
// When it finds a remembered key missing from m part way, it forgets the
// order and returns false: fn has been given a wrong sequence, which the
// caller must discard, and the next call sorts afresh. It returns true
// when fn was given m's keys in order.
func Each[K comparable, V any](c *Cache[K], m map[K]V, sort func([]K), fn func(K, V)) bool {
	if c != nil {
		c.mu.Lock()
		keys := c.keys
		c.mu.Unlock()
		if keys != nil && len(keys) == len(m) {
			for _, k := range keys {
				v, ok := m[k]
				if !ok {
					c.mu.Lock()
					c.keys = nil
					c.mu.Unlock()
					return false
				}
				fn(k, v)
			}
			return true // as many keys, all of them in m: m's key set
		}
	}
	for _, k := range Sorted(c, m, sort) {
		fn(k, m[k])
	}
	return true
}

// same reports whether keys are exactly m's keys.
func same[K comparable, V any](keys []K, m map[K]V) bool {
	if keys == nil || len(keys) != len(m) {
		return false
	}
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			return false
		}
	}
	return true
}
