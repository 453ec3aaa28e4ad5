// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nl_l3.c - moving a link's addresses and routes to another link and back
 *
 * Theory of operation
 *
 * Public bridge mode puts the uplink into a bridge.  A bridge port's own
 * addresses stop working (the bridge takes every frame the port receives),
 * so the uplink's layer-3 configuration has to move to the bridge: its
 * addresses, and the routes through it, the default route included.
 * "tapir net down" puts it all back on the uplink exactly as it was.
 *
 * Record first.  nl_l3_record() reads what will move into struct nl_l3 and
 * changes nothing.  The record serializes to JSON (nl_l3_to_json()), so the
 * caller can write it to its run-state file before nl_l3_apply() changes
 * anything; after a crash at any point nl_l3_restore() from the saved
 * record puts things back.  nl_l3_move() is record plus apply, restoring by
 * itself if apply fails half way.
 *
 * What moves.
 * - Every IPv4 address.  IPv6 addresses except link-local ones (every link
 *   makes its own), temporary (privacy) addresses and addresses the kernel
 *   made itself (IFA_PROTO kernel_ra, kernel_ll, kernel_lo): the bridge
 *   autoconfigures its own from router advertisements.
 * - Every route whose output interface is the link, in every table but
 *   "local", except the kernel's own: protocol kernel (prefix routes,
 *   which come back with the addresses), ra and redirect.  Routes that
 *   cannot be re-created (NL_RT_COMPLEX: multipath, nexthop objects,
 *   tunnels) are counted in @skipped and left alone.
 *
 * Order.  One pass removes, then one pass adds, so that the same route is
 * never asked for twice (IPv4 refuses a second route with the same
 * destination, TOS and metric in one table, whatever the device):
 *
 *   1. routes off the source link, last first;
 *   2. addresses off the source link, last first: an IPv4 secondary goes
 *      before its primary, since deleting a primary takes its secondaries
 *      with it (promote_secondaries off, the default);
 *   3. addresses onto the target link in kernel order, so primaries come
 *      before secondaries again; IPv6 lists its newest address first, so
 *      IPv6 addresses are recorded in reverse;
 *   4. routes onto the target link.  A gateway needs a route to it first,
 *      so routes without a gateway are recorded first; any route the
 *      kernel still refuses is tried again after each pass that got
 *      another one in, until a pass gets none.
 *
 * Each step tolerates finding its work already done (-ESRCH,
 * -EADDRNOTAVAIL on removal, -EEXIST on adding), so restore works after a
 * crash at any point of apply, and twice.  Apply stops at the first real
 * error; restore carries on and reports the first.
 *
 * Labels.  An IPv4 label "eth0" or "eth0:1" becomes "br0" or "br0:1" on the
 * bridge; the record keeps the original, which restore gives back.
 *
 * Lifetimes.  Remaining lifetimes are read at record time; the time since
 * (CLOCK_BOOTTIME, which counts suspend too) is taken off when an address
 * or an expiring route is added back, and one that would have expired is
 * not added.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <json-c/json.h>

#include "nl_l3.h"

/**
 * nl_l3_now() - seconds on CLOCK_BOOTTIME
 *
 * Return: the time, 0 if the clock cannot be read
 */
static uint64_t nl_l3_now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_BOOTTIME, &ts))
		return 0;
	return (uint64_t)ts.tv_sec;
}

/**
 * nl_l3_addr_moves() - tell whether an address moves with its link
 * @a:		the address
 *
 * Return: 1 if it moves, 0 if it stays (see the theory of operation)
 */
static int nl_l3_addr_moves(const struct nl_addr *a)
{
	if (a->family == AF_INET)
		return 1;
	if (a->scope == RT_SCOPE_LINK || (a->flags & IFA_F_TEMPORARY))
		return 0;
	return !((a->has & NL_ADDR_PROTO) &&
		 (a->proto == IFAPROT_KERNEL_LO ||
		  a->proto == IFAPROT_KERNEL_RA ||
		  a->proto == IFAPROT_KERNEL_LL));
}

/**
 * nl_l3_route_kernel() - tell whether a route is the kernel's own
 * @r:		the route
 *
 * Return: 1 for routes the kernel makes and remakes itself
 */
static int nl_l3_route_kernel(const struct nl_route *r)
{
	return r->table == RT_TABLE_LOCAL || r->protocol == RTPROT_KERNEL ||
	       r->protocol == RTPROT_RA || r->protocol == RTPROT_REDIRECT;
}

/**
 * nl_l3_record_addrs() - record the addresses that move
 * @nl:		socket
 * @ifindex:	the source link
 * @rec:	record to fill
 *
 * Return: 0, or -errno
 */
static int nl_l3_record_addrs(struct nl *nl, int ifindex, struct nl_l3 *rec)
{
	struct nl_addr *all = NULL, *a;
	size_t n, i, pass;
	int rc;

	rc = nl_addr_dump(nl, AF_UNSPEC, ifindex, &all, &n);
	if (rc)
		return rc;
	/* IPv4 in kernel order, then IPv6 in reverse */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < n; i++) {
			const struct nl_addr *src = pass ? &all[n - 1 - i]
							 : &all[i];

			if (src->family != (pass ? AF_INET6 : AF_INET) ||
			    !nl_l3_addr_moves(src))
				continue;
			a = nl_vec_add((void **)&rec->addr, &rec->naddr,
				       sizeof(*a));
			if (!a) {
				rc = -ENOMEM;
				goto out;
			}
			*a = *src;
			a->ifindex = 0;
		}
	}
out:
	free(all);
	return rc;
}

/**
 * nl_l3_record_routes() - record the routes that move
 * @nl:		socket
 * @ifindex:	the source link
 * @rec:	record to fill
 *
 * Return: 0, or -errno
 */
static int nl_l3_record_routes(struct nl *nl, int ifindex, struct nl_l3 *rec)
{
	struct nl_route *all = NULL, *r;
	size_t n, i, pass;
	int rc;

	rc = nl_route_dump(nl, AF_UNSPEC, &all, &n);
	if (rc)
		return rc;
	/* routes without a gateway first: gateways need them */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < n; i++) {
			if (!nl_route_uses(&all[i], ifindex) ||
			    nl_l3_route_kernel(&all[i]) ||
			    !!(all[i].has & NL_RT_GATEWAY) != (int)pass)
				continue;
			if (all[i].has & NL_RT_COMPLEX) {
				rec->skipped++;
				continue;
			}
			r = nl_vec_add((void **)&rec->route, &rec->nroute,
				       sizeof(*r));
			if (!r) {
				rc = -ENOMEM;
				goto out;
			}
			*r = all[i];
			r->oif = 0;
			r->has &= ~(unsigned int)NL_RT_OIF;
		}
	}
out:
	free(all);
	return rc;
}

/**
 * nl_l3_record() - record what moving a link's layer-3 configuration moves
 * @nl:		socket
 * @from:	the link now holding it
 * @to:		the link it will go to (need not exist yet)
 * @rec:	filled in; nl_l3_free() it, even on error
 *
 * Return: 0, -ENODEV if @from does not exist, -EINVAL for a bad name, or
 *	   another -errno
 */
int nl_l3_record(struct nl *nl, const char *from, const char *to,
		 struct nl_l3 *rec)
{
	struct nl_link link;
	int rc;

	memset(rec, 0, sizeof(*rec));
	if (ifname_check(from, NULL) || ifname_check(to, NULL) ||
	    !strcmp(from, to))
		return -EINVAL;
	strcpy(rec->from, from);
	strcpy(rec->to, to);
	rec->boottime = nl_l3_now();
	rc = nl_link_get(nl, from, &link);
	if (!rc)
		rc = nl_l3_record_addrs(nl, link.ifindex, rec);
	if (!rc)
		rc = nl_l3_record_routes(nl, link.ifindex, rec);
	return rc;
}

/**
 * nl_l3_free() - release a record's arrays
 * @rec:	the record, left empty
 */
void nl_l3_free(struct nl_l3 *rec)
{
	free(rec->addr);
	free(rec->route);
	rec->addr = NULL;
	rec->route = NULL;
	rec->naddr = 0;
	rec->nroute = 0;
}

/**
 * nl_l3_label() - an IPv4 label for the target link
 * @label:	label on the source link
 * @src:	source link name
 * @dst:	target link name
 * @out:	the label to use: @dst plus @label's ":alias" part if @label
 *		is @src or "@src:alias" and the result fits, else @label
 */
static void nl_l3_label(const char *label, const char *src, const char *dst,
			char out[IFNAME_MAX + 1])
{
	size_t n = strlen(src), dl = strnlen(dst, IFNAME_MAX), rest;

	if (!strncmp(label, src, n) && (!label[n] || label[n] == ':')) {
		rest = strlen(label + n);
		if (dl + rest <= IFNAME_MAX) {
			memcpy(out, dst, dl);
			memcpy(out + dl, label + n, rest + 1);
			return;
		}
	}
	snprintf(out, IFNAME_MAX + 1, "%s", label);
}

/**
 * nl_l3_age() - take elapsed time off a remaining lifetime
 * @life:	remaining seconds when recorded, or NL_ADDR_FOREVER
 * @elapsed:	seconds since
 *
 * Return: what is left now, 0 if it has run out
 */
static uint32_t nl_l3_age(uint32_t life, uint64_t elapsed)
{
	if (life == NL_ADDR_FOREVER)
		return life;
	return life > elapsed ? (uint32_t)(life - elapsed) : 0;
}

/**
 * nl_l3_add_routes() - add routes, retrying those whose gateway is missing
 * @nl:		socket
 * @rec:	the record
 * @oif:	target link
 * @elapsed:	seconds since the record was made
 *
 * Return: 0, or the error of the first route that could not be added
 */
static int nl_l3_add_routes(struct nl *nl, const struct nl_l3 *rec, int oif,
			    uint64_t elapsed)
{
	int *err, rc = 0, progress = 1;
	size_t i;

	err = calloc(rec->nroute + 1, sizeof(*err));
	if (!err)
		return -ENOMEM;
	for (i = 0; i < rec->nroute; i++)
		err[i] = -EAGAIN;
	while (progress) {
		progress = 0;
		for (i = 0; i < rec->nroute; i++) {
			struct nl_route r = rec->route[i];

			if (!err[i])
				continue;
			r.oif = oif;
			r.has |= NL_RT_OIF;
			if (r.has & NL_RT_EXPIRES) {
				r.expires = nl_l3_age(r.expires, elapsed);
				if (!r.expires) {
					err[i] = 0;
					continue;
				}
			}
			err[i] = nl_route_add(nl, &r);
			if (err[i] == -EEXIST)
				err[i] = 0;
			if (!err[i])
				progress = 1;
		}
	}
	for (i = 0; i < rec->nroute && !rc; i++)
		rc = err[i];
	free(err);
	return rc;
}

/**
 * nl_l3_shift() - take the recorded configuration off one link, onto another
 * @nl:		socket
 * @rec:	the record
 * @back:	0 to go from @rec->from to @rec->to, 1 for the reverse
 *
 * Return: 0, or -errno (going forward, the first error stops it; going
 *	   back, every step is tried and the first error is returned)
 */
static int nl_l3_shift(struct nl *nl, const struct nl_l3 *rec, int back)
{
	const char *src = back ? rec->to : rec->from;
	const char *dst = back ? rec->from : rec->to;
	uint64_t now = nl_l3_now(), elapsed;
	struct nl_link sl, dl;
	int rc, first = 0;
	size_t i;

	elapsed = now > rec->boottime ? now - rec->boottime : 0;
	rc = nl_link_get(nl, dst, &dl);
	if (rc)
		return rc;
	/* the source may be gone (a bridge deleted after a crash) */
	rc = nl_link_get(nl, src, &sl);
	if (rc == -ENODEV && back)
		sl.ifindex = 0;
	else if (rc)
		return rc;

	for (i = rec->nroute; i-- > 0 && sl.ifindex;) {
		struct nl_route r = rec->route[i];

		r.oif = sl.ifindex;
		r.has |= NL_RT_OIF;
		rc = nl_route_del(nl, &r);
		if (rc && rc != -ESRCH && !first)
			first = rc;
		if (first && !back)
			return first;
	}
	for (i = rec->naddr; i-- > 0 && sl.ifindex;) {
		struct nl_addr a = rec->addr[i];

		a.ifindex = sl.ifindex;
		rc = nl_addr_del(nl, &a);
		if (rc && rc != -EADDRNOTAVAIL && !first)
			first = rc;
		if (first && !back)
			return first;
	}
	for (i = 0; i < rec->naddr; i++) {
		struct nl_addr a = rec->addr[i];

		a.ifindex = dl.ifindex;
		if (!back)
			nl_l3_label(rec->addr[i].label, src, dst, a.label);
		a.valid = nl_l3_age(a.valid, elapsed);
		a.preferred = nl_l3_age(a.preferred, elapsed);
		if (!a.valid)
			continue;
		rc = nl_addr_add(nl, &a);
		if (rc && rc != -EEXIST && !first)
			first = rc;
		if (first && !back)
			return first;
	}
	rc = nl_l3_add_routes(nl, rec, dl.ifindex, elapsed);
	return first ? first : rc;
}

/**
 * nl_l3_apply() - move the recorded configuration onto the target link
 * @nl:		socket
 * @rec:	from nl_l3_record() or nl_l3_from_json()
 *
 * Return: 0, or -errno with the move possibly half done (nl_l3_restore()
 *	   undoes it)
 */
int nl_l3_apply(struct nl *nl, const struct nl_l3 *rec)
{
	return nl_l3_shift(nl, rec, 0);
}

/**
 * nl_l3_restore() - put the recorded configuration back on the source link
 * @nl:		socket
 * @rec:	the record nl_l3_apply() was given
 *
 * Return: 0, or the first -errno (every step is tried regardless)
 */
int nl_l3_restore(struct nl *nl, const struct nl_l3 *rec)
{
	return nl_l3_shift(nl, rec, 1);
}

/**
 * nl_l3_move() - record and move a link's layer-3 configuration
 * @nl:		socket
 * @from:	the link now holding it
 * @to:		the link it goes to, which must exist and be up
 * @rec:	the record, for nl_l3_restore() later; nl_l3_free() it,
 *		even on error
 *
 * Return: 0, or -errno with everything put back as far as possible
 */
int nl_l3_move(struct nl *nl, const char *from, const char *to,
	       struct nl_l3 *rec)
{
	int rc = nl_l3_record(nl, from, to, rec);

	if (rc)
		return rc;
	rc = nl_l3_apply(nl, rec);
	if (rc)
		nl_l3_restore(nl, rec);
	return rc;
}

/* Kinds of record fields in JSON. */
enum nl_l3_kind {
	NL_L3_U8,	/* uint8_t, a JSON integer */
	NL_L3_U32,	/* uint32_t, a JSON integer */
	NL_L3_IP,	/* address of the entry's family, in text form */
	NL_L3_IP4,	/* IPv4 address, in text form */
};

/**
 * struct nl_l3_field - how one member of struct nl_addr or nl_route is
 *			written to and read from JSON
 * @key:	member name in JSON
 * @off:	offset in the structure
 * @kind:	enum nl_l3_kind
 * @bit:	the structure's "has" bit for an optional field, 0 for a
 *		field that is always there
 */
struct nl_l3_field {
	const char *key;
	size_t off;
	enum nl_l3_kind kind;
	unsigned int bit;
};

#define NL_L3_A(key, member, kind, bit) \
	{ key, offsetof(struct nl_addr, member), kind, bit }
#define NL_L3_R(key, member, kind, bit) \
	{ key, offsetof(struct nl_route, member), kind, bit }

static const struct nl_l3_field nl_l3_addr_fields[] = {
	NL_L3_A("prefixlen", prefixlen, NL_L3_U8, 0),
	NL_L3_A("scope", scope, NL_L3_U8, 0),
	NL_L3_A("flags", flags, NL_L3_U32, 0),
	NL_L3_A("local", local, NL_L3_IP, NL_ADDR_LOCAL),
	NL_L3_A("address", address, NL_L3_IP, NL_ADDR_ADDRESS),
	NL_L3_A("broadcast", broadcast, NL_L3_IP4, NL_ADDR_BROADCAST),
	NL_L3_A("valid", valid, NL_L3_U32, 0),
	NL_L3_A("preferred", preferred, NL_L3_U32, 0),
	NL_L3_A("metric", metric, NL_L3_U32, NL_ADDR_METRIC),
	NL_L3_A("proto", proto, NL_L3_U8, NL_ADDR_PROTO),
};

static const struct nl_l3_field nl_l3_route_fields[] = {
	NL_L3_R("dst_len", dst_len, NL_L3_U8, 0),
	NL_L3_R("src_len", src_len, NL_L3_U8, 0),
	NL_L3_R("tos", tos, NL_L3_U8, 0),
	NL_L3_R("protocol", protocol, NL_L3_U8, 0),
	NL_L3_R("scope", scope, NL_L3_U8, 0),
	NL_L3_R("type", type, NL_L3_U8, 0),
	NL_L3_R("flags", flags, NL_L3_U32, 0),
	NL_L3_R("table", table, NL_L3_U32, 0),
	NL_L3_R("dst", dst, NL_L3_IP, NL_RT_DST),
	NL_L3_R("src", src, NL_L3_IP, NL_RT_SRC),
	NL_L3_R("gateway", gateway, NL_L3_IP, NL_RT_GATEWAY),
	NL_L3_R("prefsrc", prefsrc, NL_L3_IP, NL_RT_PREFSRC),
	NL_L3_R("priority", priority, NL_L3_U32, NL_RT_PRIORITY),
	NL_L3_R("realms", realms, NL_L3_U32, NL_RT_REALMS),
	NL_L3_R("pref", pref, NL_L3_U8, NL_RT_PREF),
	NL_L3_R("expires", expires, NL_L3_U32, NL_RT_EXPIRES),
};

#define NL_L3_N(a)	(sizeof(a) / sizeof((a)[0]))

/**
 * nl_l3_put() - add a member, taking ownership of its value
 * @o:		object
 * @key:	member name
 * @j:		value, may be NULL (out of memory when it was made)
 *
 * Return: 0, or -ENOMEM (then @j is released)
 */
static int nl_l3_put(struct json_object *o, const char *key,
		     struct json_object *j)
{
	if (!j || json_object_object_add(o, key, j)) {
		json_object_put(j);
		return -ENOMEM;
	}
	return 0;
}

/**
 * nl_l3_fields_to_json() - write an entry's fields as members
 * @o:		object to add them to
 * @base:	struct nl_addr or nl_route
 * @f:		its field table
 * @n:		entries in @f
 * @family:	AF_INET or AF_INET6
 * @has:	the entry's "has" bits
 *
 * Return: 0, or -ENOMEM
 */
static int nl_l3_fields_to_json(struct json_object *o, const void *base,
				const struct nl_l3_field *f, size_t n,
				int family, unsigned int has)
{
	const uint8_t *p;
	char ip[INET6_ADDRSTRLEN];
	uint32_t v32;
	size_t i;
	int rc = nl_l3_put(o, "family", json_object_new_string(
				   family == AF_INET6 ? "inet6" : "inet"));

	for (i = 0; i < n && !rc; i++) {
		if (f[i].bit && !(has & f[i].bit))
			continue;
		p = (const uint8_t *)base + f[i].off;
		switch (f[i].kind) {
		case NL_L3_U8:
			rc = nl_l3_put(o, f[i].key, json_object_new_int64(*p));
			break;
		case NL_L3_U32:
			memcpy(&v32, p, sizeof(v32));
			rc = nl_l3_put(o, f[i].key, json_object_new_int64(v32));
			break;
		case NL_L3_IP:
		case NL_L3_IP4:
			inet_ntop(f[i].kind == NL_L3_IP4 ? AF_INET : family, p,
				  ip, sizeof(ip));
			rc = nl_l3_put(o, f[i].key, json_object_new_string(ip));
			break;
		}
	}
	return rc;
}

/**
 * nl_l3_fields_from_json() - read an entry's fields from members
 * @o:		object
 * @base:	struct nl_addr or nl_route to fill
 * @f:		its field table
 * @n:		entries in @f
 * @family:	AF_INET or AF_INET6, from the "family" member
 * @has:	"has" bits set here for the optional fields found
 *
 * Return: 0, or -EINVAL for a missing field that is not optional, a value
 *	   of the wrong type or out of range
 */
static int nl_l3_fields_from_json(struct json_object *o, void *base,
				  const struct nl_l3_field *f, size_t n,
				  int family, unsigned int *has)
{
	struct json_object *j;
	uint8_t *p;
	int64_t v;
	uint32_t v32;
	size_t i;

	for (i = 0; i < n; i++) {
		p = (uint8_t *)base + f[i].off;
		if (!json_object_object_get_ex(o, f[i].key, &j)) {
			if (!f[i].bit)
				return -EINVAL;
			continue;
		}
		if (f[i].kind == NL_L3_IP || f[i].kind == NL_L3_IP4) {
			if (!json_object_is_type(j, json_type_string) ||
			    inet_pton(f[i].kind == NL_L3_IP4 ? AF_INET : family,
				      json_object_get_string(j), p) != 1)
				return -EINVAL;
		} else {
			if (!json_object_is_type(j, json_type_int))
				return -EINVAL;
			v = json_object_get_int64(j);
			if (v < 0 || v > (f[i].kind == NL_L3_U8 ? 255 :
					  (int64_t)UINT32_MAX))
				return -EINVAL;
			v32 = (uint32_t)v;
			if (f[i].kind == NL_L3_U8)
				*p = (uint8_t)v;
			else
				memcpy(p, &v32, sizeof(v32));
		}
		*has |= f[i].bit;
	}
	return 0;
}

/**
 * nl_l3_addr_json() - an address as a JSON object
 * @a:		the address
 *
 * Return: a new object, or NULL if out of memory
 */
static struct json_object *nl_l3_addr_json(const struct nl_addr *a)
{
	struct json_object *o = json_object_new_object();
	int rc;

	if (!o)
		return NULL;
	rc = nl_l3_fields_to_json(o, a, nl_l3_addr_fields,
				  NL_L3_N(nl_l3_addr_fields), a->family,
				  a->has);
	if (!rc && a->label[0])
		rc = nl_l3_put(o, "label", json_object_new_string(a->label));
	if (rc) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/**
 * nl_l3_route_json() - a route as a JSON object
 * @r:		the route
 *
 * Return: a new object, or NULL if out of memory
 */
static struct json_object *nl_l3_route_json(const struct nl_route *r)
{
	struct json_object *o = json_object_new_object();
	char hex[NL_RT_METRICS_MAX * 2 + 1] = "";
	unsigned int i;
	int rc;

	if (!o)
		return NULL;
	rc = nl_l3_fields_to_json(o, r, nl_l3_route_fields,
				  NL_L3_N(nl_l3_route_fields), r->family,
				  r->has);
	if (!rc && (r->has & NL_RT_METRICS)) {
		for (i = 0; i < r->metrics_len && i < NL_RT_METRICS_MAX; i++)
			snprintf(hex + 2 * i, 3, "%02x", r->metrics[i]);
		rc = nl_l3_put(o, "metrics", json_object_new_string(hex));
	}
	if (rc) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/**
 * nl_l3_array() - add an array member and fill it
 * @o:		object
 * @key:	member name
 * @base:	entries
 * @n:		number of entries
 * @size:	size of one entry
 * @fn:		makes the JSON object of one entry
 *
 * Return: 0, or -ENOMEM
 */
static int nl_l3_array(struct json_object *o, const char *key,
		       const void *base, size_t n, size_t size,
		       struct json_object *(*fn)(const void *))
{
	struct json_object *arr = json_object_new_array(), *e;
	size_t i;
	int rc = nl_l3_put(o, key, arr);

	for (i = 0; i < n && !rc; i++) {
		e = fn((const uint8_t *)base + i * size);
		if (!e || json_object_array_add(arr, e)) {
			json_object_put(e);
			rc = -ENOMEM;
		}
	}
	return rc;
}

/**
 * nl_l3_addr_json_cb() - nl_l3_array() callback for addresses
 * @p:		struct nl_addr
 *
 * Return: as nl_l3_addr_json()
 */
static struct json_object *nl_l3_addr_json_cb(const void *p)
{
	return nl_l3_addr_json(p);
}

/**
 * nl_l3_route_json_cb() - nl_l3_array() callback for routes
 * @p:		struct nl_route
 *
 * Return: as nl_l3_route_json()
 */
static struct json_object *nl_l3_route_json_cb(const void *p)
{
	return nl_l3_route_json(p);
}

/**
 * nl_l3_to_json() - a record as JSON, for a run-state file
 * @rec:	the record
 *
 * Return: a new object (json_object_put() it), or NULL if out of memory
 */
struct json_object *nl_l3_to_json(const struct nl_l3 *rec)
{
	struct json_object *o = json_object_new_object();
	int rc;

	if (!o)
		return NULL;
	rc = nl_l3_put(o, "from", json_object_new_string(rec->from));
	if (!rc)
		rc = nl_l3_put(o, "to", json_object_new_string(rec->to));
	if (!rc)
		rc = nl_l3_put(o, "boottime",
			       json_object_new_int64((int64_t)rec->boottime));
	if (!rc)
		rc = nl_l3_put(o, "skipped",
			       json_object_new_int64(rec->skipped));
	if (!rc)
		rc = nl_l3_array(o, "addresses", rec->addr, rec->naddr,
				 sizeof(*rec->addr), nl_l3_addr_json_cb);
	if (!rc)
		rc = nl_l3_array(o, "routes", rec->route, rec->nroute,
				 sizeof(*rec->route), nl_l3_route_json_cb);
	if (rc) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/**
 * nl_l3_get_str() - read a string member that fits a buffer
 * @o:		object
 * @key:	member name
 * @buf:	destination
 * @len:	its size
 *
 * Return: 1 if read, 0 if absent, -EINVAL if not a string or too long
 */
static int nl_l3_get_str(struct json_object *o, const char *key, char *buf,
			 size_t len)
{
	struct json_object *j;

	if (!json_object_object_get_ex(o, key, &j))
		return 0;
	if (!json_object_is_type(j, json_type_string) ||
	    (size_t)json_object_get_string_len(j) >= len ||
	    strlen(json_object_get_string(j)) !=
	    (size_t)json_object_get_string_len(j))
		return -EINVAL;
	strcpy(buf, json_object_get_string(j));
	return 1;
}

/**
 * nl_l3_get_family() - read the "family" member
 * @o:		object
 * @family:	set to AF_INET or AF_INET6
 *
 * Return: 0, or -EINVAL
 */
static int nl_l3_get_family(struct json_object *o, uint8_t *family)
{
	char name[8];

	if (nl_l3_get_str(o, "family", name, sizeof(name)) != 1)
		return -EINVAL;
	if (!strcmp(name, "inet"))
		*family = AF_INET;
	else if (!strcmp(name, "inet6"))
		*family = AF_INET6;
	else
		return -EINVAL;
	return 0;
}

/**
 * nl_l3_addr_from_json() - read one address of a record
 * @o:		JSON object
 * @elem:	struct nl_addr to fill (zeroed)
 *
 * Return: 0, or -EINVAL
 */
static int nl_l3_addr_from_json(struct json_object *o, void *elem)
{
	struct nl_addr *a = elem;
	int rc = nl_l3_get_family(o, &a->family);

	if (!rc)
		rc = nl_l3_fields_from_json(o, a, nl_l3_addr_fields,
					    NL_L3_N(nl_l3_addr_fields),
					    a->family, &a->has);
	if (!rc && nl_l3_get_str(o, "label", a->label, sizeof(a->label)) < 0)
		rc = -EINVAL;
	if (!rc && (a->prefixlen > nl_family_len(a->family) * 8 ||
		    !(a->has & (NL_ADDR_LOCAL | NL_ADDR_ADDRESS)) ||
		    (a->family != AF_INET && (a->has & NL_ADDR_BROADCAST))))
		rc = -EINVAL;
	return rc;
}

/**
 * nl_l3_metrics_from_hex() - decode the "metrics" member of a route
 * @o:		JSON object of the route
 * @r:		route to fill
 *
 * Return: 0 (also when absent), or -EINVAL
 */
static int nl_l3_metrics_from_hex(struct json_object *o, struct nl_route *r)
{
	char hex[NL_RT_METRICS_MAX * 2 + 1];
	size_t i, len;
	unsigned int byte;
	int rc = nl_l3_get_str(o, "metrics", hex, sizeof(hex));

	if (rc <= 0)
		return rc;
	len = strlen(hex);
	if (len % 2)
		return -EINVAL;
	for (i = 0; i < len; i += 2) {
		if (!strchr("0123456789abcdef", hex[i]) ||
		    !strchr("0123456789abcdef", hex[i + 1]) ||
		    sscanf(hex + i, "%2x", &byte) != 1)
			return -EINVAL;
		r->metrics[i / 2] = (uint8_t)byte;
	}
	r->metrics_len = (uint16_t)(len / 2);
	r->has |= NL_RT_METRICS;
	return 0;
}

/**
 * nl_l3_route_from_json() - read one route of a record
 * @o:		JSON object
 * @elem:	struct nl_route to fill (zeroed)
 *
 * Return: 0, or -EINVAL
 */
static int nl_l3_route_from_json(struct json_object *o, void *elem)
{
	struct nl_route *r = elem;
	int rc = nl_l3_get_family(o, &r->family);
	unsigned int bits;

	if (!rc)
		rc = nl_l3_fields_from_json(o, r, nl_l3_route_fields,
					    NL_L3_N(nl_l3_route_fields),
					    r->family, &r->has);
	if (!rc)
		rc = nl_l3_metrics_from_hex(o, r);
	bits = (unsigned int)nl_family_len(r->family) * 8;
	if (!rc && (r->dst_len > bits || r->src_len > bits))
		rc = -EINVAL;
	return rc;
}

/**
 * nl_l3_array_from_json() - read an array member of a record
 * @o:		record object
 * @key:	"addresses" or "routes"
 * @arr:	set to the entries
 * @n:		set to their number
 * @size:	size of one entry
 * @fn:		reads one entry
 *
 * Return: 0, -EINVAL, or -ENOMEM
 */
static int nl_l3_array_from_json(struct json_object *o, const char *key,
				 void **arr, size_t *n, size_t size,
				 int (*fn)(struct json_object *, void *))
{
	struct json_object *a;
	size_t i, len;
	void *elem;
	int rc = 0;

	if (!json_object_object_get_ex(o, key, &a) ||
	    !json_object_is_type(a, json_type_array))
		return -EINVAL;
	len = json_object_array_length(a);
	for (i = 0; i < len && !rc; i++) {
		struct json_object *e = json_object_array_get_idx(a, i);

		elem = nl_vec_add(arr, n, size);
		if (!elem)
			rc = -ENOMEM;
		else if (!json_object_is_type(e, json_type_object))
			rc = -EINVAL;
		else
			rc = fn(e, elem);
	}
	return rc;
}

/**
 * nl_l3_from_json() - read a record back from JSON
 * @obj:	what nl_l3_to_json() made (possibly read back from a file)
 * @rec:	filled in; nl_l3_free() it, even on error
 *
 * Return: 0, -EINVAL if @obj is not a valid record, or -ENOMEM
 */
int nl_l3_from_json(struct json_object *obj, struct nl_l3 *rec)
{
	struct json_object *j;
	int64_t v;
	int rc = -EINVAL;

	memset(rec, 0, sizeof(*rec));
	if (!json_object_is_type(obj, json_type_object) ||
	    nl_l3_get_str(obj, "from", rec->from, sizeof(rec->from)) != 1 ||
	    nl_l3_get_str(obj, "to", rec->to, sizeof(rec->to)) != 1 ||
	    ifname_check(rec->from, NULL) || ifname_check(rec->to, NULL))
		goto out;
	if (!json_object_object_get_ex(obj, "boottime", &j) ||
	    !json_object_is_type(j, json_type_int) ||
	    (v = json_object_get_int64(j)) < 0)
		goto out;
	rec->boottime = (uint64_t)v;
	if (json_object_object_get_ex(obj, "skipped", &j) &&
	    json_object_is_type(j, json_type_int)) {
		v = json_object_get_int64(j);
		rec->skipped = v < 0 || v > UINT32_MAX ? 0 : (unsigned int)v;
	}
	rc = nl_l3_array_from_json(obj, "addresses", (void **)&rec->addr,
				   &rec->naddr, sizeof(*rec->addr),
				   nl_l3_addr_from_json);
	if (!rc)
		rc = nl_l3_array_from_json(obj, "routes", (void **)&rec->route,
					   &rec->nroute, sizeof(*rec->route),
					   nl_l3_route_from_json);
out:
	return rc;
}
