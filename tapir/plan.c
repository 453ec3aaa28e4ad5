// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * plan.c - turn a network's configuration into what "up" will do
 *
 * Theory of operation
 *
 * The configuration says what a network should be; some of it is only
 * known at "up" time, from the system:
 *
 * - an automatic address: the first /24 of the documented candidates
 *   (lib/subnet.c) that overlaps no address and no route on the host (the
 *   default route aside) and no other configured network.  The choice is
 *   remembered in STATEDIR/NAME.subnet and preferred next time while it is
 *   still free, so a network keeps its subnet - and guests their leases -
 *   across restarts and reboots; other automatic networks do not take it
 *   while it is down;
 * - a given address is refused when another interface has an address in
 *   the same subnet, where libvirt says "network is already in use";
 * - in bridge mode the uplink must exist, must not be another bridge's
 *   port, and lends the bridge its MTU unless "mtu" is set.
 *
 * Nothing here changes the system except the .subnet file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <net/if.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include "dir.h"
#include "log.h"
#include "nl_addr.h"
#include "nl_route.h"
#include "plan.h"
#include "subnet.h"

/**
 * plan_in_use() - IPv4 prefixes in use on the host: addresses and routes
 * @nl:		netlink socket
 * @out:	set to a malloc()ed array
 * @n:		set to its length
 * @ifindex:	set to the interface of each address, 0 for routes
 *
 * Return: 0, or -errno
 */
static int plan_in_use(struct nl *nl, struct inet_prefix **out, size_t *n,
		       int **ifindex)
{
	struct nl_addr *a = NULL;
	struct nl_route *r = NULL;
	size_t na = 0, nr = 0, i, k = 0;
	int rc;

	rc = nl_addr_dump(nl, AF_INET, 0, &a, &na);
	if (!rc)
		rc = nl_route_dump(nl, AF_INET, &r, &nr);
	if (rc)
		goto out;
	*out = calloc(na + nr + 1, sizeof(**out));
	*ifindex = calloc(na + nr + 1, sizeof(**ifindex));
	if (!*out || !*ifindex) {
		rc = -ENOMEM;
		goto out;
	}
	for (i = 0; i < na; i++) {
		uint32_t v;

		memcpy(&v, a[i].local, 4);
		(*out)[k].addr = ntohl(v);
		(*out)[k].len = a[i].prefixlen;
		(*ifindex)[k++] = a[i].ifindex;
	}
	for (i = 0; i < nr; i++) {
		uint32_t v;

		/* the default route, and the local table's host routes */
		if (!r[i].dst_len || r[i].table == 255)
			continue;
		memcpy(&v, r[i].dst, 4);
		(*out)[k].addr = ntohl(v);
		(*out)[k++].len = r[i].dst_len;
	}
	*n = k;
out:
	free(a);
	free(r);
	return rc;
}

/**
 * plan_remembered() - the subnet picked last time, if any
 * @path:	STATEDIR/NAME.subnet
 * @p:		set to it
 *
 * Return: 0, or -ENOENT if there is none or it is unreadable
 */
static int plan_remembered(const char *path, struct inet_prefix *p)
{
	char line[64], *nl;
	FILE *f = fopen(path, "re");
	int rc = -ENOENT;

	if (!f)
		return -ENOENT;
	if (fgets(line, sizeof(line), f)) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (!inet_prefix_parse(line, p, NULL))
			rc = 0;
	}
	fclose(f);
	return rc;
}

/**
 * plan_remember() - write down the subnet picked for a network
 * @statedir:	state directory, created if missing
 * @path:	STATEDIR/NAME.subnet
 * @p:		the subnet
 */
static void plan_remember(const char *statedir, const char *path,
			  const struct inet_prefix *p)
{
	char buf[INET_PREFIX_STRLEN];
	FILE *f;

	if (dir_make(statedir))
		return;
	f = fopen(path, "we");
	if (!f)
		return;
	fprintf(f, "%s\n", inet_prefix_fmt(p, buf, sizeof(buf)));
	fclose(f);
}

/**
 * plan_address() - pick or check the network's address
 * @c:		configuration (other networks' subnets are taken)
 * @p:		plan; an automatic address is assigned here
 * @nl:		netlink socket
 * @statedir:	state directory
 * @err:	message on failure
 * @len:	size of @err
 *
 * Return: 0, or -errno with @err set
 */
static int plan_address(const struct conf *c, struct plan *p, struct nl *nl,
			const char *statedir, char *err, size_t len)
{
	struct conf_net *n = &p->net;
	struct inet_prefix *in_use = NULL, *taken = NULL, pick, old;
	char path[4096], a[INET_PREFIX_STRLEN], b[INET_PREFIX_STRLEN];
	char where[256], ifname[IFNAME_MAX + 1];
	size_t nuse = 0, ntaken = 0, i;
	int *ifindex = NULL, rc;

	rc = plan_in_use(nl, &in_use, &nuse, &ifindex);
	if (rc) {
		snprintf(err, len, "cannot list the host's addresses and "
			 "routes: %s", strerror(-rc));
		goto out;
	}

	if (n->addr_state == CONF_ADDR_SET) {
		struct inet_prefix net = n->addr;

		net.addr = inet_prefix_network(&n->addr);
		for (i = 0; i < nuse; i++) {
			if (!ifindex[i] || !inet_prefix_overlap(&net,
								&in_use[i]))
				continue;
			if (!if_indextoname((unsigned)ifindex[i], ifname))
				snprintf(ifname, sizeof(ifname), "?");
			snprintf(err, len, "address %s (%s) is in use: %s has "
				 "%s; choose another subnet",
				 inet_prefix_fmt(&n->addr, a, sizeof(a)),
				 conf_loc_fmt(conf_net_loc(n, CONF_K_ADDRESS),
					      where, sizeof(where)),
				 ifname, inet_prefix_fmt(&in_use[i], b,
							 sizeof(b)));
			rc = -EADDRINUSE;
			goto out;
		}
		goto out;
	}
	if (n->addr_state != CONF_ADDR_AUTO)
		goto out;

	taken = calloc(c->nnets + 1, sizeof(*taken));
	if (!taken) {
		rc = -ENOMEM;
		goto out;
	}
	for (i = 0; i < c->nnets; i++) {
		const struct conf_net *o = &c->net[i];

		if (!strcmp(o->name, n->name))
			continue;
		if (o->addr_state == CONF_ADDR_SET ||
		    o->addr_state == CONF_ADDR_PICKED) {
			taken[ntaken++] = o->addr;
		} else if (o->addr_state == CONF_ADDR_AUTO) {
			/* another automatic network keeps its subnet too,
			 * even while it is down */
			snprintf(path, sizeof(path), "%s/%s.subnet",
				 statedir, o->name);
			if (!plan_remembered(path, &old))
				taken[ntaken++] = old;
		}
	}

	snprintf(path, sizeof(path), "%s/%s.subnet", statedir, n->name);
	rc = -EADDRNOTAVAIL;
	if (!plan_remembered(path, &old)) {
		struct subnet_pool again = { .block = old, .len = old.len };

		rc = subnet_pick(&again, 1, in_use, nuse, taken, ntaken,
				 &pick);
	}
	if (rc)
		rc = subnet_pick(subnet_pools, subnet_npools, in_use, nuse,
				 taken, ntaken, &pick);
	if (rc) {
		snprintf(err, len, "no free subnet for network %s: every "
			 "candidate overlaps an address or route of this host; "
			 "set 'address' in [network %s]", n->name, n->name);
		goto out;
	}
	rc = conf_net_assign(n, &pick);
	if (rc) {
		snprintf(err, len, "cannot use subnet %s for network %s",
			 inet_prefix_fmt(&pick, a, sizeof(a)), n->name);
		goto out;
	}
	plan_remember(statedir, path, &pick);
out:
	free(in_use);
	free(ifindex);
	free(taken);
	return rc;
}

/**
 * plan_make() - work out how a network will be brought up
 * @c:		loaded configuration
 * @name:	network name
 * @nl:		netlink socket, for what the system has
 * @statedir:	state directory (remembered subnets)
 * @p:		filled in
 * @err:	message on failure
 * @len:	size of @err
 *
 * Return: 0, or -errno with @err set
 */
int plan_make(const struct conf *c, const char *name, struct nl *nl,
	      const char *statedir, struct plan *p, char *err, size_t len)
{
	const struct conf_net *n = conf_net(c, name);
	char where[256];
	struct nl_link up;
	int rc;

	memset(p, 0, sizeof(*p));
	if (!n) {
		snprintf(err, len, "no network named '%s' in %s", name,
			 c->file ? c->file : "the configuration");
		return -ENOENT;
	}
	p->net = *n;
	p->mtu = n->mtu;

	if (n->mode == CONF_BRIDGE) {
		rc = nl_link_get(nl, n->uplink, &up);
		if (rc) {
			snprintf(err, len, "uplink %s (%s) %s", n->uplink,
				 conf_loc_fmt(conf_net_loc(n, CONF_K_UPLINK),
					      where, sizeof(where)),
				 rc == -ENODEV ? "does not exist" :
				 strerror(-rc));
			return rc;
		}
		if (up.master) {
			snprintf(err, len, "uplink %s (%s) is already a port "
				 "of another bridge", n->uplink,
				 conf_loc_fmt(conf_net_loc(n, CONF_K_UPLINK),
					      where, sizeof(where)));
			return -EBUSY;
		}
		if (n->mtu == CONF_MTU_AUTO)	/* the uplink's */
			p->mtu = up.mtu;
		return 0;
	}
	return plan_address(c, p, nl, statedir, err, len);
}
