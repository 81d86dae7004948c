package matrixoe

import (
	"cmp"
	"maps"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mxsync-go/mxsync/internal/strictjson"
)

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

func sortedAddrs[V any](m map[netip.Addr]V) []netip.Addr {
	return slices.SortedFunc(maps.Keys(m), func(a, b netip.Addr) int { return a.Compare(b) })
}

// without returns a new slice holding ids minus every element equal to drop.
func without[T comparable](ids []T, drop T) []T {
	out := make([]T, 0, len(ids))
	for _, id := range ids {
		if id != drop {
			out = append(out, id)
		}
	}
	return out
}

func sortedCopy[T cmp.Ordered](in []T) []T {
	out := slices.Clone(in)
	slices.Sort(out)
	return out
}

// maxShort is the longest ID or name written whole into a message, target or
// subject; a longer one (a hostile or broken input) is cut, so no message
// grows with its input.
const maxShort = 64

// q quotes s for a message, cut to a bounded prefix.
func q(s string) string { return strictjson.QuoteShort(s) }

// short is s unquoted, cut to a bounded prefix (for targets and subjects,
// which read as "logical server LS1").
func short(s string) string {
	if len(s) <= maxShort {
		return s
	}
	cut := maxShort
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…(" + strconv.Itoa(len(s)) + " bytes)"
}

// shortList quotes the first few elements of ids for a message and counts
// the rest.
func shortList(ids []string) string {
	const most = 8
	parts := make([]string, 0, min(len(ids), most)+1)
	for i, id := range ids {
		if i == most {
			parts = append(parts, "… "+strconv.Itoa(len(ids)-most)+" more")
			break
		}
		parts = append(parts, q(id))
	}
	return strings.Join(parts, ", ")
}
