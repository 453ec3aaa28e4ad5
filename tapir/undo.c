// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * undo.c - the records of the undo journal, and replaying them
 *
 * Theory of operation
 *
 * Each step of "up" that changes the system first appends a record to the
 * state's journal (state.c), then makes the change.  A record written for
 * a step that then failed or never ran is harmless: undoing something that
 * is not there is not an error.  The records:
 *
 *	{"op":"link-del","name":N,"kind":K[,"ifindex":I]}
 *		delete link N, if it is of kind K (and index I, once known):
 *		the bridge tapir created
 *	{"op":"nft-del","net":N}
 *		delete nftables table "tapir-N"
 *	{"op":"nomaster","dev":D}
 *		take D out of its bridge: the public bridge's uplink
 *	{"op":"l3-restore","record":{...}}
 *		put addresses and routes back on the uplink (lib/nl_l3.c)
 *
 * undo_run() replays the journal newest first.  Each record is dropped from
 * the journal, and the journal saved, as soon as it is done, so a crash
 * halfway through "down" leaves exactly the rest to do.  A record that
 * fails is kept, the others still run, and the first error is returned:
 * "down" then says what is left, and can be run again.
 *
 * The nft-del records go first, out of order, and the nftables socket
 * stays open until the link records are done.  Most of "down" is the
 * kernel waiting for RCU grace periods: deleting a bridge waits for two
 * (35-45 ms here), committing the deletion of a table starts one in a
 * kernel worker, and closing an nftables socket waits for that worker.
 * Committed first, the table's grace period passes while the bridge is
 * deleted, and the close at the end is free; closed first, or committed
 * after the bridge, it adds 10-15 ms.  The records are independent (the
 * rules name the bridge as a string, and no link record depends on them),
 * so the order does not matter otherwise.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "nft.h"
#include "undo.h"

/**
 * undo_rec() - start a record
 * @op:		operation name
 *
 * Return: the new JSON object
 */
static struct json_object *undo_rec(const char *op)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "op", json_object_new_string(op));
	return o;
}

/**
 * undo_link_del() - record: delete a link tapir created
 * @name:	link name
 * @kind:	its kind ("bridge")
 *
 * Return: the record
 */
struct json_object *undo_link_del(const char *name, const char *kind)
{
	struct json_object *o = undo_rec("link-del");

	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "kind", json_object_new_string(kind));
	return o;
}

/**
 * undo_set_ifindex() - add the index of the link a record deletes, once
 * the link exists (the record is saved with the state later)
 * @rec:	a link-del record
 * @ifindex:	the link's index
 */
void undo_set_ifindex(struct json_object *rec, int ifindex)
{
	json_object_object_add(rec, "ifindex", json_object_new_int(ifindex));
}

/**
 * undo_nft_del() - record: delete a network's nftables table
 * @net:	network name
 *
 * Return: the record
 */
struct json_object *undo_nft_del(const char *net)
{
	struct json_object *o = undo_rec("nft-del");

	json_object_object_add(o, "net", json_object_new_string(net));
	return o;
}

/**
 * undo_nomaster() - record: take an interface out of its bridge
 * @dev:	interface name
 *
 * Return: the record
 */
struct json_object *undo_nomaster(const char *dev)
{
	struct json_object *o = undo_rec("nomaster");

	json_object_object_add(o, "dev", json_object_new_string(dev));
	return o;
}

/**
 * undo_l3() - record: put addresses and routes back where they were
 * @rec:	what nl_l3_record() saw
 *
 * Return: the record, or NULL if out of memory
 */
struct json_object *undo_l3(const struct nl_l3 *rec)
{
	struct json_object *o = undo_rec("l3-restore"), *r = nl_l3_to_json(rec);

	if (!r) {
		json_object_put(o);
		return NULL;
	}
	json_object_object_add(o, "record", r);
	return o;
}

/**
 * undo_str() - a string member of a record
 * @o:		record
 * @key:	member
 *
 * Return: the string, or "" if missing
 */
static const char *undo_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return "";
	return json_object_get_string(v);
}

/**
 * undo_one_link() - delete a link tapir created, if it is still that link
 * @nl:		netlink socket
 * @o:		link-del record
 *
 * Return: 0 (also if the link is gone), or -errno
 */
static int undo_one_link(struct nl *nl, struct json_object *o)
{
	const char *name = undo_str(o, "name"), *kind = undo_str(o, "kind");
	struct json_object *idx;
	struct nl_link link;
	int rc;

	rc = nl_link_get(nl, name, &link);
	if (rc == -ENODEV)
		return 0;
	if (rc)
		return rc;
	if (strcmp(link.kind, kind) ||
	    (json_object_object_get_ex(o, "ifindex", &idx) &&
	     json_object_get_int(idx) != link.ifindex)) {
		log_warn("not deleting %s: it is not the %s tapir created",
			 name, kind);
		return 0;
	}
	rc = nl_link_del(nl, name);
	return rc == -ENODEV ? 0 : rc;
}

/**
 * undo_one() - undo one recorded step
 * @nl:		netlink socket
 * @o:		record
 *
 * Return: 0, or -errno
 */
static int undo_one(struct nl *nl, struct json_object *o)
{
	const char *op = undo_str(o, "op");
	struct json_object *r;
	struct nl_l3 l3;
	int rc;

	if (!strcmp(op, "link-del"))
		return undo_one_link(nl, o);
	if (!strcmp(op, "nomaster")) {
		rc = nl_link_set_master(nl, undo_str(o, "dev"), 0);
		return rc == -ENODEV ? 0 : rc;
	}
	if (!strcmp(op, "l3-restore")) {
		if (!json_object_object_get_ex(o, "record", &r) ||
		    nl_l3_from_json(r, &l3))
			return -EINVAL;
		rc = nl_l3_restore(nl, &l3);
		nl_l3_free(&l3);
		return rc;
	}
	log_warn("unknown undo record '%s' ignored", op);
	return 0;
}

/**
 * undo_done() - account for one record's result
 * @o:		the record
 * @rc:		what undoing it returned
 * @first:	the first error so far, updated
 *
 * Return: 1 if the record is done and may be dropped from the journal
 */
static int undo_done(struct json_object *o, int rc, int *first)
{
	if (!rc)
		return 1;
	log_err("cannot undo '%s': %s", undo_str(o, "op"), strerror(-rc));
	if (!*first)
		*first = rc;
	return 0;
}

/**
 * undo_run() - undo every recorded step, newest first
 * @st:		loaded state; done records are removed and the state saved
 * @nl:		netlink socket
 *
 * Return: 0 if everything was undone, or the first -errno (the records
 *	   that failed stay in the journal)
 */
int undo_run(struct state *st, struct nl *nl)
{
	struct json_object *undo = state_undo(st), *o;
	struct nft nft = { .ctx = NULL };
	int first = 0, rc, nft_rc = 0;
	size_t i;

	/* the tables first, keeping the nftables socket open until the end */
	for (i = json_object_array_length(undo); i-- > 0;) {
		o = json_object_array_get_idx(undo, i);
		if (strcmp(undo_str(o, "op"), "nft-del"))
			continue;
		if (!nft.ctx && !nft_rc)
			nft_rc = nft_open(&nft);
		rc = nft_rc ? nft_rc : nft_remove(&nft, undo_str(o, "net"));
		if (rc && !nft_rc)
			log_err("%s", nft.err);
		if (undo_done(o, rc, &first)) {
			json_object_array_del_idx(undo, i, 1);
			state_save(st);
		}
	}
	for (i = json_object_array_length(undo); i-- > 0;) {
		o = json_object_array_get_idx(undo, i);
		if (!strcmp(undo_str(o, "op"), "nft-del"))
			continue;	/* one that failed above stays */
		rc = undo_one(nl, o);
		if (undo_done(o, rc, &first)) {
			json_object_array_del_idx(undo, i, 1);
			state_save(st);
		}
	}
	nft_close(&nft);
	return first;
}
