package spm

import (
	"encoding/json"
	"fmt"
)

// UnmarshalJSON decodes a snapshot. A value that does not decode (a bad
// WWN, a negative size, a LUN that is not a whole number, ...) gives an
// error naming the record that holds it, e.g. `volume "vol7": ...` or
// `presentation 3: ...`, not only the value.
func (s *Snapshot) UnmarshalJSON(b []byte) error {
	type plain Snapshot // without this method
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return fmt.Errorf("spm: decode catalog snapshot: %w", locateSnapshotError(b, err))
	}
	*s = Snapshot(p)
	return nil
}

// locateSnapshotError decodes record by record to find which one failed;
// it runs only after the fast decode failed.
func locateSnapshotError(b []byte, err error) error {
	var raw struct {
		Arrays        map[string]json.RawMessage `json:"arrays"`
		Volumes       map[string]json.RawMessage `json:"volumes"`
		Presentations []json.RawMessage          `json:"presentations"`
		Services      map[string]json.RawMessage `json:"services"`
		Templates     map[string]json.RawMessage `json:"templates"`
	}
	if json.Unmarshal(b, &raw) != nil {
		return err // the shape itself is wrong; the decoder's error says where
	}
	if e := firstBad[Array]("array", raw.Arrays); e != nil {
		return e
	}
	if e := firstBad[Volume]("volume", raw.Volumes); e != nil {
		return e
	}
	for i, r := range raw.Presentations {
		var p Presentation
		if e := json.Unmarshal(r, &p); e != nil {
			return fmt.Errorf("presentation %d: %w", i, e)
		}
	}
	if e := firstBad[Service]("service", raw.Services); e != nil {
		return e
	}
	if e := firstBad[Template]("template", raw.Templates); e != nil {
		return e
	}
	return err
}

func firstBad[T any](what string, m map[string]json.RawMessage) error {
	for _, id := range sortedKeys(m) {
		var v T
		if err := json.Unmarshal(m[id], &v); err != nil {
			return fmt.Errorf("%s %q: %w", what, id, err)
		}
	}
	return nil
}

// UnmarshalJSON decodes the live side. A value that does not decode gives
// an error naming the array and the volume or presentation (by index) that
// holds it.
func (l *Live) UnmarshalJSON(b []byte) error {
	type plain Live // without this method
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return fmt.Errorf("spm: decode live arrays: %w", locateLiveError(b, err))
	}
	*l = Live(p)
	return nil
}

func locateLiveError(b []byte, err error) error {
	var raw struct {
		Arrays map[string]json.RawMessage `json:"arrays"`
	}
	if json.Unmarshal(b, &raw) != nil {
		return err
	}
	for _, id := range sortedKeys(raw.Arrays) {
		var a struct {
			Volumes       []json.RawMessage `json:"volumes"`
			Presentations []json.RawMessage `json:"presentations"`
		}
		if json.Unmarshal(raw.Arrays[id], &a) != nil {
			var whole LiveArray
			return fmt.Errorf("live array %q: %w", id, json.Unmarshal(raw.Arrays[id], &whole))
		}
		for i, r := range a.Volumes {
			var v LiveVolume
			if e := json.Unmarshal(r, &v); e != nil {
				return fmt.Errorf("live array %q: volume %d: %w", id, i, e)
			}
		}
		for i, r := range a.Presentations {
			var p LivePresentation
			if e := json.Unmarshal(r, &p); e != nil {
				return fmt.Errorf("live array %q: presentation %d: %w", id, i, e)
			}
		}
		var whole LiveArray
		if e := json.Unmarshal(raw.Arrays[id], &whole); e != nil {
			return fmt.Errorf("live array %q: %w", id, e)
		}
	}
	return err
}
