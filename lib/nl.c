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
 * the same either way.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <net/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "nl.h"

/**
 * nl_open() - open and bind an rtnetlink socket
 * @nl:		socket state to fill
 *
 * Return: 0, or -errno
 */
int nl_open(struct nl *nl)
{
	int rc;

	nl->sk = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
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
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int rc;

	nlh->nlmsg_seq = ++nl->seq;
	nlh->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(nl->sk, nlh, nlh->nlmsg_len) < 0)
		return -errno;

	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl->sk, buf, sizeof(buf));

		if (n < 0)
			return -errno;
		rc = mnl_cb_run(buf, (size_t)n, nlh->nlmsg_seq, nl->portid,
				cb, data);
		if (rc < 0)
			return -errno;
		if (rc == MNL_CB_STOP)
			return 0;
	}
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
 * nl_link_cb() - parse an RTM_NEWLINK reply
 * @nlh:	message
 * @data:	struct nl_link to fill
 *
 * Return: MNL_CB_OK, or MNL_CB_ERROR for a truncated message
 */
static int nl_link_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifm;
	struct nl_link *link = data;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifm)) {
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	ifm = mnl_nlmsg_get_payload(nlh);
	link->ifindex = ifm->ifi_index;
	link->flags = ifm->ifi_flags;
	mnl_attr_parse(nlh, sizeof(*ifm), nl_link_attr_cb, link);
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
