package vcm

import (
	"context"
	"errors"
	"fmt"

	"github.com/mxsync-go/mxsync/vcem"
)

// A directory of one domain, read from an in-process SSH server that answers
// with the recorded outputs of testdata/rack1. Against a device, Address is
// the VC Manager's and HostKeys its fingerprint (ssh-keygen -lf).
func ExampleClient_ReadDomain() {
	answers, err := loadScenario("rack1")
	if err != nil {
		fmt.Println(err)
		return
	}
	srv, err := newFake(answers)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.stop()

	c, err := New([]DomainConfig{{
		ID:          "d1",
		Address:     srv.addr(),
		GroupID:     "g1", // VC does not print VCEM groups: the directory says
		Credentials: vcem.NewCredentials("Administrator", "vc-Secr3t!"),
		HostKeys:    []string{srv.fingerprint()},
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()

	ld, err := c.ReadDomain(context.Background(), "d1")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ld.Domain.Name, ld.Domain.Enclosures, len(ld.Domain.Modules), "modules")
	for _, p := range ld.Profiles {
		fmt.Printf("%-5s bay=%-6q eth=%d iscsi=%d fcoe=%d fc=%d\n", p.Name, p.Bay, len(p.Ethernet), len(p.ISCSI), len(p.FCoE), len(p.FC))
	}

	_, err = c.ReadDomainWithCredentials(context.Background(),
		vcem.DomainTarget{ID: "d1-direct", Manager: srv.addr()}, vcem.NewCredentials("Administrator", "guess"))
	fmt.Println(errors.Is(err, vcem.ErrCredentialsRejected))
	// Output:
	// Rack1_VCDomain [enc0 enc1] 4 modules
	// app   bay="enc1:1" eth=1 iscsi=0 fcoe=1 fc=0
	// db    bay="enc0:2" eth=1 iscsi=1 fcoe=0 fc=0
	// spare bay=""     eth=1 iscsi=0 fcoe=0 fc=0
	// web   bay="enc0:1" eth=2 iscsi=0 fcoe=0 fc=2
	// true
}
