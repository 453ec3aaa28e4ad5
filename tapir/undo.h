/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_UNDO_H
#define TAPIR_UNDO_H

#include <json-c/json.h>

#include "nl.h"
#include "nl_l3.h"
#include "state.h"

struct json_object *undo_link_del(const char *name, const char *kind);
struct json_object *undo_nft_del(const char *net);
struct json_object *undo_nomaster(const char *dev);
struct json_object *undo_l3(const struct nl_l3 *rec);
void undo_set_ifindex(struct json_object *rec, int ifindex);
int undo_run(struct state *st, struct nl *nl);

#endif /* TAPIR_UNDO_H */
