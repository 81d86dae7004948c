package resync

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// ReportOptions tune the text report.
type ReportOptions struct {
	// MaxChanges is the most changes listed under one finding (the rest are
	// counted); 0 means 20, negative means all.
	MaxChanges int
	// Quiet leaves out phases with no finding.
	Quiet bool
}

// WriteReport writes the plan as text in mxsync's spirit: sections and
// phases as headings, one "ISSUE <code> <subject>: <message>" line per
// finding with its actions indented under it, the changes the products are
// predicted to make, and a summary table. The output is deterministic.
func (p *Plan) WriteReport(w io.Writer, opts ReportOptions) error {
	max := opts.MaxChanges
	if max == 0 {
		max = 20
	}
	bw := &errWriter{w: w}
	mode := "analysis only: nothing was written"
	if p.WhatIf {
		mode = "what-if: the backup manifest stands in for the restored databases"
	}
	bw.printf("mxsync-go resync plan (%s)\n", mode)
	bw.printf("plan %s · created %s · schema %d · mxsync-go %s\n", short(p.ID), p.Created.UTC().Format("2006-01-02 15:04:05Z"), p.Schema, p.SDKVersion)
	for _, s := range p.Skipped {
		bw.printf("section %s skipped: %s\n", s.Section, s.Reason)
	}
	for _, ph := range p.Phases {
		if opts.Quiet && len(ph.Findings) == 0 && len(ph.Predicted) == 0 {
			continue
		}
		bw.printf("\n== %s\n", ph.Title)
		if ph.Skipped != "" {
			bw.printf("   skipped: %s\n", ph.Skipped)
			continue
		}
		if len(ph.Findings) == 0 {
			bw.printf("   no issues\n")
		}
		for _, f := range ph.Findings {
			bw.printf("%s\n", f.String())
			n := len(f.Changes)
			shown := n
			if max > 0 && shown > max {
				shown = max
			}
			for _, c := range f.Changes[:shown] {
				bw.printf("    %s\n", c.String())
			}
			if shown < n {
				bw.printf("    … and %d more changes\n", n-shown)
			}
			if f.Manual != "" {
				bw.printf("    MANUAL: %s\n", f.Manual)
			}
		}
		if len(ph.Predicted) > 0 {
			bw.printf("   predicted (%s, done by the product itself): %d changes\n", ph.PredictedBy, len(ph.Predicted))
			shown := len(ph.Predicted)
			if max > 0 && shown > max {
				shown = max
			}
			for _, c := range ph.Predicted[:shown] {
				bw.printf("    %s\n", c.String())
			}
			if shown < len(ph.Predicted) {
				bw.printf("    … and %d more\n", len(ph.Predicted)-shown)
			}
		}
	}
	s := p.Summary()
	bw.printf("\nSummary\n")
	tw := tabwriter.NewWriter(bw, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "  section\tfindings\tchanges\tmanual\tblocking\t\n")
	for _, c := range s.Sections {
		fmt.Fprintf(tw, "  %s\t%d\t%d\t%d\t%d\t\n", c.Section, c.Findings, c.Changes, c.Manual, c.Blocking)
	}
	fmt.Fprintf(tw, "  total\t%d\t%d\t%d\t%d\t\n", s.Total.Findings, s.Total.Changes, s.Total.Manual, s.Total.Blocking)
	if err := tw.Flush(); err != nil {
		return err
	}
	switch {
	case p.Clean():
		bw.printf("clean: nothing to do\n")
	case s.Total.Blocking > 0:
		bw.printf("%d changes to apply, %d manual steps, %d blocking: a person must act before the phases they block\n", s.Total.Changes, s.Total.Manual, s.Total.Blocking)
	default:
		bw.printf("%d changes to apply, %d manual steps\n", s.Total.Changes, s.Total.Manual)
	}
	return bw.err
}

// Report returns WriteReport's text with default options.
func (p *Plan) Report() string {
	var b strings.Builder
	_ = p.WriteReport(&b, ReportOptions{})
	return b.String()
}

func short(id string) string {
	if len(id) > 19 {
		return id[:19]
	}
	return id
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(b []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(b)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, args ...any) { fmt.Fprintf(e, format, args...) }
