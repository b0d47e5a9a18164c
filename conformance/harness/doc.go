// Package harness starts or reaches the implementation under test and
// controls it for the specs that need to: the conformance suites see a
// [Deployment] — domains reached through a resolver table — whatever the
// target behind it.
//
// # Targets
//
//   - embedded (the default): the reference server in-process on loopback,
//     one per domain (a.test, b.test, c.test), see [StartEmbedded];
//   - exec: a command template started once per domain, see [StartExec];
//   - container: an image per domain on a private Docker network, see
//     [StartContainers];
//   - external: servers already running, given by a resolver table, see
//     [External].
//
// # Control
//
// Every target puts a loopback [Proxy] in front of each domain, and every
// resolver table (the suite's and the servers' own, where the harness
// writes it) names the proxies, so a domain can be cut off from everyone
// the same way for every target. Stopping, restarting and pausing depend
// on the target: shutdown and restart on the same data directory
// (embedded), signals (exec), docker stop/start/pause (container). A
// control a target cannot offer returns [ErrUnsupported], and the spec
// that needed it is skipped with that reason.
//
// # Fake peers
//
// Domains listed in [Config.Peers] (x.test by default) are not started:
// the harness reserves a loopback listener for each and maps it in the
// servers' table, so the suite can serve a scripted federation peer
// there (package fakepeer).
package harness
