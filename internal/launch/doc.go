// Package launch starts EMSG servers for the tools that test them: the
// conformance harness (conformance/harness) and the load simulator
// (loadgen) share it, so that "a command template per domain" and "an
// image per domain on a private Docker network" mean the same in both.
//
//   - [Server.Command] expands a command template, with the placeholders
//     {domain}, {listen}, {resolve_file} and {data_dir} (also set as
//     EMSG_DOMAIN, EMSG_LISTEN, EMSG_RESOLVE_FILE and EMSG_DATA_DIR), into
//     a process started by /bin/sh;
//   - [RunContainer] runs an image following the container contract
//     (docs/CONTAINER.md: port 7000, data in /data, EMSG_DOMAIN and
//     EMSG_RESOLVE) on a private network under the domain as its alias;
//   - [WaitHealthy] waits for a server's health check, [ContainerStats]
//     reads a container's CPU time and memory, and [RemoveByLabel] removes
//     everything a run created.
package launch
