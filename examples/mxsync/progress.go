package main

import (
	"fmt"
	"io"

	"github.com/schollz/progressbar/v3"

	"github.com/mxsync-go/mxsync/resync"
)

// progress draws one bar per phase on stderr when it is a terminal (the
// schollz/progressbar module handles width, throttling and redraws, which is
// why it is used rather than a hand-made bar); it is silent otherwise.
type progress struct {
	w   io.Writer
	bar *progressbar.ProgressBar
}

func (p *progress) observe(e resync.Event) {
	switch e.Type {
	case resync.EventPhaseStarted:
		p.finish()
		if e.Total > 0 || e.Phase.Section == resync.SectionVCEM && e.Phase.Phase == 2 {
			p.bar = progressbar.NewOptions(max(e.Total, 1),
				progressbar.OptionSetWriter(p.w),
				progressbar.OptionSetDescription(fmt.Sprintf("%-16s", e.Phase.String())),
				progressbar.OptionShowCount(),
				progressbar.OptionClearOnFinish(),
			)
		}
	case resync.EventChangeApplied, resync.EventDomainResynced:
		if p.bar != nil {
			if e.Total > 0 && p.bar.GetMax() != e.Total {
				p.bar.ChangeMax(e.Total)
			}
			_ = p.bar.Set(e.Done)
		}
	case resync.EventPhaseVerified, resync.EventFinished:
		p.finish()
	case resync.EventWaiting:
		p.finish()
		fmt.Fprintf(p.w, "%s: %s\n", e.Phase, e.Message)
	}
}

func (p *progress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
		p.bar = nil
	}
}
