// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * state.c - the run-time state of a network, and its undo journal
 *
 * Theory of operation
 *
 * While a network is up, RUNDIR/NAME.json (RUNDIR is /run/tapir unless
 * --rundir or TAPIR_RUNDIR says otherwise) describes it:
 *
 *	{ "version": 1, "network": "default",
 *	  "pid": 1234, "pid_start": 98765,	the service ("tapir net run")
 *	  "ready": true,			set once it serves
 *	  "info": { ... },			what "tapir net status" shows
 *	  "undo": [ { "op": ..., ... }, ... ] }	what "down" must undo
 *
 * Every step that changes the system appends a record of how to undo it
 * to "undo", and the file is saved before the next step starts: written to
 * a temporary file in the same directory, synced and renamed over the old
 * one, so a crash leaves either the old or the new file, never a torn one.
 * Whatever happens to the service - a clean exit, an error halfway through
 * "up", kill -9, a reboot of the machine (/run is emptied) - the journal
 * says exactly what is left to remove, and undo.c replays it backwards.
 *
 * "pid_start" is the process's start time (field 22 of /proc/PID/stat),
 * so a pid reused by an unrelated process is not mistaken for the service.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dir.h"
#include "state.h"

/**
 * state_init() - prepare the state of a network, not yet loaded
 * @st:		state to initialise
 * @rundir:	run directory, created (mode 0755) if missing
 * @net:	network name
 *
 * Return: 0, or -errno if the run directory cannot be created
 */
int state_init(struct state *st, const char *rundir, const char *net)
{
	int rc;

	memset(st, 0, sizeof(*st));
	rc = dir_make(rundir);
	if (rc)
		return rc;
	if ((size_t)snprintf(st->path, sizeof(st->path), "%s/%s.json", rundir,
			     net) >= sizeof(st->path))
		return -ENAMETOOLONG;
	st->root = json_object_new_object();
	if (!st->root)
		return -ENOMEM;
	json_object_object_add(st->root, "version", json_object_new_int(1));
	json_object_object_add(st->root, "network",
			       json_object_new_string(net));
	json_object_object_add(st->root, "ready",
			       json_object_new_boolean(0));
	json_object_object_add(st->root, "info", json_object_new_object());
	json_object_object_add(st->root, "undo", json_object_new_array());
	return 0;
}

/**
 * state_load() - read the state file, replacing what is in @st
 * @st:		state from state_init()
 *
 * Return: 0, -ENOENT if the network is not up, -EINVAL for a file that is
 *	   not a state file, or another -errno
 */
int state_load(struct state *st)
{
	struct json_object *root, *undo, *info;

	if (access(st->path, F_OK))
		return -errno;
	root = json_object_from_file(st->path);
	if (!root)
		return -EINVAL;
	if (!json_object_is_type(root, json_type_object) ||
	    !json_object_object_get_ex(root, "undo", &undo) ||
	    !json_object_is_type(undo, json_type_array) ||
	    !json_object_object_get_ex(root, "info", &info)) {
		json_object_put(root);
		return -EINVAL;
	}
	json_object_put(st->root);
	st->root = root;
	return 0;
}

/**
 * state_save() - write the state file atomically
 * @st:		state
 *
 * Return: 0, or -errno
 */
int state_save(const struct state *st)
{
	char tmp[sizeof(st->path) + 8];
	const char *text;
	size_t len, off = 0;
	int fd, rc = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp", st->path);
	text = json_object_to_json_string_ext(st->root,
					      JSON_C_TO_STRING_PRETTY);
	len = strlen(text);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	while (off < len) {
		ssize_t n = write(fd, text + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			goto out;
		}
		off += (size_t)n;
	}
	if (write(fd, "\n", 1) != 1 || fsync(fd)) {
		rc = -errno;
		goto out;
	}
	if (rename(tmp, st->path))
		rc = -errno;
out:
	close(fd);
	if (rc)
		unlink(tmp);
	return rc;
}

/**
 * state_remove() - delete the state file (the network is down)
 * @st:		state
 *
 * Return: 0 (also if there was no file), or -errno
 */
int state_remove(struct state *st)
{
	if (unlink(st->path) && errno != ENOENT)
		return -errno;
	return 0;
}

/**
 * state_free() - release the JSON object
 * @st:		state
 */
void state_free(struct state *st)
{
	json_object_put(st->root);
	st->root = NULL;
}

/**
 * state_undo_push() - record how to undo a step, and save
 * @st:		state
 * @rec:	undo record, owned by the state from now on
 *
 * Return: 0, or -errno if the file could not be saved (the step must then
 *	   be undone at once, since a crash would forget it)
 */
int state_undo_push(struct state *st, struct json_object *rec)
{
	json_object_array_add(state_undo(st), rec);
	return state_save(st);
}

/**
 * state_undo() - the undo journal, oldest step first
 * @st:		state
 *
 * Return: the JSON array, owned by @st
 */
struct json_object *state_undo(const struct state *st)
{
	struct json_object *undo = NULL;

	json_object_object_get_ex(st->root, "undo", &undo);
	return undo;
}

/**
 * state_info() - the "info" object that status shows
 * @st:		state
 *
 * Return: the JSON object, owned by @st; callers may add members
 */
struct json_object *state_info(struct state *st)
{
	struct json_object *info = NULL;

	json_object_object_get_ex(st->root, "info", &info);
	return info;
}

/**
 * state_proc_start() - start time of a process, to tell it from a reuse of
 * its pid
 * @pid:	process
 * @start:	set to field 22 of /proc/PID/stat (clock ticks since boot)
 *
 * A process that has exited but is not yet reaped (a zombie: state Z or X,
 * field 3) counts as gone: after kill -9 an orphaned service stays a zombie
 * until init reaps it, and it will never serve again.
 *
 * Return: 0, or -ESRCH if there is no such process, or it has exited
 */
int state_proc_start(pid_t pid, unsigned long long *start)
{
	char path[64], buf[1024], *p;
	ssize_t n;
	int fd, i;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -ESRCH;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -ESRCH;
	buf[n] = '\0';
	/* the command name (field 2) may hold spaces: skip to its end */
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X')
		return -ESRCH;
	for (i = 2; i < 22 && p; i++)
		p = strchr(p + 1, ' ');
	if (!p)
		return -ESRCH;
	*start = strtoull(p + 1, NULL, 10);
	return 0;
}

/**
 * state_set_owner() - record the process that serves the network
 * @st:		state
 * @pid:	its pid
 */
void state_set_owner(struct state *st, pid_t pid)
{
	unsigned long long start = 0;

	state_proc_start(pid, &start);
	json_object_object_add(st->root, "pid", json_object_new_int(pid));
	json_object_object_add(st->root, "pid_start",
			       json_object_new_uint64(start));
}

/**
 * state_owner_alive() - tell whether the recorded service still runs
 * @st:		loaded state
 *
 * Return: its pid if it runs (same pid and start time), 0 if not
 */
int state_owner_alive(const struct state *st)
{
	struct json_object *o;
	unsigned long long want, got;
	int pid;

	if (!json_object_object_get_ex(st->root, "pid", &o))
		return 0;
	pid = json_object_get_int(o);
	if (pid <= 0 || !json_object_object_get_ex(st->root, "pid_start", &o))
		return 0;
	want = json_object_get_uint64(o);
	if (state_proc_start(pid, &got) || got != want)
		return 0;
	return pid;
}

/**
 * state_ready() - tell whether the service finished bringing the network up
 * @st:		loaded state
 *
 * Return: non-zero if ready
 */
int state_ready(const struct state *st)
{
	struct json_object *o;

	return json_object_object_get_ex(st->root, "ready", &o) &&
	       json_object_get_boolean(o);
}

/**
 * state_set_ready() - mark the network as up and served (saved by caller)
 * @st:		state
 */
void state_set_ready(struct state *st)
{
	json_object_object_add(st->root, "ready",
			       json_object_new_boolean(1));
}
