#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# user-guestfwd.sh - tapir user's guestfwd= rules: commands (cmd:) and
# host addresses, tapir-user running as nobody with --netns, and a
# command under "-- COMMAND"
#
# Topology: tests/lib/user.sh.  Checks:
#   - cmd:cat echoes a short payload, and 1 MB (sha256 on both ends)
#   - cmd:echo: its output arrives, then EOF (FIN) when it exits
#   - the command runs as nobody in the host's namespace (where tapir-user
#     is), with nothing open but 0, 1 (the connection) and 2
#   - concurrent connections get a process each, each its own data
#   - after the connections close: no command left, no zombie, and
#     tapir-user's fd count back to its baseline
#   - HOST:PORT targets: 127.0.0.1:8000 and [::1]:8000 on the host
#   - SIGTERM: the spawner exits with tapir-user, and a command whose
#     connection was still open ends too
#   - the spawner killed: the guest's connection is refused, a warning is
#     logged, and tapir-user goes on serving
#   - "-- COMMAND": the command of a rule runs in the host's namespace,
#     not the new one
T_NAME=user-guestfwd
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/net.sh"
. "$(dirname "$0")/../lib/user.sh"
t_require_root
t_require_cmd nsenter setpriv unshare python3 pgrep ps

user_setup
user_guest
D=$NET_DIR
S=10.0.2.100

# gf HOST PORT MODE [ARGS]: a guest client, in the guest namespace
#   send DATA    send DATA, shut down writing, print what comes back
#   read         print everything until EOF (fails on a 5 s timeout)
#   big N        send N random bytes while reading the echo; print
#                "sent-sha got-sha"
#   hold N R G   open N connections, write R, wait for file G, then echo a
#                different line on each and print them
cat >"$D/gf.py" <<'EOF'
import hashlib, os, socket, sys, threading, time

host, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]

def conn():
    return socket.create_connection((host, port), timeout=5)

def read_all(s):
    out = b""
    while True:
        d = s.recv(65536)
        if not d:
            return out
        out += d

if mode == "send":
    s = conn()
    s.sendall(sys.argv[4].encode())
    s.shutdown(socket.SHUT_WR)
    sys.stdout.write(read_all(s).decode())
elif mode == "read":
    sys.stdout.write(read_all(conn()).decode())
elif mode == "big":
    data = os.urandom(int(sys.argv[4]))
    s = conn()
    def writer():
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
    t = threading.Thread(target=writer)
    t.start()
    got = read_all(s)
    t.join()
    print(hashlib.sha256(data).hexdigest(), hashlib.sha256(got).hexdigest())
elif mode == "hold":
    n, ready, go = int(sys.argv[4]), sys.argv[5], sys.argv[6]
    socks = [conn() for _ in range(n)]
    open(ready, "w").close()
    t0 = time.time()
    while not os.path.exists(go):
        if time.time() - t0 > 20:
            sys.exit("no go")
        time.sleep(0.1)
    for i, s in enumerate(socks):
        s.sendall(b"conn-%d\n" % i)
    for s in socks:
        s.shutdown(socket.SHUT_WR)
    for s in socks:
        sys.stdout.write(read_all(s).decode())
EOF
gf() { g_in timeout 30 python3 "$D/gf.py" "$@"; }

# sp_children PID: the children of PID, one "pid stat comm" a line
sp_children() { ps -o pid=,stat=,comm= --ppid "$1" 2>/dev/null; }
no_children() { [ -z "$(sp_children "$1")" ]; }
# ended PID: PID no longer runs (gone, or a zombie of whoever adopted it)
ended() {
	local st
	st=$(ps -o stat= -p "$1" 2>/dev/null)
	[ -z "$st" ] || [ "${st#Z}" != "$st" ]
}
HOSTNS=$(h_in readlink /proc/self/ns/net)

# The probe command reports its uid, its network namespace and what is
# open in a program it runs (ls, which lists its own fds: what the command
# inherited, plus 3 for the directory it reads).  Listing the shell's own
# fds from a pipeline would race with the shell's pipe ends.
PROBE='id -u; readlink /proc/self/ns/net; ls /proc/self/fd | sort -n | tr "\n" " "'

user_start "$D/user.log" --netns "$U_GPID" \
	-o "guestfwd=tcp:$S:4321-cmd:cat" \
	-o "guestfwd=tcp:$S:4322-cmd:echo hello-$$" \
	--guestfwd "tcp:$S:4323-cmd:$PROBE" \
	-o "guestfwd=tcp:10.0.2.101:8000-127.0.0.1:8000" \
	-o "guestfwd=tcp:10.0.2.101:8006-[::1]:8000" ||
	t_failed "tapir-user starts with guestfwd= commands"

SP=$(pgrep -x -P "$U_PID" tapir-spawner)
t_match "the spawner is tapir-user's only child" '^[0-9]+$' "$SP"
t_eq "the spawner runs as nobody" 65534 "$(ps -o uid= -p "$SP" | tr -d ' ')"
t_eq "the spawner holds stdin, stdout, stderr, its socket, a signalfd" "0 1 2 3 4" \
	"$(ls "/proc/$SP/fd" | sort -n | tr '\n' ' ' | sed 's/ $//')"
base=$(user_fds)

# echo through cat
t_eq "cmd:cat echoes" "ping-$$" "$(gf $S 4321 send "ping-$$")"
big=$(gf $S 4321 big 1048576)
t_match "cmd:cat echoes 1 MB intact" '^([0-9a-f]{64}) \1$' "$big"

# a command's output, then EOF when it exits
t_eq "cmd:echo: output, then EOF" "hello-$$" "$(gf $S 4322 read)"

# what the command is and sees
probe=$(gf $S 4323 read)
t_eq "the command runs as nobody" 65534 "$(sed -n 1p <<<"$probe")"
t_eq "the command is in the host's network namespace" "$HOSTNS" \
	"$(sed -n 2p <<<"$probe")"
t_eq "the command has only 0, 1 and 2 open (3: ls's directory)" "0 1 2 3 " \
	"$(sed -n 3p <<<"$probe")"

# concurrent connections: a process each
rm -f "$D/ready" "$D/go"
gf $S 4321 hold 3 "$D/ready" "$D/go" >"$D/hold.out" 2>&1 &
hold=$!
t_wait_for 10 test -e "$D/ready" || t_failed "3 connections to cmd:cat open"
t_wait_for 10 sh -c "[ \$(ps -o pid= --ppid $SP | wc -l) -eq 3 ]"
t_eq "3 connections, 3 commands" 3 "$(sp_children "$SP" | wc -l)"
touch "$D/go"
wait $hold
t_eq "each connection has its own command" \
	"$(printf 'conn-0\nconn-1\nconn-2')" "$(cat "$D/hold.out")"

# nothing left behind
t_check "no command left after the connections closed (no zombie either)" \
	t_wait_for 10 no_children "$SP"
t_eq "tapir-user's only child is still the spawner" "$SP" \
	"$(ps -o pid= --ppid "$U_PID" | tr -d ' ')"
t_wait_for 10 sh -c "[ \$(ls /proc/$U_PID/fd | wc -l) -le $base ]"
t_eq "tapir-user's fds back to the baseline" "$base" "$(user_fds)"

# HOST:PORT targets
t_eq "guestfwd to 127.0.0.1:8000" 127.0.0.1 "$(g_http http://10.0.2.101:8000/a)"
t_eq "guestfwd to [::1]:8000" ::1 "$(g_http http://10.0.2.101:8006/b)"

# SIGTERM while a command's connection is open: the spawner and the
# command end too
rm -f "$D/ready" "$D/go"
gf $S 4321 hold 1 "$D/ready" "$D/go" >/dev/null 2>&1 &
hold=$!
t_defer "kill $hold"
t_wait_for 10 test -e "$D/ready"
t_wait_for 10 sh -c "ps -o pid= --ppid $SP | grep -q ."
CAT=$(ps -o pid= --ppid "$SP" | tr -d ' ')
t_match "a command runs for the open connection" '^[0-9]+$' "$CAT"
kill -TERM "$U_PID"
wait "$U_PID"
t_eq "exit status after SIGTERM" 0 "$?"
t_check "the spawner exits with tapir-user" t_wait_for 5 ended "$SP"
t_check "the command of the open connection ends" \
	t_wait_for 5 ended "${CAT:-0}"
kill "$hold" 2>/dev/null

# the spawner gone: connections to commands are refused, the rest works
user_guest
user_start "$D/user2.log" --netns "$U_GPID" \
	-o "guestfwd=tcp:$S:4321-cmd:cat" \
	-o "guestfwd=tcp:10.0.2.101:8000-127.0.0.1:8000" ||
	t_failed "tapir-user starts again"
SP=$(pgrep -x -P "$U_PID" tapir-spawner)
t_eq "cmd:cat works before" "x" "$(gf $S 4321 send x)"
kill -KILL "$SP"
t_wait_for 5 ended "$SP"
refused=$(gf $S 4321 send x 2>&1)
t_match "with the spawner gone, the connection is refused" \
	'ConnectionRefusedError|ConnectionResetError' "$refused"
t_check "a warning says the spawner is gone" \
	grep -q "guestfwd: cannot start a command: the spawner is gone" "$D/user2.log"
t_eq "tapir-user still serves" 127.0.0.1 "$(g_http http://10.0.2.101:8000/c)"
t_check "tapir-user is still running" kill -0 "$U_PID"
user_stop

# "-- COMMAND": the rule's command sees the host's namespace, the command
# after -- its own
out=$(u_in "$TAPIR_USER" -o "guestfwd=tcp:$S:4323-cmd:$PROBE" -- \
	sh -c "readlink /proc/self/ns/net; python3 '$D/gf.py' $S 4323 read" \
	2>/dev/null)
t_match "-- COMMAND: the command after -- is in a namespace" '^net:' \
	"$(sed -n 1p <<<"$out")"
t_check "-- COMMAND: ... of its own" [ "$(sed -n 1p <<<"$out")" != "$HOSTNS" ]
t_eq "-- COMMAND: the rule's command runs in the host's namespace" \
	"$HOSTNS" "$(sed -n 3p <<<"$out")"
t_done
