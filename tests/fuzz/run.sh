#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run.sh FUZZER SEEDS SECONDS - run a libFuzzer target for a while
#
# The seeds are copied to a scratch directory, so libFuzzer's new inputs
# never land in the source tree.  Any crash, leak or sanitizer report
# makes libFuzzer exit non-zero, and so this script.
set -eu
fuzzer=$(realpath "$1") seeds=$2 secs=$3
work=$(mktemp -d /tmp/tapir-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus"
cp "$seeds"/* "$work/corpus/" 2>/dev/null || true
cd "$work"
"$fuzzer" -max_total_time="$secs" -max_len=8192 -timeout=10 \
	-print_final_stats=1 "$work/corpus"
