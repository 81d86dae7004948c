package resync

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/mxsync-go/mxsync/internal/changecodec"
	"github.com/mxsync-go/mxsync/internal/strictjson"
	"github.com/mxsync-go/mxsync/matrixoe"
	"github.com/mxsync-go/mxsync/spm"
	"github.com/mxsync-go/mxsync/vcem"
)

// Change is a change of any section: a vcem.Change, an spm.Change, a
// matrixoe.Change, or one of the engine's own service actions (StopService,
// StartService). Its JSON form is tagged by its kind, and DecodeChange reads
// any of them back.
type Change interface {
	Kind() string
	Target() string
	String() string
	json.Marshaler
}

// Errors of plan and change decoding.
var (
	// ErrUnknownChange: a change of a kind no section knows.
	ErrUnknownChange = errors.New("resync: unknown change kind")
	// ErrInvalid: a malformed change, plan, manifest or option.
	ErrInvalid = errors.New("resync: invalid")
)

// Kinds of the engine's own changes.
const (
	KindStopService  = "resync.StopService"
	KindStartService = "resync.StartService"
)

// StopService stops an Insight Management Windows service before the
// resync, as mxsync recommends at initialisation (BR70 p38). Stopping a
// stopped service changes nothing.
type StopService struct {
	Name string `json:"name"`
}

// StartService starts an Insight Management Windows service the resync
// depends on. Starting a running service changes nothing.
type StartService struct {
	Name string `json:"name"`
}

var serviceCodec = changecodec.MustNew[Change]("resync", ErrUnknownChange, ErrInvalid, StopService{}, StartService{})

// Kind implements Change.
func (StopService) Kind() string { return KindStopService }

// Kind implements Change.
func (StartService) Kind() string { return KindStartService }

// Target implements Change.
func (c StopService) Target() string { return "service " + c.Name }

// Target implements Change.
func (c StartService) Target() string { return "service " + c.Name }

// String implements Change.
func (c StopService) String() string { return fmt.Sprintf("stop Windows service %q", c.Name) }

// String implements Change.
func (c StartService) String() string { return fmt.Sprintf("start Windows service %q", c.Name) }

// MarshalJSON writes {"kind":"resync.StopService","name":"…"}.
func (c StopService) MarshalJSON() ([]byte, error) { return serviceCodec.Marshal(c) }

// MarshalJSON writes {"kind":"resync.StartService","name":"…"}.
func (c StartService) MarshalJSON() ([]byte, error) { return serviceCodec.Marshal(c) }

// DecodeChange reads one tagged change of any section. The kind's prefix
// ("vcem.", "spm.", "matrixoe.", "resync.") picks the package that decodes
// it, strictly: unknown kinds wrap ErrUnknownChange (and the package's own
// sentinel), bad fields name the field.
func DecodeChange(b []byte) (Change, error) {
	if kind, ok := strictjson.StringMember(b, "kind"); ok {
		// The quick way: the package checks everything itself; what it
		// refuses takes the slow way, whose checks in order give the error.
		if c, err := decodeKind(kind, b); err == nil {
			return c, nil
		}
	}
	if err := strictjson.Validate(b); err != nil {
		return nil, fmt.Errorf("%w: change: %w", ErrInvalid, err)
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(b, &members); err != nil {
		return nil, fmt.Errorf("%w: change: want a JSON object", ErrInvalid)
	}
	var kind string
	if raw, ok := members["kind"]; !ok || json.Unmarshal(raw, &kind) != nil {
		return nil, fmt.Errorf(`%w: change: missing or non-string "kind"`, ErrInvalid)
	}
	return decodeKind(kind, b)
}

// decodeKind has the package of the kind decode the change b.
func decodeKind(kind string, b []byte) (Change, error) {
	prefix, _, _ := strings.Cut(kind, ".")
	switch prefix {
	case "vcem":
		return vcem.DecodeChange(b)
	case "spm":
		return spm.DecodeChange(b)
	case "matrixoe":
		return matrixoe.DecodeChange(b)
	case "resync":
		return serviceCodec.Decode(b)
	}
	return nil, fmt.Errorf("%w %s", ErrUnknownChange, strictjson.QuoteShort(kind))
}

// Changes is a list of changes of any sections, with a tagged JSON form.
type Changes []Change

// MarshalJSON writes the list as an array of tagged changes (nil as []).
func (cs Changes) MarshalJSON() ([]byte, error) { return appendChanges(nil, cs) }

// spmAppender is an spm change, which appends its JSON itself (its
// encoders are tested byte for byte against json.Marshal's).
type spmAppender interface {
	spm.Change
	AppendJSON([]byte) ([]byte, error)
}

// appendChanges appends cs as MarshalJSON writes them: json.Marshal of
// each change's own form, compacted. An spm change is taken as it appends
// itself: a plan predicts tens of thousands of them (Internal Recovery's),
// and compacting them again was most of the cost of its ID. Any other
// change's MarshalJSON output is checked and compacted.
func appendChanges(b []byte, cs Changes) ([]byte, error) {
	b = append(b, '[')
	for i, c := range cs {
		if c == nil {
			return nil, fmt.Errorf("%w: changes[%d]: nil change", ErrInvalid, i)
		}
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if a, ok := c.(spmAppender); ok {
			b, err = a.AppendJSON(b)
		} else {
			var raw []byte
			if raw, err = c.MarshalJSON(); err == nil {
				raw, err = json.Marshal(json.RawMessage(raw)) // checked and compacted, as encoding/json does a Marshaler's output
				b = append(b, raw...)
			}
		}
		if err != nil {
			return nil, fmt.Errorf("changes[%d]: %w", i, err)
		}
	}
	return append(b, ']'), nil
}

// UnmarshalJSON reads a tagged array; every bad element is reported with its
// index.
func (cs *Changes) UnmarshalJSON(b []byte) error {
	var raws []json.RawMessage
	if err := strictjson.Unmarshal(b, &raws); err != nil {
		return err
	}
	out := make(Changes, 0, len(raws))
	var probs []*strictjson.Problem
	for i, r := range raws {
		c, err := DecodeChange(r)
		if err != nil {
			probs = append(probs, nestChangeError(fmt.Sprintf("[%d]", i), err)...)
			continue
		}
		out = append(out, c)
	}
	if len(probs) > 0 {
		if len(probs) > strictjson.MaxProblems {
			return &strictjson.Error{Problems: probs[:strictjson.MaxProblems], More: len(probs) - strictjson.MaxProblems}
		}
		return &strictjson.Error{Problems: probs}
	}
	*cs = out
	return nil
}

// nestChangeError locates a change's decoding error under path: the
// problems of the field at fault get the path as a prefix, and keep the
// package's sentinel reachable.
func nestChangeError(path string, err error) []*strictjson.Problem {
	var ce *changecodec.Error
	if !errors.As(err, &ce) {
		return []*strictjson.Problem{{Path: path, Msg: err.Error(), Err: err}}
	}
	var se *strictjson.Error
	if !errors.As(ce.Err, &se) {
		return []*strictjson.Problem{{Path: path, Msg: err.Error(), Err: err}}
	}
	probs := strictjson.Nest(path, se, func(*strictjson.Problem) error { return err })
	for _, p := range probs {
		p.Msg = fmt.Sprintf("%s change %s: %s", ce.Pkg, ce.Kind, p.Msg)
	}
	return probs
}
