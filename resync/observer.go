package resync

// EventType says what an Event reports.
type EventType string

// Events, in the order an execute emits them.
const (
	EventPhaseStarted   EventType = "phase-started"   // Phase; Total = changes to apply
	EventChangeApplied  EventType = "change-applied"  // Phase, Change; Done of Total
	EventDomainResynced EventType = "domain-resynced" // Phase, Domain, Outcome; Done of Total domains
	EventPhaseVerified  EventType = "phase-verified"  // Phase: re-analysis found it clean
	EventPhaseSkipped   EventType = "phase-skipped"   // Phase, Message: why
	EventWaiting        EventType = "waiting"         // Phase, Message: e.g. for SPM's Manual Recovery Mode
	EventFinished       EventType = "finished"        // Message: the outcome
)

// Event is one step of an execute, for progress bars and logs. It carries
// changes, IDs and counts, never credentials.
type Event struct {
	Type    EventType `json:"type"`
	Phase   PhaseID   `json:"phase"`
	Change  Change    `json:"change,omitempty"`
	Domain  string    `json:"domain,omitempty"`
	Outcome string    `json:"outcome,omitempty"`
	Done    int       `json:"done,omitempty"`
	Total   int       `json:"total,omitempty"`
	Message string    `json:"message,omitempty"`
}

// Observer receives an execute's events, one at a time in order (never
// concurrently), on the goroutine running the execute. It must not block
// for long; a panic in it is recovered and logged.
type Observer func(Event)
