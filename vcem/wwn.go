package vcem

import (
	"fmt"

	"github.com/mxsync-go/mxsync/addrpool"
)

// NodeWWNFor returns the node WWN Virtual Connect gives a port WWN: the port
// WWN plus one (FOUND: VC setup and install guide p89, "the node WWN is always
// the port WWN plus one"). This is the one place the rule is written down.
func NodeWWNFor(port addrpool.WWN) (addrpool.WWN, error) {
	n, err := port.Add(1)
	if err != nil {
		return 0, fmt.Errorf("vcem: node WWN of port WWN %s: %w", port, err)
	}
	return n, nil
}

// CheckNodeWWN reports whether node is the node WWN VC pairs with port (see
// [NodeWWNFor]); the error names both values.
func CheckNodeWWN(port, node addrpool.WWN) error {
	want, err := NodeWWNFor(port)
	if err != nil {
		return err
	}
	if node != want {
		return fmt.Errorf("vcem: node WWN %s does not follow port WWN %s (want %s = port + 1)", node, port, want)
	}
	return nil
}
