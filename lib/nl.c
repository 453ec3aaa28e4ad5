// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nl.c - rtnetlink requests through libmnl
 *
 * Theory of operation
 *
 * All link, address and route changes go through one rtnetlink socket per
 * program, opened by nl_open().  nl_request() sends one request and reads
 * replies until the kernel acknowledges it or reports an error; libmnl's
 * mnl_cb_run() checks the port id and sequence number of every reply, so a
 * stale or foreign message never reaches a callback.  Requests always ask
 * for an acknowledgement, so a change that fails returns the kernel's
 * -errno to the caller.
 *
 * Links are looked up by name with a single RTM_GETLINK carrying
 * IFLA_IFNAME, which the kernel answers from its name hash: the cost does
 * not grow with the number of interfaces, unlike a dump.  nl_link_set()
 * applies MAC address, MTU, master and up state in one RTM_NEWLINK.  The
 * kernel sets address and MTU first; whether it sets the master before or
 * after bringing the device up depends on the kernel version (Linux 6.8
 * reverted "enslave device before bringing it up"), and the end state is
 * the same either way.  nl_link_set_master(), nl_link_set_up() and
 * nl_link_set_mtu() change one thing each, and can also undo: master 0
 * means "no master", up 0 means down.
 *
 * Bridges.  nl_bridge_add() creates a bridge with STP off and a forward
 * delay of 0, as libvirt does for its networks: tapir's bridges are
 * leaves (one host, guests, and in public bridge mode one uplink), so
 * there is no loop for STP to break, and a port should forward at once
 * rather than after 2 x 15 s of listening and learning if STP is ever
 * turned on.  A MAC can be given: a bridge without one takes the lowest
 * MAC of its ports and changes address as ports come and go, which
 * confuses neighbours' ARP caches; public bridge mode passes the uplink's
 * MAC, so the LAN sees the same host before and after.
 *
 * Dumps.  nl_dump() collects one kind of object (links here, addresses in
 * nl_addr.c, routes in nl_route.c) into a growable array through a parse
 * function per kind; parsing reads every attribute through libmnl's
 * validating accessors, and tests/fuzz/fuzz_nl.c feeds the parsers
 * arbitrary messages.  A dump that the kernel marks interrupted
 * (NLM_F_DUMP_INTR: the table changed while it was being walked) is read
 * to its end, so no stale message is left in the socket (libmnl would stop
 * at the first flagged reply), and taken again, up to NL_DUMP_TRIES
 * times.  Dumps allocate: they are never on a packet path.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <net/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "nl.h"

/* Times a dump is taken again when the kernel says it was interrupted. */
#define NL_DUMP_TRIES	5

/**
 * nl_open() - open and bind an rtnetlink socket
 * @nl:		socket state to fill
 *
 * Return: 0, or -errno
 */
int nl_open(struct nl *nl)
{
	return nl_open_bus(nl, NETLINK_ROUTE);
}

/**
 * nl_open_bus() - open and bind a netlink socket of another family
 * @nl:		socket state to fill
 * @bus:	NETLINK_ROUTE, or NETLINK_NETFILTER for nft_list.c's dumps
 *
 * Return: 0, or -errno
 */
int nl_open_bus(struct nl *nl, int bus)
{
	int rc;

	nl->sk = mnl_socket_open2(bus, SOCK_CLOEXEC);
	if (!nl->sk)
		return -errno;
	if (mnl_socket_bind(nl->sk, 0, MNL_SOCKET_AUTOPID) < 0) {
		rc = -errno;
		mnl_socket_close(nl->sk);
		nl->sk = NULL;
		return rc;
	}
	nl->portid = mnl_socket_get_portid(nl->sk);
	nl->seq = (unsigned int)time(NULL);
	return 0;
}

/**
 * nl_close() - close the socket
 * @nl:		socket state
 */
void nl_close(struct nl *nl)
{
	if (nl->sk)
		mnl_socket_close(nl->sk);
	nl->sk = NULL;
}

/**
 * nl_exchange() - send a request and process replies until it completes
 * @nl:		socket
 * @nlh:	request; its sequence number is set here, NLM_F_ACK is added
 * @cb:		callback for data replies, may be NULL
 * @data:	passed to @cb
 * @intr:	NULL, or for dumps: set to 1 if the kernel marked a reply
 *		NLM_F_DUMP_INTR (the dump is then read to its end anyway)
 *
 * Return: 0, or -errno from the kernel or from the socket
 */
static int nl_exchange(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb,
		       void *data, int *intr)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int rc;

	nlh->nlmsg_seq = ++nl->seq;
	nlh->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(nl->sk, nlh, nlh->nlmsg_len) < 0)
		return -errno;

	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl->sk, buf, sizeof(buf));
		struct nlmsghdr *m = (struct nlmsghdr *)buf;
		int len = (int)n;

		if (n < 0)
			return -errno;
		/* libmnl stops at a flagged reply; we want the whole dump */
		for (; intr && mnl_nlmsg_ok(m, len);
		     m = mnl_nlmsg_next(m, &len)) {
			if (m->nlmsg_flags & NLM_F_DUMP_INTR)
				*intr = 1;
			m->nlmsg_flags &= (uint16_t)~NLM_F_DUMP_INTR;
		}
		rc = mnl_cb_run(buf, (size_t)n, nlh->nlmsg_seq, nl->portid,
				cb, data);
		if (rc < 0)
			return -errno;
		if (rc == MNL_CB_STOP)
			return 0;
	}
}

/**
 * nl_request() - send a request and process replies until it completes
 * @nl:		socket
 * @nlh:	request; its sequence number is set here, NLM_F_ACK is added
 * @cb:		callback for data replies, may be NULL
 * @data:	passed to @cb
 *
 * Return: 0, or -errno from the kernel or from the socket
 */
int nl_request(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	return nl_exchange(nl, nlh, cb, data, NULL);
}

/**
 * nl_link_info_cb() - read IFLA_INFO_KIND out of IFLA_LINKINFO
 * @attr:	nested attribute
 * @data:	struct nl_link to fill
 *
 * Return: MNL_CB_OK
 */
static int nl_link_info_cb(const struct nlattr *attr, void *data)
{
	struct nl_link *link = data;

	if (mnl_attr_get_type(attr) == IFLA_INFO_KIND &&
	    mnl_attr_validate(attr, MNL_TYPE_STRING) >= 0)
		snprintf(link->kind, sizeof(link->kind), "%s",
			 mnl_attr_get_str(attr));
	return MNL_CB_OK;
}

/**
 * nl_link_attr_cb() - read the attributes of an RTM_NEWLINK message
 * @attr:	attribute
 * @data:	struct nl_link to fill
 *
 * Return: MNL_CB_OK
 */
static int nl_link_attr_cb(const struct nlattr *attr, void *data)
{
	struct nl_link *link = data;

	switch (mnl_attr_get_type(attr)) {
	case IFLA_IFNAME:
		if (mnl_attr_validate(attr, MNL_TYPE_STRING) >= 0)
			snprintf(link->name, sizeof(link->name), "%s",
				 mnl_attr_get_str(attr));
		break;
	case IFLA_MTU:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
			link->mtu = mnl_attr_get_u32(attr);
		break;
	case IFLA_MASTER:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
			link->master = (int)mnl_attr_get_u32(attr);
		break;
	case IFLA_ADDRESS: {
		uint16_t len = mnl_attr_get_payload_len(attr);

		if (len <= sizeof(link->addr)) {
			memcpy(link->addr, mnl_attr_get_payload(attr), len);
			link->addr_len = len;
		}
		break;
	}
	case IFLA_LINKINFO:
		mnl_attr_parse_nested(attr, nl_link_info_cb, link);
		break;
	}
	return MNL_CB_OK;
}

/**
 * nl_link_parse() - parse an RTM_NEWLINK message
 * @nlh:	message, as long as its nlmsg_len says (checked by the caller,
 *		as mnl_cb_run() does)
 * @link:	filled in; the caller zeroes it first
 *
 * Return: 1 if @nlh described a link, 0 for another message type,
 *	   -EPROTO if it is truncated
 */
int nl_link_parse(const struct nlmsghdr *nlh, struct nl_link *link)
{
	const struct ifinfomsg *ifm;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return 0;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifm))
		return -EPROTO;
	ifm = mnl_nlmsg_get_payload(nlh);
	link->ifindex = ifm->ifi_index;
	link->flags = ifm->ifi_flags;
	if (mnl_attr_parse(nlh, sizeof(*ifm), nl_link_attr_cb, link) < 0)
		return -EPROTO;
	return 1;
}

/**
 * nl_link_cb() - parse an RTM_NEWLINK reply
 * @nlh:	message
 * @data:	struct nl_link to fill
 *
 * Return: MNL_CB_OK, or MNL_CB_ERROR for a truncated message
 */
static int nl_link_cb(const struct nlmsghdr *nlh, void *data)
{
	int rc = nl_link_parse(nlh, data);

	if (rc < 0) {
		errno = -rc;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

/**
 * nl_link_get() - look up a link by name
 * @nl:		socket
 * @name:	interface name
 * @link:	filled in
 *
 * Return: 0, -ENODEV if there is no such link, or another -errno
 */
int nl_link_get(struct nl *nl, const char *name, struct nl_link *link)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;

	memset(link, 0, sizeof(*link));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);

	return nl_request(nl, nlh, nl_link_cb, link);
}

/**
 * nl_link_set() - change a link's MAC, MTU, master and up state at once
 * @nl:		socket
 * @name:	interface name
 * @chg:	changes
 *
 * Return: 0, or -errno from the kernel
 */
int nl_link_set(struct nl *nl, const char *name,
		const struct nl_link_change *chg)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	if (chg->up) {
		ifm->ifi_flags = IFF_UP;
		ifm->ifi_change = IFF_UP;
	}
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	if (chg->set_addr)
		mnl_attr_put(nlh, IFLA_ADDRESS, sizeof(chg->addr), chg->addr);
	if (chg->mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, chg->mtu);
	if (chg->master)
		mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)chg->master);

	return nl_request(nl, nlh, NULL, NULL);
}

/**
 * nl_family_len() - length of an address of a family
 * @family:	AF_INET or AF_INET6
 *
 * Return: 4, 16, or 0 for another family
 */
size_t nl_family_len(int family)
{
	if (family == AF_INET)
		return 4;
	return family == AF_INET6 ? 16 : 0;
}

/**
 * nl_link_msg() - start an RTM_NEWLINK or RTM_DELLINK request for a name
 * @buf:	buffer of MNL_SOCKET_BUFFER_SIZE bytes
 * @type:	RTM_NEWLINK or RTM_DELLINK
 * @flags:	extra NLM_F_* flags
 * @name:	interface name
 *
 * Return: the message, with its ifinfomsg zeroed and IFLA_IFNAME added
 */
static struct nlmsghdr *nl_link_msg(char *buf, uint16_t type, uint16_t flags,
				    const char *name)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nlh;
}

/**
 * nl_link_set_master() - attach a link to a master, or detach it
 * @nl:		socket
 * @name:	interface name
 * @master:	ifindex of the new master (a bridge), 0 for none
 *
 * Return: 0, or -errno from the kernel
 */
int nl_link_set_master(struct nl *nl, const char *name, int master)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_link_msg(buf, RTM_NEWLINK, 0, name);

	mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)master);
	return nl_request(nl, nlh, NULL, NULL);
}

/**
 * nl_link_set_up() - bring a link up or down
 * @nl:		socket
 * @name:	interface name
 * @up:		non-zero for up, 0 for down
 *
 * Return: 0, or -errno from the kernel
 */
int nl_link_set_up(struct nl *nl, const char *name, int up)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_link_msg(buf, RTM_NEWLINK, 0, name);
	struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);

	ifm->ifi_change = IFF_UP;
	ifm->ifi_flags = up ? IFF_UP : 0;
	return nl_request(nl, nlh, NULL, NULL);
}

/**
 * nl_link_set_mtu() - set a link's MTU
 * @nl:		socket
 * @name:	interface name
 * @mtu:	new MTU
 *
 * Return: 0, or -errno from the kernel
 */
int nl_link_set_mtu(struct nl *nl, const char *name, unsigned int mtu)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_link_msg(buf, RTM_NEWLINK, 0, name);

	mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	return nl_request(nl, nlh, NULL, NULL);
}

/**
 * nl_bridge_add() - create a bridge, down, with STP off and no delay
 * @nl:		socket
 * @name:	bridge name
 * @mtu:	MTU, 0 for the kernel's default (1500)
 * @mac:	6-byte MAC address, or NULL to let the bridge pick one
 *
 * Return: 0, -EEXIST if a link of that name exists, or another -errno
 */
int nl_bridge_add(struct nl *nl, const char *name, unsigned int mtu,
		  const uint8_t *mac)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct nlattr *info, *data;

	nlh = nl_link_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, name);
	if (mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	if (mac)
		mnl_attr_put(nlh, IFLA_ADDRESS, 6, mac);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	mnl_attr_put_u32(nlh, IFLA_BR_STP_STATE, 0);
	mnl_attr_put_u32(nlh, IFLA_BR_FORWARD_DELAY, 0);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return nl_request(nl, nlh, NULL, NULL);
}

/**
 * nl_link_del() - delete a link
 * @nl:		socket
 * @name:	interface name
 *
 * Return: 0, -ENODEV if there is no such link, or another -errno
 */
int nl_link_del(struct nl *nl, const char *name)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];

	return nl_request(nl, nl_link_msg(buf, RTM_DELLINK, 0, name), NULL,
			  NULL);
}

/**
 * nl_vec_add() - append a zeroed element to a growable array
 * @arr:	the array (NULL when empty), reallocated as needed
 * @n:		number of elements, incremented
 * @size:	size of one element
 *
 * Capacity is implicit: the array grows to the next power of two whenever
 * @n reaches one.
 *
 * Return: the new element, or NULL (errno ENOMEM) with @arr unchanged
 */
void *nl_vec_add(void **arr, size_t *n, size_t size)
{
	char *p = *arr;

	if (*n == 0 || (*n & (*n - 1)) == 0) {
		size_t cap = *n ? *n * 2 : 4;

		if (cap > SIZE_MAX / size) {
			errno = ENOMEM;
			return NULL;
		}
		p = realloc(p, cap * size);
		if (!p)
			return NULL;
		*arr = p;
	}
	p += (*n)++ * size;
	memset(p, 0, size);
	return p;
}

/**
 * struct nl_dump_ctx - state of one dump
 * @parse:	parses one message into an element
 * @size:	size of an element
 * @arr:	the array being filled
 * @n:		number of elements in @arr
 * @err:	first error from @parse or from allocation
 */
struct nl_dump_ctx {
	nl_parse_fn parse;
	size_t size;
	void **arr;
	size_t *n;
	int err;
};

/**
 * nl_dump_cb() - append one dumped object to the array
 * @nlh:	message
 * @data:	struct nl_dump_ctx
 *
 * Return: MNL_CB_OK; errors are kept in the context until the dump ends
 */
static int nl_dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nl_dump_ctx *c = data;
	void *elem;
	int rc;

	if (c->err)
		return MNL_CB_OK;
	elem = nl_vec_add(c->arr, c->n, c->size);
	if (!elem) {
		c->err = -ENOMEM;
		return MNL_CB_OK;
	}
	rc = c->parse(nlh, elem);
	if (rc <= 0)
		(*c->n)--;
	if (rc < 0)
		c->err = rc;
	return MNL_CB_OK;
}

/**
 * nl_dump() - dump one kind of object into a growable array
 * @nl:		socket
 * @type:	RTM_GETLINK, RTM_GETADDR or RTM_GETROUTE (or, on a
 *		NETLINK_NETFILTER socket, an nf_tables GET)
 * @family:	AF_UNSPEC, AF_INET or AF_INET6 (NFPROTO_* for nf_tables)
 * @hdrlen:	size of the request's family header (ifinfomsg, ifaddrmsg,
 *		rtmsg, nfgenmsg); its first byte is the family
 * @parse:	fills a zeroed element from one message: 1 keeps it, 0 skips
 *		it, -errno ends the dump with that error
 * @size:	size of an element
 * @arr:	set to the array (free() it), NULL if empty
 * @n:		set to the number of elements
 *
 * Return: 0, or -errno (then *@arr is NULL and *@n is 0)
 */
int nl_dump(struct nl *nl, uint16_t type, uint8_t family, size_t hdrlen,
	    nl_parse_fn parse, size_t size, void **arr, size_t *n)
{
	struct nl_dump_ctx c = { parse, size, arr, n, 0 };
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int rc = 0, intr = 1, tries;

	*arr = NULL;
	*n = 0;
	for (tries = 0; intr && tries < NL_DUMP_TRIES; tries++) {
		struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
		uint8_t *hdr;

		free(*arr);
		*arr = NULL;
		*n = 0;
		c.err = 0;
		intr = 0;
		nlh->nlmsg_type = type;
		nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
		hdr = mnl_nlmsg_put_extra_header(nlh, hdrlen);
		hdr[0] = family;
		rc = nl_exchange(nl, nlh, nl_dump_cb, &c, &intr);
		if (!rc)
			rc = c.err;
		if (rc)
			break;
	}
	if (!rc && intr)
		rc = -EINTR;
	if (rc) {
		free(*arr);
		*arr = NULL;
		*n = 0;
	}
	return rc;
}

/**
 * nl_link_parse_cb() - nl_parse_fn for links
 * @nlh:	message
 * @elem:	struct nl_link
 *
 * Return: as nl_link_parse()
 */
static int nl_link_parse_cb(const struct nlmsghdr *nlh, void *elem)
{
	return nl_link_parse(nlh, elem);
}

/**
 * nl_link_dump() - list every link in the namespace
 * @nl:		socket
 * @links:	set to an array in ifindex order (free() it)
 * @n:		set to the number of links
 *
 * Return: 0, or -errno
 */
int nl_link_dump(struct nl *nl, struct nl_link **links, size_t *n)
{
	void *arr;
	int rc;

	rc = nl_dump(nl, RTM_GETLINK, AF_UNSPEC, sizeof(struct ifinfomsg),
		     nl_link_parse_cb, sizeof(struct nl_link), &arr, n);
	*links = arr;
	return rc;
}
