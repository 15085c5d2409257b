#!/usr/bin/env bash
# Builds the action's Dockerfile and runs its entrypoint in the built image on a pull request
# scenario against a loopback GitHub API (cmd/gate's TestContainer), as the design's testing
# section describes: podman builds, buildah runs (podman run cannot set rlimits on these
# machines). It skips, saying why, only when podman cannot be installed.
set -euo pipefail
cd "$(dirname "$0")/.."
base=docker.io/library/golang:1.26-bookworm
image=localhost/benchgate:test

if ! command -v podman >/dev/null || ! command -v buildah >/dev/null; then
  if ! { apt-get update -qq && apt-get install -y -qq podman buildah; } >/tmp/benchgate-apt.log 2>&1; then
    echo "SKIP container test: podman and buildah cannot be installed here:"
    tail -5 /tmp/benchgate-apt.log
    exit 0
  fi
fi
if ! podman image exists "$base"; then
  # No registry may be reachable: make the base image locally when the project's tool is beside
  # the checkout, else pull it.
  if [ -x ../shared/tools/golang-base-image.sh ] || [ -f ../shared/tools/golang-base-image.sh ]; then
    IMAGE=$base bash ../shared/tools/golang-base-image.sh
  else
    podman pull "$base"
  fi
fi
# Where the machine trusts an extra certificate authority (SSL_CERT_FILE), the build's module
# downloads must trust it too.
ca=()
if [ -n "${SSL_CERT_FILE:-}" ] && [ -f "$SSL_CERT_FILE" ]; then
  ca=(-v "$SSL_CERT_FILE:/etc/ssl/certs/ca-certificates.crt:ro")
fi
podman build --isolation=chroot --network=host "${ca[@]}" -q -t "$image" . >/dev/null
echo "built $image"
BENCHGATE_IMAGE=$image go test -count=1 -run '^TestContainer$' -v ./cmd/gate 2>&1 | tail -n 30
