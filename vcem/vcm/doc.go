// Package vcm reads live VC domains from their HP Virtual Connect Manager
// CLI over SSH; its [Client] is a [vcem.Live] port.
package vcm
