// Package image holds the test that certifies the reference server's
// container image against the container contract
// (docs/CONTAINER.md). It has no code of its own: everything is
// in its tests, which build the image from reference/server/Dockerfile and
// run it with testcontainers-go.
//
// # What the test checks
//
// One run builds the static binary and the image once, under a unique tag,
// then starts containers for the domain a.test on a private Docker network
// (alias a.test), with a named /data volume and a read-only root
// filesystem, and checks the contract's rows, each subtest named by its
// row: the image metadata (port 7000/tcp, numeric non-root user, /data
// volume, entrypoint, labels), refusal to start without a valid
// EMSG_DOMAIN, readiness through GET /emsg/v1/health over plain HTTP, a
// discovery document that follows the spec, the start-up line on stdout, a
// clean exit within 10 s of SIGTERM, and the server key kept by a new
// container on the same volume (and a different key on a fresh volume).
// The servers are reached as a peer would: through a resolver table
// (package resolve) mapping a.test to the published port.
//
// # Docker
//
// Without a usable Docker engine the test skips with the reason, unless
// EMSG_REQUIRE_DOCKER=1 (CI), where it fails. No image is pulled: the image
// is FROM scratch, and the Ryuk reaper is switched off
// (TESTCONTAINERS_RYUK_DISABLED=true is set in TestMain when the variable is
// unset, because its image cannot be pulled offline; an explicit value
// wins). When the engine runs in the test's own network namespace, published
// ports are reached on 127.0.0.1 (TESTCONTAINERS_HOST_OVERRIDE is set for
// the test unless already set: inside a container testcontainers-go would
// otherwise dial the default gateway). Cleanup is by label
// instead: every container, network, volume and image the run creates
// carries org.emsg-project.test-run=<run id>, and a t.Cleanup removes them
// all, on failure too, and fails the test if anything is left. A run that
// was killed outright leaves them behind; remove those with
//
//	docker ps -aq --filter label=org.emsg-project.test | xargs -r docker rm -fv
//	docker network ls -q --filter label=org.emsg-project.test | xargs -r docker network rm
//	docker volume ls -q --filter label=org.emsg-project.test | xargs -r docker volume rm
//	docker images -q --filter label=org.emsg-project.test | xargs -r docker rmi -f
//
// Run it alone with
//
//	EMSG_REQUIRE_DOCKER=1 go test -count=1 -v ./reference/server/image/
package image
