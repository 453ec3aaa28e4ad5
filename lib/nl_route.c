// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nl_route.c - IPv4 and IPv6 routes, through rtnetlink
 *
 * Theory of operation
 *
 * A route is read from an RTM_NEWROUTE message into struct nl_route with
 * every attribute needed to add it again, through the same or another
 * output interface: destination and source prefixes, TOS, table
 * (RTA_TABLE, since tables above 255 do not fit the header), protocol,
 * scope, type, the settable flags (RTNH_F_ONLINK, RTNH_F_PERVASIVE),
 * gateway, metric, preferred source, realms, IPv6 router preference and
 * expiry, and the metrics nest (RTA_METRICS: mtu, advmss, window, lock,
 * congestion control...), which is kept raw and given back as it came.
 * The rest of rtm_flags (linkdown, dead, offload, trap) is state the
 * kernel keeps, not configuration, and is not given back.
 *
 * Some routes cannot be re-created from those fields: multipath routes
 * (RTA_MULTIPATH), routes through nexthop objects (RTA_NH_ID), lightweight
 * tunnels (RTA_ENCAP) and IPv4 routes via an IPv6 gateway (RTA_VIA).  They
 * are marked NL_RT_COMPLEX, and the output interfaces of multipath next
 * hops are remembered so nl_route_uses() can still tell which links such a
 * route goes through.
 *
 * Dumps cover every table: policy routing setups keep routes through an
 * uplink in tables other than main, and they have to move with it just as
 * much.  Callers filter what they want.
 *
 * Adding and deleting use one message builder, so a deletion names a route
 * by exactly the fields it was read with; the kernel matches on them.
 * nl_route_move() re-creates one route through another interface (delete,
 * then add, since IPv4 refuses a second route with the same destination,
 * TOS and metric in a table) and puts the old one back if the new one is
 * refused.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <linux/rtnetlink.h>

#include "nl_route.h"

/* rtm_flags a route can be given; the others are kernel state. */
#define NL_RT_SETTABLE_FLAGS	(RTNH_F_ONLINK | RTNH_F_PERVASIVE)

/**
 * nl_route_addr() - copy an address attribute of the route's family
 * @attr:	attribute
 * @r:		route, with @family set
 * @dst:	destination
 * @bit:	NL_RT_* bit to set in @r->has when copied
 */
static void nl_route_addr(const struct nlattr *attr, struct nl_route *r,
			  uint8_t *dst, unsigned int bit)
{
	size_t len = nl_family_len(r->family);

	if (mnl_attr_get_payload_len(attr) != len)
		return;
	memcpy(dst, mnl_attr_get_payload(attr), len);
	r->has |= bit;
}

/**
 * nl_route_u32() - read a u32 attribute
 * @attr:	attribute
 * @r:		route
 * @v:		set to the value, if it is a valid u32
 * @bit:	NL_RT_* bit to set in @r->has then, or 0
 */
static void nl_route_u32(const struct nlattr *attr, struct nl_route *r,
			 uint32_t *v, unsigned int bit)
{
	if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
		return;
	*v = mnl_attr_get_u32(attr);
	r->has |= bit;
}

/**
 * nl_route_nexthops() - remember the interfaces of multipath next hops
 * @attr:	RTA_MULTIPATH: struct rtnexthop records, each followed by
 *		its own attributes
 * @r:		route
 */
static void nl_route_nexthops(const struct nlattr *attr, struct nl_route *r)
{
	const uint8_t *p = mnl_attr_get_payload(attr);
	size_t left = mnl_attr_get_payload_len(attr);
	struct rtnexthop nh;
	size_t step;

	while (left >= sizeof(nh) && r->nnh < NL_RT_NEXTHOPS_MAX) {
		memcpy(&nh, p, sizeof(nh));
		if (nh.rtnh_len < sizeof(nh) || nh.rtnh_len > left)
			break;
		r->nhifindex[r->nnh++] = nh.rtnh_ifindex;
		step = (size_t)RTNH_ALIGN(nh.rtnh_len);
		if (step >= left)
			break;
		p += step;
		left -= step;
	}
}

/**
 * nl_route_attr_cb() - read one attribute of an RTM_NEWROUTE message
 * @attr:	attribute
 * @data:	struct nl_route, with @family set
 *
 * Return: MNL_CB_OK
 */
static int nl_route_attr_cb(const struct nlattr *attr, void *data)
{
	const struct rta_cacheinfo *ci;
	struct nl_route *r = data;
	long hz;

	switch (mnl_attr_get_type(attr)) {
	case RTA_TABLE:
		nl_route_u32(attr, r, &r->table, 0);
		break;
	case RTA_DST:
		nl_route_addr(attr, r, r->dst, NL_RT_DST);
		break;
	case RTA_SRC:
		nl_route_addr(attr, r, r->src, NL_RT_SRC);
		break;
	case RTA_GATEWAY:
		nl_route_addr(attr, r, r->gateway, NL_RT_GATEWAY);
		break;
	case RTA_PREFSRC:
		nl_route_addr(attr, r, r->prefsrc, NL_RT_PREFSRC);
		break;
	case RTA_OIF:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0) {
			r->oif = (int)mnl_attr_get_u32(attr);
			r->has |= NL_RT_OIF;
		}
		break;
	case RTA_PRIORITY:
		nl_route_u32(attr, r, &r->priority, NL_RT_PRIORITY);
		break;
	case RTA_FLOW:
		nl_route_u32(attr, r, &r->realms, NL_RT_REALMS);
		break;
	case RTA_PREF:
		if (mnl_attr_validate(attr, MNL_TYPE_U8) >= 0) {
			r->pref = mnl_attr_get_u8(attr);
			r->has |= NL_RT_PREF;
		}
		break;
	case RTA_METRICS:
		if (mnl_attr_get_payload_len(attr) > NL_RT_METRICS_MAX) {
			r->has |= NL_RT_COMPLEX;
			break;
		}
		/* a repeated attribute replaces the first one entirely */
		memset(r->metrics, 0, sizeof(r->metrics));
		r->metrics_len = mnl_attr_get_payload_len(attr);
		memcpy(r->metrics, mnl_attr_get_payload(attr), r->metrics_len);
		r->has |= NL_RT_METRICS;
		break;
	case RTA_CACHEINFO:
		if (r->family != AF_INET6 ||
		    mnl_attr_validate2(attr, MNL_TYPE_UNSPEC, sizeof(*ci)) < 0)
			break;
		ci = mnl_attr_get_payload(attr);
		hz = sysconf(_SC_CLK_TCK);
		if (ci->rta_expires > 0 && hz > 0) {
			r->expires = (uint32_t)((ci->rta_expires + hz - 1) / hz);
			r->has |= NL_RT_EXPIRES;
		}
		break;
	case RTA_MULTIPATH:
		nl_route_nexthops(attr, r);
		r->has |= NL_RT_COMPLEX;
		break;
	case RTA_NH_ID:
	case RTA_ENCAP:
	case RTA_ENCAP_TYPE:
	case RTA_VIA:
		r->has |= NL_RT_COMPLEX;
		break;
	}
	return MNL_CB_OK;
}

/**
 * nl_route_parse() - parse an RTM_NEWROUTE message
 * @nlh:	message, as long as its nlmsg_len says
 * @r:		filled in; the caller zeroes it first
 *
 * Return: 1 for an IPv4 or IPv6 route, 0 for another message or family,
 *	   -EPROTO if it is truncated
 */
int nl_route_parse(const struct nlmsghdr *nlh, struct nl_route *r)
{
	const struct rtmsg *rtm;
	size_t alen;

	if (nlh->nlmsg_type != RTM_NEWROUTE)
		return 0;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm))
		return -EPROTO;
	rtm = mnl_nlmsg_get_payload(nlh);
	alen = nl_family_len(rtm->rtm_family);
	if (!alen || rtm->rtm_dst_len > alen * 8 || rtm->rtm_src_len > alen * 8)
		return 0;
	r->family = rtm->rtm_family;
	r->dst_len = rtm->rtm_dst_len;
	r->src_len = rtm->rtm_src_len;
	r->tos = rtm->rtm_tos;
	r->protocol = rtm->rtm_protocol;
	r->scope = rtm->rtm_scope;
	r->type = rtm->rtm_type;
	r->flags = rtm->rtm_flags;
	r->table = rtm->rtm_table;
	mnl_attr_parse(nlh, sizeof(*rtm), nl_route_attr_cb, r);
	return 1;
}

/**
 * nl_route_parse_cb() - nl_parse_fn for routes
 * @nlh:	message
 * @elem:	struct nl_route
 *
 * Return: as nl_route_parse()
 */
static int nl_route_parse_cb(const struct nlmsghdr *nlh, void *elem)
{
	return nl_route_parse(nlh, elem);
}

/**
 * nl_route_dump() - list the routes of every table
 * @nl:		socket
 * @family:	AF_INET, AF_INET6, or AF_UNSPEC for both
 * @routes:	set to an array (free() it)
 * @n:		set to the number of routes
 *
 * Return: 0, or -errno
 */
int nl_route_dump(struct nl *nl, int family, struct nl_route **routes,
		  size_t *n)
{
	void *arr;
	int rc;

	rc = nl_dump(nl, RTM_GETROUTE, (uint8_t)family, sizeof(struct rtmsg),
		     nl_route_parse_cb, sizeof(struct nl_route), &arr, n);
	*routes = arr;
	return rc;
}

/**
 * nl_route_uses() - tell whether a route goes out through a link
 * @r:		route
 * @ifindex:	the link
 *
 * Return: 1 if @r's output interface or one of its multipath next hops'
 *	   is @ifindex, 0 if not
 */
int nl_route_uses(const struct nl_route *r, int ifindex)
{
	unsigned int i;

	if ((r->has & NL_RT_OIF) && r->oif == ifindex)
		return 1;
	for (i = 0; i < r->nnh; i++)
		if (r->nhifindex[i] == ifindex)
			return 1;
	return 0;
}

/**
 * nl_route_msg() - build an RTM_NEWROUTE or RTM_DELROUTE request
 * @buf:	buffer of MNL_SOCKET_BUFFER_SIZE bytes
 * @type:	RTM_NEWROUTE or RTM_DELROUTE
 * @flags:	extra NLM_F_* flags
 * @r:		the route
 *
 * Return: the message
 */
static struct nlmsghdr *nl_route_msg(char *buf, uint16_t type, uint16_t flags,
				     const struct nl_route *r)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	size_t alen = nl_family_len(r->family);
	struct rtmsg *rtm;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = r->family;
	rtm->rtm_dst_len = r->dst_len;
	rtm->rtm_src_len = r->src_len;
	rtm->rtm_tos = r->tos;
	rtm->rtm_table = r->table < 256 ? (uint8_t)r->table : RT_TABLE_UNSPEC;
	rtm->rtm_protocol = r->protocol;
	rtm->rtm_scope = r->scope;
	rtm->rtm_type = r->type;
	rtm->rtm_flags = r->flags & NL_RT_SETTABLE_FLAGS;
	mnl_attr_put_u32(nlh, RTA_TABLE, r->table);
	if (r->has & NL_RT_DST)
		mnl_attr_put(nlh, RTA_DST, alen, r->dst);
	if (r->has & NL_RT_SRC)
		mnl_attr_put(nlh, RTA_SRC, alen, r->src);
	if (r->has & NL_RT_GATEWAY)
		mnl_attr_put(nlh, RTA_GATEWAY, alen, r->gateway);
	if (r->has & NL_RT_PREFSRC)
		mnl_attr_put(nlh, RTA_PREFSRC, alen, r->prefsrc);
	if (r->has & NL_RT_OIF)
		mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)r->oif);
	if (r->has & NL_RT_PRIORITY)
		mnl_attr_put_u32(nlh, RTA_PRIORITY, r->priority);
	if (r->has & NL_RT_REALMS)
		mnl_attr_put_u32(nlh, RTA_FLOW, r->realms);
	if (r->has & NL_RT_PREF)
		mnl_attr_put_u8(nlh, RTA_PREF, r->pref);
	if (r->has & NL_RT_METRICS)
		mnl_attr_put(nlh, RTA_METRICS, r->metrics_len, r->metrics);
	return nlh;
}

/**
 * nl_route_add() - add a route with all its attributes
 * @nl:		socket
 * @r:		the route; @r->oif is its output interface
 *
 * Return: 0, -EEXIST if it exists, -EOPNOTSUPP for an NL_RT_COMPLEX route,
 *	   or another -errno (-ENETUNREACH, -EHOSTUNREACH: no route to the
 *	   gateway yet)
 */
int nl_route_add(struct nl *nl, const struct nl_route *r)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	if (!nl_family_len(r->family))
		return -EAFNOSUPPORT;
	if (r->has & NL_RT_COMPLEX)
		return -EOPNOTSUPP;
	nlh = nl_route_msg(buf, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, r);
	if ((r->has & NL_RT_EXPIRES) && r->family == AF_INET6)
		mnl_attr_put_u32(nlh, RTA_EXPIRES, r->expires);
	return nl_request(nl, nlh, NULL, NULL);
}

/**
 * nl_route_del() - delete a route
 * @nl:		socket
 * @r:		the route, as dumped or as given to nl_route_add()
 *
 * Return: 0, -ESRCH if there is no such route, or another -errno
 */
int nl_route_del(struct nl *nl, const struct nl_route *r)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];

	if (!nl_family_len(r->family))
		return -EAFNOSUPPORT;
	if (r->has & NL_RT_COMPLEX)
		return -EOPNOTSUPP;
	return nl_request(nl, nl_route_msg(buf, RTM_DELROUTE, 0, r), NULL,
			  NULL);
}

/**
 * nl_route_move() - re-create a route through another output interface
 * @nl:		socket
 * @r:		the route as it is now
 * @oif:	its new output interface
 *
 * Return: 0, or -errno (then @r is back in place, if the kernel lets it)
 */
int nl_route_move(struct nl *nl, const struct nl_route *r, int oif)
{
	struct nl_route moved = *r;
	int rc;

	moved.oif = oif;
	moved.has |= NL_RT_OIF;
	rc = nl_route_del(nl, r);
	if (rc)
		return rc;
	rc = nl_route_add(nl, &moved);
	if (rc)
		nl_route_add(nl, r);
	return rc;
}
