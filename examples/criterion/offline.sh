#!/bin/sh
# Runs cargo on this crate without crates.io, against the crates Debian packages: criterion 0.3
# and its dependencies come with `apt-get install librust-criterion-dev`, in
# /usr/share/cargo/registry (another directory of unpacked crates: CARGO_REGISTRY_DIR). The
# source replacement is given on cargo's command line, so no config file is written anywhere.
#
#   ./offline.sh bench                              # every benchmark
#   ./offline.sh bench --bench parse -- '^parse/'   # one
#   ./offline.sh bench -- --output-format bencher   # libtest's bencher lines
set -eu
cd "$(dirname "$0")"
registry=${CARGO_REGISTRY_DIR:-/usr/share/cargo/registry}
if [ ! -d "$registry/criterion-0.3.6" ]; then
	echo "offline.sh: no criterion 0.3.6 in $registry (apt-get install librust-criterion-dev)" >&2
	exit 2
fi
# Criterion finds target/criterion by running `cargo metadata`, which would not get the flags
# below and would wait for crates.io for seconds in every benchmark binary; with the target
# directory given, it asks nothing.
CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
export CARGO_TARGET_DIR
exec cargo --offline \
	--config 'source.crates-io.replace-with="debian"' \
	--config "source.debian.directory=\"$registry\"" \
	"$@"
