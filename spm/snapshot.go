package spm

import (
	"maps"
	"slices"
)

// Snapshot is the content of an SPM catalog (restored, or predicted after
// changes): arrays, volumes, presentations, storage services and templates.
// Maps are keyed by ID. CatalogID identifies this SPM instance; a volume
// whose OwningCatalog differs was last imported by another SPM.
//
// A Snapshot is a value owned by one goroutine; [Snapshot.Clone] gives an
// independent copy.
type Snapshot struct {
	CatalogID     string              `json:"catalogId"`
	Arrays        map[string]Array    `json:"arrays"`
	Volumes       map[string]Volume   `json:"volumes"`
	Presentations []Presentation      `json:"presentations"`
	Services      map[string]Service  `json:"services"`
	Templates     map[string]Template `json:"templates"`
}

// Clone returns an independent copy of s (nil for a nil s).
func (s *Snapshot) Clone() *Snapshot {
	if s == nil {
		return nil
	}
	return &Snapshot{
		CatalogID:     s.CatalogID,
		Arrays:        maps.Clone(s.Arrays),
		Volumes:       maps.Clone(s.Volumes),
		Presentations: slices.Clone(s.Presentations),
		Services:      maps.Clone(s.Services),
		Templates:     maps.Clone(s.Templates),
	}
}
