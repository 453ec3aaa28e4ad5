/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_ACL_H
#define TAPIR_ACL_H

#include <stddef.h>
#include <sys/types.h>

#include "ifname.h"

/* Deepest include nesting accepted; the top file is depth 0. */
#define ACL_MAX_DEPTH		8
/* Longest line, without its newline (QEMU reads lines into 4096 bytes). */
#define ACL_LINE_MAX		4095
/* Longest user or group name in a qualifier. */
#define ACL_QUAL_MAX		32

enum acl_verb {
	ACL_ALLOW,
	ACL_DENY,
};

enum acl_qual {
	ACL_QUAL_NONE,
	ACL_QUAL_USER,
	ACL_QUAL_GROUP,
};

/**
 * struct acl_rule - one allow or deny line
 * @verb:	allow or deny
 * @all:	the rule names "all" bridges
 * @inert:	the name can never match a valid bridge (kept as QEMU does)
 * @name:	bridge name, when not @all
 * @qual:	user= or group= qualifier, if any
 * @qual_val:	the qualifier's user or group
 * @file:	file the rule came from
 * @line:	line number in @file
 */
struct acl_rule {
	enum acl_verb verb;
	int all;
	int inert;
	char name[IFNAME_MAX + 1];
	enum acl_qual qual;
	char qual_val[ACL_QUAL_MAX + 1];
	const char *file;
	unsigned int line;
};

/**
 * struct acl - rules read from an ACL file and its includes
 * @rule:	rules in file order
 * @nrules:	number of rules
 * @cap:	allocated slots in @rule
 * @files:	names of files read, owned here
 * @nfiles:	number of names in @files
 * @nwarn:	number of warnings issued while loading
 * @err:	message for the error that stopped loading, "file:line: ..."
 */
struct acl {
	struct acl_rule *rule;
	size_t nrules;
	size_t cap;
	char **files;
	size_t nfiles;
	unsigned int nwarn;
	char err[1024];
};

/**
 * struct acl_file_id - identity of a file, for include loop detection
 * @dev:	device
 * @ino:	inode
 */
struct acl_file_id {
	unsigned long long dev;
	unsigned long long ino;
};

/**
 * struct acl_reader - how ACL files are read
 * @read:	read all of @path into a malloc()ed @buf.  Return 0, or
 *		-ENOENT, -EACCES or -ENOTDIR for a file the caller may skip,
 *		or another -errno with a reason written to @why
 * @ctx:	passed to @read
 */
struct acl_reader {
	int (*read)(void *ctx, const char *path, char **buf, size_t *len,
		    struct acl_file_id *id, char *why, size_t whylen);
	void *ctx;
};

/**
 * struct acl_caller - who is asking, for user= and group= rules
 * @uid:	real user id
 * @user:	login name of @uid, or NULL if it has none
 * @gids:	primary and supplementary group ids
 * @groups:	names of @gids (entries may be NULL)
 * @ngids:	number of entries in @gids and @groups
 */
struct acl_caller {
	uid_t uid;
	const char *user;
	const gid_t *gids;
	const char *const *groups;
	size_t ngids;
};

/* Called for each rule that matched, in file order. */
typedef void (*acl_match_fn)(void *ctx, const struct acl_rule *rule);

extern const struct acl_reader acl_reader_fs;

void acl_init(struct acl *acl);
void acl_free(struct acl *acl);
int acl_load(struct acl *acl, const char *path, const struct acl_reader *rd);
int acl_decide(const struct acl *acl, const char *bridge,
	       const struct acl_caller *who, acl_match_fn fn, void *ctx);
void acl_rule_fmt(const struct acl_rule *rule, char *buf, size_t len);

#endif /* TAPIR_ACL_H */
