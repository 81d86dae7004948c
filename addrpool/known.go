package addrpool

import "fmt"

// Known describes a vendor-reserved address range. Verified is false for
// ranges recalled from background knowledge but not confirmed against a
// published source; do not treat those as HP's word.
type Known[A Address] struct {
	Name     string
	Range    Range[A]
	Verified bool
	Source   string
}

// The HP ranges below are the only place in the SDK where they are written
// down. Sources are the reference notes shared with the project
// (mxsync-domain.md §5.1); update them here when better evidence arrives.
const (
	vcemWWNFirst  WWN = 0x50014380_02A30000 // VERIFIED via HP c02494590 as quoted in public code
	vcemWWNLast   WWN = 0x50014380_02A4FFFF
	hpPreWWNFirst WWN = 0x50060B00_00C26200 // VERIFIED via HP c02494590 as quoted in public code
	hpPreWWNLast  WWN = 0x50060B00_00C361FF
	npivPortFirst WWN = 0x50014C20_00000000 // VERIFIED: HP Integrity VM NPIV overview p8
	npivPortLast  WWN = 0x50014C27_FFFFFFFF
	npivNodeFirst WWN = 0x50014C28_00000000
	npivNodeLast  WWN = 0x50014C2F_FFFFFFFF

	hpPreMACFirst MAC = 0x0017A4_770000 // UNVERIFIED (recalled): HP pre-defined VC MAC ranges
	hpPreMACLast  MAC = 0x0017A4_77FFFF
	vcemMACFirst  MAC = 0x00215A_9B0000 // UNVERIFIED (recalled): VCEM-defined MAC range
	vcemMACLast   MAC = 0x00215A_9CFFFF

	// PredefinedBlocks is the number of HP pre-defined blocks per address kind
	// (VC's MacPool/WwnPool 1..64); BlockSize the addresses in each block.
	PredefinedBlocks = 64
	BlockSize        = 1024
)

// KnownWWNRanges returns the HP WWN ranges the SDK knows of.
func KnownWWNRanges() []Known[WWN] {
	return []Known[WWN]{
		{"VCEM-defined WWN range", Range[WWN]{vcemWWNFirst, vcemWWNLast}, true, "HP doc c02494590, quoted in public WWN decoder code; 131,072 WWNs matching the documented VCEM MAC count"},
		{"HP pre-defined VC WWN ranges (64 blocks of 1,024)", Range[WWN]{hpPreWWNFirst, hpPreWWNLast}, true, "HP doc c02494590, quoted in public WWN decoder code"},
		{"HP Integrity VM NPIV port WWNs", Range[WWN]{npivPortFirst, npivPortLast}, true, "HP Integrity VM 4.3 NPIV overview p8"},
		{"HP Integrity VM NPIV node WWNs", Range[WWN]{npivNodeFirst, npivNodeLast}, true, "HP Integrity VM 4.3 NPIV overview p8"},
	}
}

// KnownMACRanges returns the HP MAC ranges the SDK knows of. None is
// verified: both are recalled, not confirmed against a published source.
func KnownMACRanges() []Known[MAC] {
	return []Known[MAC]{
		{"VCEM-defined MAC range (unverified)", Range[MAC]{vcemMACFirst, vcemMACLast}, false, "recalled; the count 131,072 is documented (VCEM user guide p88), the bounds are not"},
		{"HP pre-defined VC MAC ranges, 64 blocks of 1,024 (unverified)", Range[MAC]{hpPreMACFirst, hpPreMACLast}, false, "recalled; supported only by the 00-17-A4-77 prefix of real HP blade NICs"},
	}
}

// VCEMDefinedWWN returns the VCEM-defined WWN range (verified).
func VCEMDefinedWWN() Range[WWN] { return Range[WWN]{vcemWWNFirst, vcemWWNLast} }

// HPPredefinedWWN returns the whole HP pre-defined VC WWN range (verified).
func HPPredefinedWWN() Range[WWN] { return Range[WWN]{hpPreWWNFirst, hpPreWWNLast} }

// HPPredefinedWWNBlock returns block n (1..64) of the HP pre-defined WWNs;
// block 1 is 50:06:0B:00:00:C2:62:00–…:C2:65:FF.
func HPPredefinedWWNBlock(n int) (Range[WWN], error) { return block(hpPreWWNFirst, n) }

// HPPredefinedMACBlock returns block n (1..64) of the HP pre-defined VC MACs.
// The base 00-17-A4-77-00-00 is UNVERIFIED (see [KnownMACRanges]).
func HPPredefinedMACBlock(n int) (Range[MAC], error) { return block(hpPreMACFirst, n) }

func block[A Address](base A, n int) (Range[A], error) {
	if n < 1 || n > PredefinedBlocks {
		return Range[A]{}, fmt.Errorf("addrpool: pre-defined %s block %d: want 1..%d", kindOf[A](), n, PredefinedBlocks)
	}
	first := A(uint64(base) + uint64(n-1)*BlockSize)
	return Range[A]{first, A(uint64(first) + BlockSize - 1)}, nil
}
