#!/usr/bin/env bash
# The threat model, measured: runs the attacking benchmark (cmd/gate/testdata/attack) through
# `gate run` with a canary token in gate's environment, as the action's container runs it (gate
# as root) and as a plain runner does (gate as an unprivileged user, started by a shell that was
# given the token), with the gate of a commit given as the first argument (before the
# protections: 265d693) beside this checkout's. It prints, per case, where the attack found the
# canary. Linux, as root (it uses setpriv to play the runner's user).
#
#   bash bench/threat/threat.sh [OLD_COMMIT]
set -euo pipefail
cd "$(dirname "$0")/../.."
old=${1:-265d693}
work=$(mktemp -d /tmp/benchgate-threat-XXXXXX)
trap 'rm -rf "$work"; git worktree remove --force "$work/old-src" 2>/dev/null || true' EXIT
chmod 755 "$work"
go build -o "$work/gate-new" ./cmd/gate
git worktree add -q --detach "$work/old-src" "$old"
(cd "$work/old-src" && go build -o "$work/gate-old" ./cmd/gate)
git worktree remove --force "$work/old-src"

repo=$work/repo
mkdir -p "$repo/attack"
printf 'module example.com/victim\n\ngo 1.24\n' >"$repo/go.mod"
cp cmd/gate/testdata/attack/attack_test.go "$repo/attack/"
git -C "$repo" init -q
git -C "$repo" add -A
git -C "$repo" -c user.name=t -c user.email=t@example.com commit -q -m base
chmod -R a+rX "$work"
chown -R 65534:65534 "$repo" # the runner's user checked it out; root passes by safe.directory

canary=ghs_$(head -c 400 /dev/urandom | tr -dc 'A-Za-z0-9' | head -c 36)
# found OUT: where the attack saw the canary, from the raw results it printed into.
found() {
	local where
	where=$(grep -h "^stolen:.*$canary" "$1"/base.txt "$1"/head.txt 2>/dev/null | awk '{print $2}' | sed -E 's#^/proc/[0-9]+/(environ|mem)\((.*)\)$#\2 \1#' | sort -u | paste -sd, | sed 's/,/, /g')
	echo "${where:-nothing}"
}
n=0
# attack NAME GATE AS [exec]: runs gate, as root or as the runner's user, from a shell that holds
# the token in its exec-time environment as a workflow step's shell does; with exec, the shell
# replaces itself with gate (a step's `run: exec gate action`).
attack() {
	local name=$1 gate=$2 as=$3 how=${4:-}
	n=$((n + 1))
	local out=$work/out-$n home=$work/home-$n
	mkdir -p "$out" "$home" && chmod 777 "$out" "$home"
	local run=(env "HOME=$home" "GOCACHE=$home/cache" "GIT_CONFIG_COUNT=1" "GIT_CONFIG_KEY_0=safe.directory" "GIT_CONFIG_VALUE_0=*"
		"GITHUB_TOKEN=$canary" "INPUT_TOKEN=$canary" "ACTIONS_RUNTIME_TOKEN=$canary"
		sh -c "cd '$repo' && $how '$gate' run --base HEAD --head HEAD --count 1 --benchtime 1x --bench Steal --out '$out' >/dev/null 2>&1")
	if [ "$as" = runner ]; then
		setpriv --reuid=65534 --regid=65534 --clear-groups "${run[@]}" || true
	else
		"${run[@]}" || true
	fi
	printf '| %s | %s |\n' "$name" "$(found "$out")"
}
echo "| case | where the attack found the canary |"
echo "| --- | --- |"
attack "before: gate as root (container)" "$work/gate-old" root
attack "now: gate as root (container)" "$work/gate-new" root
attack "before: gate as the runner's user" "$work/gate-old" runner
attack "now: gate as the runner's user" "$work/gate-new" runner
attack "now: gate as the runner's user, exec'd by the step's shell" "$work/gate-new" runner exec
