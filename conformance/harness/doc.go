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
// # Operator key
//
// The admin specs sign with an operator key ([Operator]). The harness
// generates one per run ([Config.WithOperator]) and configures its public
// half on the servers it starts — every domain but the last of three or
// more ([Config.AdminKeys]) — through the reference's configuration
// (embedded), EMSG_ADMIN_KEYS and {admin_keys} (exec) or EMSG_ADMIN_KEYS
// (container). For an external target the servers' operator gives the
// private half (EMSG_CONFORM_OPERATOR_KEY).
//
// # Extra servers
//
// The embedded, exec and container targets are also a [Launcher]: they
// start one more server of the implementation with the resolver table a
// spec chooses and report whether it started or refused (the RESOLVE-*
// specs).
// Every target is a [Backends]: the address behind each proxy, for a
// spec that must meet the server itself (a slow client).
//
// # Fake peers
//
// Domains listed in [Config.Peers] (x.test, y.test, z.test by default)
// are not started: the harness reserves a listener for each and maps it
// in the servers' table, so the suite can serve a scripted federation
// peer there (package fakepeer). The listener is on loopback for the
// embedded and exec targets, and on the gateway of the run's Docker
// network for the container target, where it admits the run's containers
// and this host only and shuts out a container cut off (peergate.go). An
// external target's servers get none.
package harness
