/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_STATE_H
#define TAPIR_STATE_H

#include <json-c/json.h>
#include <sys/types.h>

/**
 * struct state - the run-time state of one network that is up
 * @path:	the state file, RUNDIR/NAME.json
 * @root:	its JSON object: "network", "pid", "pid_start", "ready",
 *		"info" (what status shows) and "undo" (the journal)
 */
struct state {
	char path[4096];
	struct json_object *root;
};

int state_init(struct state *st, const char *rundir, const char *net);
int state_load(struct state *st);
int state_save(const struct state *st);
int state_remove(struct state *st);
void state_free(struct state *st);
int state_undo_push(struct state *st, struct json_object *rec);
struct json_object *state_undo(const struct state *st);
struct json_object *state_info(struct state *st);
void state_set_owner(struct state *st, pid_t pid);
int state_owner_alive(const struct state *st);
int state_ready(const struct state *st);
void state_set_ready(struct state *st);
int state_proc_start(pid_t pid, unsigned long long *start);

#endif /* TAPIR_STATE_H */
