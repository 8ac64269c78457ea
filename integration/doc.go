// Package integration tests the executor against real engines instead of
// this project's fakes: a Docker engine (dockerd from Debian's docker.io),
// the CNCF Distribution registry (Debian's docker-registry) with htpasswd
// authentication, and moto (python3 -m moto.server), an AWS emulator that
// was written by other people from AWS's own descriptions. Prefect has no
// server that can be installed here, so its wire-protocol fake stays.
//
// The tests run only with the build tag integration, through
//
//	make test-integration
//
// TestMain starts every service on loopback, each with its own files under
// one temporary folder (dockerd with its own data root, exec root and
// socket), and stops them on exit, on a failure and on Ctrl-C or SIGTERM.
// When a service cannot start the run fails with the missing piece named;
// nothing is skipped. The scenarios run deployer and flowspec-extract as
// users run them: built binaries, started as processes, configured by
// their environment.
//
// A new scenario starts with newWorld, which resets moto and gives the test
// its own Prefect fake, its own prefix in the registry and a proxy in front
// of moto that counts every AWS call by "service:Operation" (from the SigV4
// scope, so IAM, EC2, Secrets Manager and SSM calls count too) and can
// answer a matching call with ThrottlingException. world.extract and
// world.run run the binaries; world.dryRunThenApply checks that a dry run
// lists exactly what the apply after it does; world.ecs and world.ecr read
// moto directly, uncounted.
package integration
