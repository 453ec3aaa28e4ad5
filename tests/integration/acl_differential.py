#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""acl_differential.py - compare ACL decisions with Debian's qemu-bridge-helper.

Run inside a network namespace that has the bridges named in BRIDGES, in a
private mount namespace where /etc/qemu is writable by us (helper-acl-qemu.sh
arranges both).  For every case of a corpus (hand-written quirks plus
seeded random files from a grammar), the case's files are written to
/etc/qemu (bridge.conf and includes), then for each bridge both helpers are
run the QEMU way through fdrecv and their outcomes classified:

  allow  - exit 0 and a tap descriptor received
  deny   - "access denied by acl file"
  error  - any other failure (QEMU: a file it does not accept)

Every case must give the same outcome for both helpers.  The corpus leaves
out what tapir refuses on purpose (relative includes, include loops, deep
nesting, long lines, NUL bytes): tests elsewhere cover those.

Usage: acl_differential.py FDRECV OUR-HELPER QEMU-HELPER SEED NRANDOM
Prints one line per mismatch and a summary; exits 1 on any mismatch, or if
the corpus did not produce enough accepted files, allows and denies to
mean something.
"""
import os
import random
import subprocess
import sys

# No bridge is named "all": Linux 6.x refuses that name.
BRIDGES = ["br0", "br1", "lab", "ALL"]
ETC = "/etc/qemu"

# Hand-written cases: each is {filename: contents}; "bridge.conf" is the top.
HANDWRITTEN = [
    {"bridge.conf": ""},
    {"bridge.conf": "allow all\n"},
    {"bridge.conf": "deny all\n"},
    {"bridge.conf": "allow br0\n"},
    {"bridge.conf": "allow all\ndeny br0\n"},
    {"bridge.conf": "deny br0\nallow all\n"},
    {"bridge.conf": "deny all\nallow br0\n"},
    {"bridge.conf": "allow br0\ndeny br0\n"},
    {"bridge.conf": "allow\tbr0\n"},
    {"bridge.conf": "allow\tbr0 x\n"},              # unknown command 'allow\tbr0'
    {"bridge.conf": "  \t allow   br1  \t \n"},
    {"bridge.conf": "allow br0\r\nallow lab\r\n"},
    {"bridge.conf": "allow br0 # comment\nallow lab\n"},
    {"bridge.conf": "# allow all\n   # deny br0\nallow br1\n"},
    {"bridge.conf": "allow ALL\n"},
    {"bridge.conf": "deny ALL\nallow all\n"},
    {"bridge.conf": "allow all\n\x0c\n \x0c\r\n"},
    {"bridge.conf": "allow all\x0b\n"},          # \v is not whitespace to QEMU
    {"bridge.conf": "allow br0\nallow all\x0c\n"},
    {"bridge.conf": "\x0ballow br0\n"},
    {"bridge.conf": "allow \n"},
    {"bridge.conf": "allow br0"},                   # no final newline
    {"bridge.conf": "alow br0\n"},                  # unknown command
    {"bridge.conf": "allow\n"},                     # no argument
    {"bridge.conf": "allow abcdefghijklmnop\n"},    # name too long
    {"bridge.conf": "allow br0 this is a long comment\n"},
    {"bridge.conf": "Allow br0\n"},
    {"bridge.conf": "allow br$x\nallow br1\n"},
    {"bridge.conf": "include /etc/qemu/a.conf\n", "a.conf": "allow br0\n"},
    {"bridge.conf": "include /etc/qemu/missing.conf\nallow lab\n"},
    {"bridge.conf": "allow all\ninclude /etc/qemu/a.conf\n", "a.conf": "deny lab\n"},
    {"bridge.conf": "include /etc/qemu/a.conf\nallow br1\n",
     "a.conf": "allow br0\nbogus\nallow lab\n"},  # error ends a.conf only
    {"bridge.conf": "include /etc/qemu/a.conf\n",
     "a.conf": "include /etc/qemu/b.conf\nallow br1\n",
     "b.conf": "allow br0\ndeny br1\n"},
    {"bridge.conf": "include\t/etc/qemu/a.conf  \n", "a.conf": "allow all\n"},
    {"bridge.conf": "include /etc/qemu/a.conf\ninclude /etc/qemu/a.conf\n",
     "a.conf": "allow lab\n"},
    {"bridge.conf": "include /etc/qemu/a.conf\n", "a.conf": "allow abcdefghijklmnopq\n"},
]

NAMES = ["br0", "br1", "lab", "ALL", "all", "br2"]
ODD_NAMES = ["br0 #c", "br$x", "a b", ""]
# Weighted towards what real files hold; the rest exercise QEMU's quirks
# (a tab before a space puts the tab inside the command word).
SPACES = [" "] * 8 + ["  ", "\t", " \t", "\t ", "\t\t"]
TRAIL = [""] * 10 + [" ", "\t", " \t ", "\r", "\x0b", "\x0c"]


def random_line(rng, incs):
    """One random line; incs are include file names this file may name."""
    r = rng.random()
    if r < 0.10:
        return rng.choice(["", " ", "\t", " \t "]) + "#" + rng.choice(["", " x", "allow all"])
    if r < 0.18:
        return rng.choice(["", " ", "\t\t", "\x0c", "\r"])
    if r < 0.26 and incs:
        target = rng.choice(incs)
        return "include" + rng.choice(SPACES) + ETC + "/" + target + rng.choice(TRAIL)
    if r < 0.29:
        return "include" + rng.choice(SPACES) + ETC + "/nothere.conf"
    if r < 0.31:
        return rng.choice(["bogus", "allow", "deny", "allow abcdefghijklmnopq",
                           "Allow br0", "allow\tbr0 x", "deny   "])
    verb = rng.choice(["allow", "allow", "deny"])
    lead = rng.choice(["", "", "", " ", "\t", "\x0c"]) if rng.random() > 0.01 else "\x0b"
    name = rng.choice(ODD_NAMES if rng.random() < 0.12 else NAMES)
    return lead + verb + rng.choice(SPACES) + name + rng.choice(TRAIL)


def random_case(rng):
    """A top file and up to three includes; includes only name later files."""
    nfiles = rng.choice([1, 1, 2, 3, 4])
    names = ["bridge.conf"] + [f"inc{i}.conf" for i in range(1, nfiles)]
    case = {}
    for i, name in enumerate(names):
        lines = [random_line(rng, names[i + 1:]) for _ in range(rng.randint(0, 7))]
        eol = "\r\n" if rng.random() < 0.1 else "\n"
        text = eol.join(lines)
        if lines and rng.random() < 0.85:
            text += eol
        case[name] = text
    return case


def install(case):
    for f in os.listdir(ETC):
        os.unlink(os.path.join(ETC, f))
    for name, text in case.items():
        path = os.path.join(ETC, name)
        with open(path, "w", newline="") as f:
            f.write(text)
        os.chmod(path, 0o644)


def outcome(fdrecv, helper, bridge):
    r = subprocess.run([fdrecv, "--qemu", bridge, "--", helper],
                       capture_output=True, text=True)
    out = r.stdout + r.stderr
    if r.returncode == 2:
        return "protocol-violation", out
    if r.returncode == 0:
        return "allow", out
    if "access denied by acl file" in out:
        return "deny", out
    return "error", out


def main():
    fdrecv, ours, qemu, seed, nrandom = sys.argv[1:6]
    rng = random.Random(int(seed))
    corpus = HANDWRITTEN + [random_case(rng) for _ in range(int(nrandom))]
    counts = {"allow": 0, "deny": 0, "error": 0}
    mismatches = 0
    comparisons = 0
    for n, case in enumerate(corpus):
        install(case)
        for br in BRIDGES:
            q, qout = outcome(fdrecv, qemu, br)
            t, tout = outcome(fdrecv, ours, br)
            comparisons += 1
            counts[q] = counts.get(q, 0) + 1
            if q != t:
                mismatches += 1
                print(f"MISMATCH case {n} bridge {br}: qemu={q} tapir={t}")
                for name, text in case.items():
                    print(f"  {name}: {text!r}")
                print("  qemu said: " + qout.strip().replace("\n", " | "))
                print("  tapir said: " + tout.strip().replace("\n", " | "))
    print(f"{len(corpus)} cases, {comparisons} comparisons, {mismatches} mismatches; "
          f"qemu outcomes: {counts['allow']} allow, {counts['deny']} deny, "
          f"{counts['error']} error")
    if mismatches:
        return 1
    # The comparison means something only if it covered all three outcomes.
    if counts["allow"] < 50 or counts["deny"] < 50 or counts["error"] < 10:
        print("corpus too one-sided to be a meaningful comparison")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
