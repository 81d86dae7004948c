// Package resynctest is a whole HP Insight Management CMS and its estate in
// memory, for tests of code that resynchronises a restored CMS — the
// engine's own tests, and a user's tool under test: Estate.Env gives the
// resync.Env the engine runs on, made of the SDK's fakes (vcemtest,
// spmtest, matrixoetest) wired as the products are wired. It is to this SDK
// what govmomi's simulator is to vSphere, but as a plain value: no registry,
// any number of estates side by side.
//
// # Build, back up, act, restore
//
// New builds the estate a Model describes (counts and the names they get);
// Small and Large are the presets (SmallModel: every kind of object, so that
// every finding code can occur; LargeModel: 250 domains × 256 profiles,
// about 516,000 addresses in use). At build time the estate is quiet: every
// database agrees with the hardware.
//
// Backup copies the databases a CMS backup holds (VCEM's, the SPM catalog,
// the RecoveryMode value, Matrix OE's); Restore puts them back while the
// hardware — VC domains, arrays, VMs, the live IO — keeps its state, as a CMS
// restore does. Between the two, activities script what operators and the
// products do: each changes the hardware and the databases as the real
// products would (a profile created by VCEM gets the lowest Free addresses
// of VCEM's database, a deleted IO service takes its VMs and profiles with
// it, SPM records a presentation, …). Activities are data (Activity: a Kind
// and the fields it takes, see Kinds), so a history prints, saves, decodes
// strictly (DecodeHistory) and replays (Play); RandomHistory makes valid
// random ones; Drills returns the restore drills whose histories produce
// every finding code of vcem, spm and matrixoe.
//
// After the restore, the products act on the restored state as they would:
// a VCEM resync that completes writes vcem.PredictResync's changes for the
// domain into VCEM's database; starting SPM while RecoveryMode is
// InternalRecovery plays Internal Recovery on the catalog and switches the
// SPM UI to Manual Recovery Mode; every change the engine applies goes
// through the fakes' stores.
//
// Fault rules reach every port of every section through one Faults value
// (WithFaults, Estate.Faults). Run and Test build a fresh estate around a
// function and close it.
//
// # The estate file (schema 1)
//
// Save, MarshalJSON, Load and Decode write and read an estate as one JSON
// document, so that a user can describe an estate by hand, export a real
// one, or keep a drill's state, and analyse it offline:
//
//	{
//	  "schema": 1,
//	  "vcem": {
//	    "database": <vcem.Snapshot>,         // the CMS's VCEM database
//	    "applied":  [<vcem change>, …],      // optional: the SDK's changes applied to it
//	    "live": {"domains": {                // the VC domains, by ID
//	      "d1": {"name": …, "manager": …, "groupId": …, "enclosures": […], "modules": […],
//	             "managed": true, "reachable": true,
//	             "login": {"username": …, "password": …},   // optional
//	             "profiles": [{"name": …, "bay": …, "ethernet": […], "iscsi": […], "fcoe": […], "fc": […]}]}}},
//	    "manager": <vcemtest.ManagerData>    // maintenance, sync state, jobs, calls
//	  },
//	  "spm": {
//	    "catalog":      <spm.Snapshot>,
//	    "applied":      [<spm change>, …],   // optional
//	    "arrays":       <spm.Live>,          // what the arrays hold
//	    "recoveryMode": {"value": "Normal", "writes": 0},
//	    "services":     <spmtest.ServicesData>,   // the Windows services
//	    "ui":           {"readyAfter": 0, "polls": 0, "manual": false, "login": {…}}
//	  },
//	  "matrixoe": {
//	    "database":     <matrixoe.Snapshot>,
//	    "applied":      [<matrixoe change>, …],   // optional
//	    "live":         <matrixoetest.LiveData>, // VMs, IPs in use, live services, the RM export
//	    "servicesFile": <matrixoetest.ServicesFileData>
//	  }
//	}
//
// Each <type> is the JSON encoding/json writes for it, and reads back,
// with two differences: a VC domain's profiles carry neither "id" nor
// "domainId" (VC does not know VCEM's IDs; the domain is the one holding
// them), and the VCEM database's pools may leave out "inUse" (Save does):
// the addresses In use are then exactly its profiles' VCEM-pool addresses,
// each given to its profile — what a valid database holds. The live VCEM's
// own pools are not in the file: the estate keeps them a mirror of the VCEM
// database. Logins are fake test data kept in clear so that a loaded estate
// accepts what the saved one did — never put a real password in an estate
// file; nothing else of the package prints them.
//
// Decoding is strict at every level, with internal/strictjson's rules and
// words: an unknown, repeated or case-folded key, a missing field (every
// field without omitempty is required), null where a value is required, a
// bad value or trailing data is an error naming the JSON path, the field and
// the value, every problem at once, e.g.
//
//	resynctest: estate JSON: vcem.live.domains["d1"].profiles[3].ethernet[1].mac: "00-17-A4-77-00-0Z": bad hex digit 'Z' at position 17 (line 1, column 2313)
//
// Then every database and the live side are checked as the fakes check
// them (vcem.Snapshot.Validate and the others); on any error nothing is
// built. The bulk of the document (profiles, volumes, presentations,
// logical servers, addresses) is decoded and encoded without reflection, so
// that the Large estate (about 120 MB) saves and decodes in well under a
// second each.
//
// # Concurrency
//
// An Estate is safe for concurrent use: activities, Backup, Restore, Save
// and the inspection methods are serialised, and every port of Env is a
// fake that is safe for concurrent use itself.
package resynctest
