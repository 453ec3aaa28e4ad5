/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_NFT_H
#define TAPIR_NFT_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

/* Our tables are "inet tapir-NAME". */
#define NFT_TABLE_PREFIX	"tapir-"
/* Longest network name. */
#define NFT_NET_MAX		32
/* Longest nftables table or chain name (NFT_NAME_MAXLEN - 1). */
#define NFT_NAME_MAX		255

struct nft_ctx;
struct json_object;

enum nft_mode {
	NFT_NAT,
	NFT_ROUTED,
	NFT_ISOLATED,
	NFT_BRIDGE,
};

/**
 * struct nft_net - what the rules of one network are made from
 * @name:	network name: letters, digits, '_', '-', '.'
 * @mode:	nat, routed, isolated or (public) bridge
 * @bridge:	the network's bridge
 * @subnet:	the guests' subnet (host bits are ignored)
 * @prefixlen:	its prefix length
 * @host:	the host's address on the bridge (DNS is accepted there)
 */
struct nft_net {
	const char *name;
	enum nft_mode mode;
	const char *bridge;
	struct in_addr subnet;
	unsigned int prefixlen;
	struct in_addr host;
};

/**
 * struct nft - a libnftables context
 * @ctx:	the context
 * @err:	what libnftables said about the last command that failed
 */
struct nft {
	struct nft_ctx *ctx;
	char err[1024];
};

/**
 * struct nft_counts - what "tapir net status" shows of a table
 * @rules:	number of rules
 * @packets:	packets counted by all rules
 * @bytes:	bytes counted by all rules
 * @rejected:	packets counted by rules that reject or drop
 */
struct nft_counts {
	unsigned int rules;
	uint64_t packets;
	uint64_t bytes;
	uint64_t rejected;
};

/**
 * struct nft_drop - a chain of another program that drops our traffic
 * @family:	table family: "ip" or "inet"
 * @table:	table name
 * @chain:	chain name
 * @hook:	"forward" (guests' traffic through the host) or "input"
 *		(DHCP and DNS to the host)
 * @policy:	1 if the chain's policy is drop, 0 if a rule drops or
 *		rejects everything that reaches it, -1 if unknown
 *		(iptables-legacy)
 * @legacy:	1 for an iptables-legacy table, whose rules nftables cannot
 *		see; only its existence is known
 * @fix:	shell commands that let the bridge's traffic through, one a
 *		line
 */
struct nft_drop {
	char family[8];
	char table[NFT_NAME_MAX + 1];
	char chain[NFT_NAME_MAX + 1];
	char hook[8];
	int policy;
	int legacy;
	char fix[1024];
};

/**
 * struct nft_table - one nftables table, as nft_list_tables() finds it
 * @family:	"inet", "ip", "ip6", "arp", "bridge" or "netdev"
 * @name:	table name
 */
struct nft_table {
	char family[8];
	char name[NFT_NAME_MAX + 1];
};

int nft_open(struct nft *n);
void nft_close(struct nft *n);
int nft_ruleset(const struct nft_net *net, char *buf, size_t len);
int nft_apply(struct nft *n, const struct nft_net *net);
int nft_remove(struct nft *n, const char *name);
int nft_tables(char (*names)[NFT_NET_MAX + 1], size_t max);
int nft_list_tables(struct nft_table **tabs, size_t *n);
const char *nft_list_net(const struct nft_table *t);
struct nlmsghdr;
int nft_list_parse(const struct nlmsghdr *nlh, void *elem);	/* fuzzed */
int nft_count(struct nft *n, const char *name, struct nft_counts *c);
int nft_counts_from_json(const char *json, struct nft_counts *c);
int nft_foreign_drops(struct nft *n, const char *bridge, enum nft_mode mode,
		      struct nft_drop *out, size_t max);
char *nft_drop_describe(const struct nft_drop *d, const char *net);
int nft_drops_from_json(const char *json, const char *bridge,
			enum nft_mode mode, int brnf, struct nft_drop *out,
			size_t max);

/**
 * struct nft_buf - text being built, for nft_put()
 * @buf:	buffer
 * @len:	its size
 * @pos:	length of the text so far
 * @over:	set when the text did not fit
 */
struct nft_buf {
	char *buf;
	size_t len;
	size_t pos;
	int over;
};

/* Shared by nft.c and nft_drops.c. */
void nft_put(struct nft_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
struct json_object *nft_json_parse(const char *json);
struct json_object *nft_json_items(struct json_object *root);
struct json_object *nft_json_item(struct json_object *items, size_t i,
				  const char *kind);
const char *nft_json_str(struct json_object *o, const char *key);
int nft_run(struct nft *n, const char *cmd, int json, const char **out);

#endif /* TAPIR_NFT_H */
