#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run.sh - run every benchmark (what 'make bench' does after 'make')
#
# Usage: bench/run.sh [NAME...]      e.g. bench/run.sh helper
#
# Every bench/*.sh other than this one is a benchmark; with names, only
# those run.  Each prints its figures as a table and is measured against
# the release build in build/ (TAPIR_BUILD overrides it), never against the
# sanitizer build in build/check.  Benchmarks run one after another: they
# compete for the same CPUs otherwise.
#
# A benchmark is not a test.  A missed target is a finding: it is printed
# as FAIL in the benchmark's table and does not change the exit status
# (set BENCH_STRICT=1 to make it exit 3).  The exit status is non-zero when
# a benchmark could not run or broke (not root, a missing tool, a helper
# that failed): 0 if every benchmark ran, otherwise the first benchmark's
# non-zero status.  The last line names the benchmarks that did not run.
set -u
cd "$(dirname "$0")/.." || exit 1

export TAPIR_SRC=$PWD
export TAPIR_BUILD=${TAPIR_BUILD:-$PWD/build}

if [ $# -gt 0 ]; then
	scripts=()
	for n in "$@"; do
		[ -f "bench/${n%.sh}.sh" ] || { echo "bench: no benchmark '$n'" >&2; exit 2; }
		scripts+=("bench/${n%.sh}.sh")
	done
else
	scripts=()
	for s in bench/*.sh; do
		[ "$s" = bench/run.sh ] || scripts+=("$s")
	done
fi

rc=0 failed=()
for s in "${scripts[@]}"; do
	echo "== $(basename "$s" .sh)"
	bash "$s"
	r=$?
	if [ $r -ne 0 ]; then
		failed+=("$(basename "$s" .sh) (exit $r)")
		[ $rc -ne 0 ] || rc=$r
	fi
done

if [ ${#failed[@]} -gt 0 ]; then
	echo "bench: non-zero exit (see above): ${failed[*]}"
else
	echo "bench: ${#scripts[@]} benchmark(s) ran"
fi
exit $rc
