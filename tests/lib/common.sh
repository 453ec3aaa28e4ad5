# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# common.sh - helpers shared by the integration and end-to-end tests
#
# Source it first thing:   . "$(dirname "$0")/../lib/common.sh"
#
# - t_require_root: exit 77 (meson's "skipped") unless running as root.
# - t_uniq PREFIX: a name unique to this test run, at most 15 bytes, usable
#   for namespaces and interfaces.
# - t_defer CMD...: run CMD at exit, last registered first, whether the
#   test passes, fails or is interrupted.  t_netns and t_tmpdir register
#   their own cleanup.
# - t_check DESC CMD...: run CMD; count a pass if it succeeds, a failure
#   (printed with DESC) if not.  t_check_fail is the reverse.
# - t_eq DESC WANT GOT, t_match DESC REGEX TEXT, t_nomatch: compare.
# - t_done: print the tally and exit 1 if anything failed.  A test ends
#   with it.
#
# Paths to what was built come from meson through the environment:
# TAPIR_BUILD (the build directory), TAPIR_SRC (the source tree), and
# HELPER, FDRECV, TAPIR and friends for single programs.

set -u

T_PASS=0
T_FAIL=0
T_DEFERRED=()
T_NAME=$(basename "$0" .sh)

: "${TAPIR_SRC:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${TAPIR_BUILD:=$TAPIR_SRC/build/check}"
: "${HELPER:=$TAPIR_BUILD/helper/tapir-bridge-helper}"
: "${FDRECV:=$TAPIR_BUILD/tests/tools/fdrecv}"
: "${TAPIR:=$TAPIR_BUILD/tapir/tapir}"
export TAPIR_SRC TAPIR_BUILD HELPER FDRECV TAPIR

# Sanitizer reports must fail the test, not scroll by.
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"

t_log() { printf '%s: %s\n' "$T_NAME" "$*"; }

t_require_root() {
	if [ "$(id -u)" -ne 0 ]; then
		t_log "skipped: needs root"
		exit 77
	fi
}

t_require_cmd() {
	local c
	for c in "$@"; do
		if ! command -v "$c" >/dev/null 2>&1; then
			t_log "skipped: needs $c"
			exit 77
		fi
	done
}

# Names: "t" + 4 chars of prefix + pid-derived suffix, at most 15 bytes.
t_uniq() {
	local p=${1:-x}
	printf 't%.4s%05d%03d' "$p" $(($$ % 100000)) $((RANDOM % 1000))
}

t_defer() { T_DEFERRED+=("$*"); }

t_run_deferred() {
	local i
	for ((i = ${#T_DEFERRED[@]} - 1; i >= 0; i--)); do
		eval "${T_DEFERRED[$i]}" >/dev/null 2>&1 || true
	done
	T_DEFERRED=()
}
trap t_run_deferred EXIT
trap 'exit 130' INT TERM

# t_netns NAME: create a network namespace, removed at exit.
t_netns() {
	ip netns add "$1" || { t_log "cannot create netns $1"; exit 1; }
	t_defer "ip netns pids $1 2>/dev/null | xargs -r kill -9; ip netns del $1"
	ip -n "$1" link set lo up
}

# One scratch root per test process, made here rather than in t_tmpdir:
# callers write D=$(t_tmpdir), a subshell whose t_defer would be lost.
T_ROOT=$(mktemp -d /tmp/tapir-test.XXXXXX) || exit 1
chmod 755 "$T_ROOT"
t_defer "rm -rf '$T_ROOT'"

# t_tmpdir: print a new directory (mode 0755, owned by the caller, so by
# root in root tests) under this test's scratch root, removed at exit.
t_tmpdir() {
	local d
	d=$(mktemp -d "$T_ROOT/d.XXXXXX") || exit 1
	chmod 755 "$d"
	echo "$d"
}

t_pass() { T_PASS=$((T_PASS + 1)); }

t_failed() {
	T_FAIL=$((T_FAIL + 1))
	t_log "FAIL: $*"
}

t_check() {
	local desc=$1
	shift
	if "$@"; then t_pass; else t_failed "$desc"; fi
}

t_check_fail() {
	local desc=$1
	shift
	if "$@"; then t_failed "$desc (succeeded, expected failure)"; else t_pass; fi
}

t_eq() {
	if [ "$2" = "$3" ]; then
		t_pass
	elif [ "$(printf '%s' "$2$3" | wc -l)" -gt 1 ]; then
		# long texts (snapshots): show what differs, not both in full
		t_failed "$1: want (-) and got (+) differ:"
		diff -u <(printf '%s\n' "$2") <(printf '%s\n' "$3") |
			tail -n +3 | sed 's/^/    | /'
	else
		t_failed "$1: want '$2', got '$3'"
	fi
}

t_match() {
	if printf '%s' "$3" | grep -Eq -- "$2"; then
		t_pass
	else
		t_failed "$1: no match for /$2/ in:"
		printf '%s\n' "$3" | sed 's/^/    | /'
	fi
}

t_nomatch() {
	if printf '%s' "$3" | grep -Eq -- "$2"; then
		t_failed "$1: unexpected match for /$2/ in:"
		printf '%s\n' "$3" | sed 's/^/    | /'
	else
		t_pass
	fi
}

# t_wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds.
t_wait_for() {
	local n=$(($1 * 10))
	shift
	while [ $n -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

t_done() {
	t_log "$T_PASS checks passed, $T_FAIL failed"
	[ "$T_FAIL" -eq 0 ] || exit 1
	[ "$T_PASS" -gt 0 ] || { t_log "no check ran"; exit 1; }
	exit 0
}
