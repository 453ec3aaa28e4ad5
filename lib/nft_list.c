// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nft_list.c - which nftables tables exist, read over nfnetlink
 *
 * Theory of operation
 *
 * Listing the tables is the one firewall question tapir asks on every
 * "net up" and every "net status" (nft_drops.c looks at every table that
 * is not tapir's; nft_tables() finds tapir's own).  libnftables 1.0.6
 * answers "list tables" by filling its whole cache, which means one
 * unfiltered rule dump per table: with 100 networks up that is 100 dumps
 * of every rule of every table, about 190 ms on a small machine, and it
 * grows with the square of the number of networks.
 *
 * The kernel itself can answer with one NFT_MSG_GETTABLE dump, a few
 * hundred bytes per table.  This file sends that dump through libmnl (the
 * same code as rtnetlink dumps, nl_dump(), on a NETLINK_NETFILTER socket)
 * and reads each table's family from the nfgenmsg header and its name from
 * NFTA_TABLE_NAME, through libmnl's validating accessors.  Everything that
 * changes rules, and every listing of one table's rules, still goes
 * through libnftables, where a listing of one named table is filtered and
 * cheap.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>	/* before linux/netfilter.h, which has linux/in.h */
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>

#include "nft.h"
#include "nl.h"

/**
 * nft_list_family() - nft's name for an nfnetlink protocol family
 * @family:	NFPROTO_*
 *
 * Return: "inet", "ip", "ip6", "arp", "bridge" or "netdev"; NULL for
 *	   another value
 */
static const char *nft_list_family(uint8_t family)
{
	switch (family) {
	case NFPROTO_INET:	return "inet";
	case NFPROTO_IPV4:	return "ip";
	case NFPROTO_IPV6:	return "ip6";
	case NFPROTO_ARP:	return "arp";
	case NFPROTO_BRIDGE:	return "bridge";
	case NFPROTO_NETDEV:	return "netdev";
	}
	return NULL;
}

/**
 * nft_list_attr_cb() - keep NFTA_TABLE_NAME if it is a valid string
 * @attr:	attribute
 * @data:	const char * to set
 *
 * Return: MNL_CB_OK
 */
static int nft_list_attr_cb(const struct nlattr *attr, void *data)
{
	const char **name = data;

	if (mnl_attr_get_type(attr) == NFTA_TABLE_NAME &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
		*name = mnl_attr_get_str(attr);
	return MNL_CB_OK;
}

/**
 * nft_list_parse() - nl_parse_fn for one NFT_MSG_NEWTABLE message
 * @nlh:	message
 * @elem:	struct nft_table to fill
 *
 * Return: 1 for a table, 0 to skip a message that is not one (another
 *	   type, an unknown family, no name or a name too long for nft)
 */
int nft_list_parse(const struct nlmsghdr *nlh, void *elem)
{
	struct nft_table *t = elem;
	const struct nfgenmsg *g;
	const char *name = NULL, *family;

	if (nlh->nlmsg_type != ((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWTABLE) ||
	    nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*g)))
		return 0;
	g = mnl_nlmsg_get_payload(nlh);
	family = nft_list_family(g->nfgen_family);
	if (!family ||
	    mnl_attr_parse(nlh, sizeof(*g), nft_list_attr_cb, &name) < 0 ||
	    !name || !*name || strlen(name) > NFT_NAME_MAX)
		return 0;
	strcpy(t->family, family);
	strcpy(t->name, name);
	return 1;
}

/**
 * nft_list_net() - the network a table belongs to, by its name
 * @t:		a table nft_list_tables() found
 *
 * Return: the name after the prefix of an "inet tapir-NAME" table (not
 *	   checked further), or NULL for another program's table
 */
const char *nft_list_net(const struct nft_table *t)
{
	size_t plen = strlen(NFT_TABLE_PREFIX);

	if (strcmp(t->family, "inet") ||
	    strncmp(t->name, NFT_TABLE_PREFIX, plen))
		return NULL;
	return t->name + plen;
}

/**
 * nft_list_tables() - every nftables table of the current namespace
 * @tabs:	set to the array (free() it), NULL if there is none
 * @n:		set to the number of tables
 *
 * Return: 0, or -errno (-EPERM without CAP_NET_ADMIN)
 */
int nft_list_tables(struct nft_table **tabs, size_t *n)
{
	struct nl nl;
	void *arr;
	int rc;

	*tabs = NULL;
	*n = 0;
	rc = nl_open_bus(&nl, NETLINK_NETFILTER);
	if (rc)
		return rc;
	rc = nl_dump(&nl, (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETTABLE,
		     NFPROTO_UNSPEC, sizeof(struct nfgenmsg), nft_list_parse,
		     sizeof(struct nft_table), &arr, n);
	nl_close(&nl);
	if (!rc)
		*tabs = arr;
	return rc;
}
