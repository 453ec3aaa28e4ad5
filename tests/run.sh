#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run.sh - build the test build and run every test (what 'make check' does)
#
# The test build lives in build/check: clang, AddressSanitizer and UBSan,
# and the libFuzzer targets.  All three test layers (unit, integration,
# e2e) and the short fuzz runs are meson tests.  Extra arguments go to
# 'meson test' (for example --suite unit, or a test name).
#
# The last line printed is "N passed, N failed, N skipped"; it is also
# written to build/check/test-summary.txt for .ci/run.
set -u
cd "$(dirname "$0")/.." || exit 1

B=build/check
opts=(-Db_sanitize=address,undefined -Db_lundef=false -Dfuzzing=true)
[ "${WERROR:-0}" = 1 ] && opts+=(-Dwerror=true)

rm -f "$B/test-summary.txt"
if [ ! -f "$B/build.ninja" ]; then
	CC=clang meson setup "$B" "${opts[@]}" || exit 1
else
	meson configure "$B" "${opts[@]}" || exit 1
fi
ninja -C "$B" || exit 1

meson test -C "$B" --no-rebuild --print-errorlogs --num-processes 2 "$@"
rc=$?

summary=$(python3 - "$B/meson-logs/testlog.json" <<'PY'
import json, sys
passed = failed = skipped = 0
try:
    with open(sys.argv[1]) as f:
        for line in f:
            r = json.loads(line)["result"]
            if r in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif r == "SKIP":
                skipped += 1
            else:
                failed += 1
except FileNotFoundError:
    failed = 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
)
echo "$summary" > "$B/test-summary.txt"
echo "$summary"
exit $rc
