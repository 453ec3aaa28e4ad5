// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nl_addr.c - IPv4 and IPv6 addresses of links, through rtnetlink
 *
 * Theory of operation
 *
 * An address is read from an RTM_NEWADDR message into struct nl_addr with
 * every attribute needed to add it again exactly as it was, on the same
 * link or on another one:
 *
 * - family, prefix length, scope and link from the ifaddrmsg header;
 * - IFA_LOCAL and IFA_ADDRESS.  For IPv4, IFA_LOCAL is the address and
 *   IFA_ADDRESS the peer of a point-to-point address (the address again
 *   otherwise); for IPv6, IFA_ADDRESS is the address and IFA_LOCAL only
 *   appears with a peer.  Both are kept as they came;
 * - IFA_BROADCAST and IFA_LABEL (IPv4 only; "eth0:1" style aliases);
 * - IFA_CACHEINFO's remaining valid and preferred lifetimes, so a
 *   DHCP-given address that expires in an hour still does;
 * - IFA_FLAGS, the 32-bit form of ifa_flags;
 * - IFA_RT_PRIORITY, the metric of the prefix route the kernel adds with
 *   the address, and IFA_PROTO (Linux 6.1: who added the address).
 *
 * Not every flag can be given back.  IFA_F_SECONDARY follows from the
 * order in which IPv4 addresses of one subnet are added, IFA_F_PERMANENT
 * from the lifetimes, and tentative, deprecated and DAD-failed are states.
 * nl_addr_add() passes only NL_ADDR_SETTABLE, the flags the kernel accepts
 * from userspace (the IPv6 list in inet6_rtm_newaddr(); IPv4 stores what
 * it is given, and the same list is right for it).
 *
 * nl_addr_del() names an address by family, prefix, link, IFA_LOCAL and
 * IFA_ADDRESS, which is what the kernel matches on; lifetimes and label
 * play no part.
 */
#include <errno.h>
#include <string.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "nl_addr.h"

/* Flags userspace may set when adding an address. */
#define NL_ADDR_SETTABLE	(IFA_F_NODAD | IFA_F_OPTIMISTIC |	\
				 IFA_F_HOMEADDRESS | IFA_F_NOPREFIXROUTE | \
				 IFA_F_MANAGETEMPADDR | IFA_F_MCAUTOJOIN)

/**
 * nl_addr_make4() - describe a plain IPv4 address, as "ip addr add A/P brd +"
 * @a:		filled in; @a->ifindex is left 0 for the caller to set
 * @addr:	the address
 * @prefixlen:	prefix length, 0 to 32
 */
void nl_addr_make4(struct nl_addr *a, struct in_addr addr,
		   unsigned int prefixlen)
{
	uint32_t host = prefixlen >= 32 ? 0 : 0xffffffffU >> prefixlen;
	uint32_t brd = ntohl(addr.s_addr) | host;

	memset(a, 0, sizeof(*a));
	a->family = AF_INET;
	a->prefixlen = (uint8_t)(prefixlen > 32 ? 32 : prefixlen);
	a->scope = RT_SCOPE_UNIVERSE;
	a->has = NL_ADDR_LOCAL | NL_ADDR_ADDRESS;
	memcpy(a->local, &addr, 4);
	memcpy(a->address, &addr, 4);
	/* /31 and /32 have no broadcast address (RFC 3021) */
	if (prefixlen < 31) {
		brd = htonl(brd);
		memcpy(a->broadcast, &brd, 4);
		a->has |= NL_ADDR_BROADCAST;
	}
	a->valid = NL_ADDR_FOREVER;
	a->preferred = NL_ADDR_FOREVER;
}

/**
 * nl_addr_copy() - copy an address attribute of the expected length
 * @attr:	attribute
 * @dst:	destination
 * @len:	expected length
 *
 * Return: 1 if copied, 0 if the attribute has another length
 */
static int nl_addr_copy(const struct nlattr *attr, uint8_t *dst, size_t len)
{
	if (mnl_attr_get_payload_len(attr) != len)
		return 0;
	memcpy(dst, mnl_attr_get_payload(attr), len);
	return 1;
}

/**
 * nl_addr_attr_cb() - read one attribute of an RTM_NEWADDR message
 * @attr:	attribute
 * @data:	struct nl_addr, with @family set
 *
 * Return: MNL_CB_OK
 */
static int nl_addr_attr_cb(const struct nlattr *attr, void *data)
{
	struct nl_addr *a = data;
	size_t alen = nl_family_len(a->family);
	const struct ifa_cacheinfo *ci;
	size_t len;

	switch (mnl_attr_get_type(attr)) {
	case IFA_LOCAL:
		if (nl_addr_copy(attr, a->local, alen))
			a->has |= NL_ADDR_LOCAL;
		break;
	case IFA_ADDRESS:
		if (nl_addr_copy(attr, a->address, alen))
			a->has |= NL_ADDR_ADDRESS;
		break;
	case IFA_BROADCAST:
		if (a->family == AF_INET && nl_addr_copy(attr, a->broadcast, 4))
			a->has |= NL_ADDR_BROADCAST;
		break;
	case IFA_LABEL:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
			break;
		len = strlen(mnl_attr_get_str(attr));
		if (len <= IFNAME_MAX) {
			/* a repeated label leaves nothing of the first */
			memset(a->label, 0, sizeof(a->label));
			memcpy(a->label, mnl_attr_get_str(attr), len);
		}
		break;
	case IFA_CACHEINFO:
		if (mnl_attr_validate2(attr, MNL_TYPE_UNSPEC,
				       sizeof(*ci)) >= 0) {
			ci = mnl_attr_get_payload(attr);
			a->valid = ci->ifa_valid;
			a->preferred = ci->ifa_prefered;
		}
		break;
	case IFA_FLAGS:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
			a->flags = mnl_attr_get_u32(attr);
		break;
	case IFA_RT_PRIORITY:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0) {
			a->metric = mnl_attr_get_u32(attr);
			a->has |= NL_ADDR_METRIC;
		}
		break;
	case IFA_PROTO:
		if (mnl_attr_validate(attr, MNL_TYPE_U8) >= 0) {
			a->proto = mnl_attr_get_u8(attr);
			a->has |= NL_ADDR_PROTO;
		}
		break;
	}
	return MNL_CB_OK;
}

/**
 * nl_addr_parse() - parse an RTM_NEWADDR message
 * @nlh:	message, as long as its nlmsg_len says
 * @a:		filled in; the caller zeroes it first
 *
 * Return: 1 for an IPv4 or IPv6 address that has IFA_ADDRESS or IFA_LOCAL,
 *	   0 for another message or family, -EPROTO if it is truncated
 */
int nl_addr_parse(const struct nlmsghdr *nlh, struct nl_addr *a)
{
	const struct ifaddrmsg *ifa;

	if (nlh->nlmsg_type != RTM_NEWADDR)
		return 0;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifa))
		return -EPROTO;
	ifa = mnl_nlmsg_get_payload(nlh);
	if (!nl_family_len(ifa->ifa_family) ||
	    ifa->ifa_prefixlen > nl_family_len(ifa->ifa_family) * 8)
		return 0;
	a->family = ifa->ifa_family;
	a->prefixlen = ifa->ifa_prefixlen;
	a->scope = ifa->ifa_scope;
	a->ifindex = (int)ifa->ifa_index;
	a->flags = ifa->ifa_flags;
	a->valid = NL_ADDR_FOREVER;
	a->preferred = NL_ADDR_FOREVER;
	mnl_attr_parse(nlh, sizeof(*ifa), nl_addr_attr_cb, a);
	return (a->has & (NL_ADDR_LOCAL | NL_ADDR_ADDRESS)) ? 1 : 0;
}

/**
 * nl_addr_parse_cb() - nl_parse_fn for addresses
 * @nlh:	message
 * @elem:	struct nl_addr
 *
 * Return: as nl_addr_parse()
 */
static int nl_addr_parse_cb(const struct nlmsghdr *nlh, void *elem)
{
	return nl_addr_parse(nlh, elem);
}

/**
 * nl_addr_dump() - list addresses, in the kernel's order
 * @nl:		socket
 * @family:	AF_INET, AF_INET6, or AF_UNSPEC for both
 * @ifindex:	only this link's addresses, or 0 for every link's
 * @addrs:	set to an array (free() it)
 * @n:		set to the number of addresses
 *
 * Return: 0, or -errno
 */
int nl_addr_dump(struct nl *nl, int family, int ifindex,
		 struct nl_addr **addrs, size_t *n)
{
	struct nl_addr *a;
	size_t i, k = 0;
	void *arr;
	int rc;

	rc = nl_dump(nl, RTM_GETADDR, (uint8_t)family,
		     sizeof(struct ifaddrmsg), nl_addr_parse_cb,
		     sizeof(struct nl_addr), &arr, n);
	a = arr;
	for (i = 0; i < *n; i++)
		if (!ifindex || a[i].ifindex == ifindex)
			a[k++] = a[i];
	*n = k;
	*addrs = a;
	return rc;
}

/**
 * nl_addr_msg() - build an RTM_NEWADDR or RTM_DELADDR request
 * @buf:	buffer of MNL_SOCKET_BUFFER_SIZE bytes
 * @type:	RTM_NEWADDR or RTM_DELADDR
 * @flags:	extra NLM_F_* flags
 * @a:		the address
 *
 * Return: the message
 */
static struct nlmsghdr *nl_addr_msg(char *buf, uint16_t type, uint16_t flags,
				    const struct nl_addr *a)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	size_t alen = nl_family_len(a->family);
	struct ifaddrmsg *ifa;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = a->family;
	ifa->ifa_prefixlen = a->prefixlen;
	ifa->ifa_index = (uint32_t)a->ifindex;
	if (a->has & NL_ADDR_LOCAL)
		mnl_attr_put(nlh, IFA_LOCAL, alen, a->local);
	if (a->has & NL_ADDR_ADDRESS)
		mnl_attr_put(nlh, IFA_ADDRESS, alen, a->address);
	return nlh;
}

/**
 * nl_addr_add() - add an address with all its attributes
 * @nl:		socket
 * @a:		the address; @a->ifindex names the link
 *
 * Return: 0, -EEXIST if the link has it already, or another -errno
 */
int nl_addr_add(struct nl *nl, const struct nl_addr *a)
{
	struct ifa_cacheinfo ci = { .ifa_prefered = a->preferred,
				    .ifa_valid = a->valid };
	char buf[MNL_SOCKET_BUFFER_SIZE];
	uint32_t flags = a->flags & NL_ADDR_SETTABLE;
	struct ifaddrmsg *ifa;
	struct nlmsghdr *nlh;

	if (!nl_family_len(a->family))
		return -EAFNOSUPPORT;
	nlh = nl_addr_msg(buf, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, a);
	ifa = mnl_nlmsg_get_payload(nlh);
	ifa->ifa_scope = a->scope;
	ifa->ifa_flags = (uint8_t)flags;
	if (a->has & NL_ADDR_BROADCAST)
		mnl_attr_put(nlh, IFA_BROADCAST, 4, a->broadcast);
	if (a->family == AF_INET && a->label[0])
		mnl_attr_put_strz(nlh, IFA_LABEL, a->label);
	mnl_attr_put(nlh, IFA_CACHEINFO, sizeof(ci), &ci);
	mnl_attr_put_u32(nlh, IFA_FLAGS, flags);
	if (a->has & NL_ADDR_METRIC)
		mnl_attr_put_u32(nlh, IFA_RT_PRIORITY, a->metric);
	if (a->has & NL_ADDR_PROTO)
		mnl_attr_put_u8(nlh, IFA_PROTO, a->proto);
	return nl_request(nl, nlh, NULL, NULL);
}

/**
 * nl_addr_del() - remove an address
 * @nl:		socket
 * @a:		the address; @a->ifindex names the link
 *
 * Return: 0, -EADDRNOTAVAIL if the link does not have it, or another
 *	   -errno
 */
int nl_addr_del(struct nl *nl, const struct nl_addr *a)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];

	if (!nl_family_len(a->family))
		return -EAFNOSUPPORT;
	return nl_request(nl, nl_addr_msg(buf, RTM_DELADDR, 0, a), NULL, NULL);
}
