// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * acl.c - bridge access control lists in qemu-bridge-helper's format
 *
 * Theory of operation
 *
 * An ACL file is a list of lines:
 *
 *	allow NAME | allow all | deny NAME | deny all | include PATH
 *
 * plus '#' comments and blank lines.  tapir adds one qualifier to allow and
 * deny lines, "user=LOGIN" or "group=GROUP", so that a rule applies only to
 * that caller.
 *
 * The decision is QEMU's: a bridge is allowed if any matching allow rule
 * exists and no matching deny rule exists; deny wins, and the default is
 * deny.  For every file that qemu-bridge-helper accepts we make the same
 * decision, so the line syntax copies its parser's quirks:
 *
 * - leading whitespace is skipped, and '#' starts a comment only there;
 * - the command ends at the first space on the line or, if there is none,
 *   at the first tab (so "allow\tbr0 x" is the unknown command
 *   "allow\tbr0");
 * - the argument is trimmed of whitespace on both sides;
 * - a name of 16 bytes or more is an error;
 * - an included file that is missing or unreadable is skipped: the
 *   per-user trick of "include /etc/qemu/alice.conf" with that file mode
 *   0640 root:alice relies on it, since the helper reads files as the
 *   caller;
 * - a syntax error in an included file ends that file, but the rules read
 *   before it stay.  In the top file it is fatal.
 *
 * Where QEMU silently accepts a line that can never match (a trailing
 * "# comment", a name with characters Linux or tapir refuse), we keep the
 * rule as inert, so decisions stay the same, and warn with file:line.
 *
 * Deliberate differences, all failing closed and fatal wherever they
 * occur: relative include paths, include loops, nesting deeper than
 * ACL_MAX_DEPTH, lines longer than ACL_LINE_MAX, NUL bytes, files that are
 * not regular files, and files a non-root user can change - through their
 * owner, mode or POSIX ACL, through a directory on their path, or through a
 * symbolic link on their path that a non-root user owns (say, one planted
 * in /tmp).  QEMU resolves relative includes against the caller's working
 * directory, recurses through loops until it runs out of descriptors, and
 * reads a long line as several.
 *
 * Reading goes through struct acl_reader, so unit tests and the fuzzer can
 * serve files from memory; acl_reader_fs is the real one and performs the
 * ownership and permission checks.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "acl.h"
#include "log.h"

/* Largest ACL file read, to bound memory. */
#define ACL_FILE_MAX	(1024 * 1024)

/* Outcome of parsing one line: fine, or a syntax error (message set). */
#define ACL_LINE_OK	0
#define ACL_LINE_SYNTAX	1

/**
 * struct acl_load_ctx - state while loading one ACL and its includes
 * @acl:	rules and messages go here
 * @rd:		how files are read
 * @stack:	identities of the files being read, outermost first
 * @depth:	number of entries in @stack
 * @msg:	syntax error message for the current line
 */
struct acl_load_ctx {
	struct acl *acl;
	const struct acl_reader *rd;
	struct acl_file_id stack[ACL_MAX_DEPTH + 1];
	int depth;
	char msg[512];
};

static int acl_parse_file(struct acl_load_ctx *c, const char *path,
			  const char *from, unsigned int from_line);

/**
 * acl_isspace() - whitespace as qemu-bridge-helper sees it
 * @ch:		character
 *
 * QEMU 7.2 as Debian builds it treats space, \t, \n, \f and \r as
 * whitespace, but not \v: GLib's ASCII set, not the C library's.  We follow
 * the binary; tests/integration/helper-acl-qemu.sh checks it byte by byte.
 *
 * Return: non-zero for space, \t, \n, \f and \r
 */
static int acl_isspace(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\f' ||
	       ch == '\r';
}

/**
 * acl_init() - prepare an empty ACL
 * @acl:	the ACL
 */
void acl_init(struct acl *acl)
{
	memset(acl, 0, sizeof(*acl));
}

/**
 * acl_free() - release what acl_load() allocated
 * @acl:	the ACL, which is left empty
 */
void acl_free(struct acl *acl)
{
	size_t i;

	for (i = 0; i < acl->nfiles; i++)
		free(acl->files[i]);
	free(acl->files);
	free(acl->rule);
	acl_init(acl);
}

/**
 * acl_fail() - record the message of a fatal error
 * @acl:	the ACL
 * @rc:		-errno to return
 * @fmt:	printf format
 *
 * Return: @rc
 */
static int acl_fail(struct acl *acl, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int acl_fail(struct acl *acl, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(acl->err, sizeof(acl->err), fmt, ap);
	va_end(ap);
	return rc;
}

/**
 * acl_syntax() - record the message of a syntax error on the current line
 * @c:		load context
 * @fmt:	printf format
 *
 * Return: ACL_LINE_SYNTAX
 */
static int acl_syntax(struct acl_load_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int acl_syntax(struct acl_load_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->msg, sizeof(c->msg), fmt, ap);
	va_end(ap);
	return ACL_LINE_SYNTAX;
}

/**
 * acl_intern() - keep a copy of a file name for the lifetime of the ACL
 * @acl:	the ACL
 * @path:	name to keep
 *
 * Return: the copy, or NULL if out of memory
 */
static const char *acl_intern(struct acl *acl, const char *path)
{
	char **files;
	char *copy;

	files = realloc(acl->files, (acl->nfiles + 1) * sizeof(*files));
	if (!files)
		return NULL;
	acl->files = files;
	copy = strdup(path);
	if (!copy)
		return NULL;
	acl->files[acl->nfiles++] = copy;
	return copy;
}

/**
 * acl_add() - append a rule
 * @acl:	the ACL
 * @rule:	rule to copy in
 *
 * Return: 0, or -ENOMEM
 */
static int acl_add(struct acl *acl, const struct acl_rule *rule)
{
	if (acl->nrules == acl->cap) {
		size_t cap = acl->cap ? acl->cap * 2 : 16;
		struct acl_rule *r = realloc(acl->rule, cap * sizeof(*r));

		if (!r)
			return -ENOMEM;
		acl->rule = r;
		acl->cap = cap;
	}
	acl->rule[acl->nrules++] = *rule;
	return 0;
}

/**
 * acl_qual_value_ok() - validate the user or group name of a qualifier
 * @v:		the name
 *
 * Names are 1 to ACL_QUAL_MAX bytes of letters, digits, '.', '_', '-' and
 * '@' (for directory-service names), not starting with '-'.
 *
 * Return: 1 if valid, 0 if not
 */
static int acl_qual_value_ok(const char *v)
{
	size_t n = strlen(v), i;

	if (n == 0 || n > ACL_QUAL_MAX || v[0] == '-')
		return 0;
	for (i = 0; i < n; i++) {
		char ch = v[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' ||
		      ch == '-' || ch == '@'))
			return 0;
	}
	return 1;
}

/**
 * acl_set_name() - fill in the bridge part of a rule
 * @c:		load context, for warnings
 * @r:		rule being built; file and line are set
 * @name:	bridge name, "all", or text QEMU would take as a name
 * @whole:	the full argument, for messages
 *
 * Return: ACL_LINE_OK, or ACL_LINE_SYNTAX for a name of 16 bytes or more
 */
static int acl_set_name(struct acl_load_ctx *c, struct acl_rule *r,
			const char *name, const char *whole)
{
	const char *why;

	if (strlen(name) > IFNAME_MAX)
		return acl_syntax(c, "bridge name '%s' is 16 bytes or longer",
				  name);
	snprintf(r->name, sizeof(r->name), "%s", name);
	if (!strcmp(name, "all")) {
		r->all = 1;
		return ACL_LINE_OK;
	}
	if (ifname_check(name, &why)) {
		r->inert = 1;
		c->acl->nwarn++;
		if (!*whole)
			log_warn("%s:%u: no bridge name: this rule never "
				 "matches", r->file, r->line);
		else
			log_warn("%s:%u: '%s' is not a valid bridge name (%s): "
				 "this rule never matches", r->file, r->line,
				 whole, why);
	}
	return ACL_LINE_OK;
}

/**
 * acl_parse_rule() - parse the argument of an allow or deny line
 * @c:		load context
 * @r:		rule with verb, file and line set
 * @arg:	trimmed argument, modified in place
 *
 * "NAME", "all", and either followed by one "user=LOGIN" or "group=GROUP".
 * Other text after the name gives an inert rule, as QEMU would compare the
 * whole argument with the bridge name and never match.
 *
 * Return: ACL_LINE_OK or ACL_LINE_SYNTAX
 */
static int acl_parse_rule(struct acl_load_ctx *c, struct acl_rule *r,
			  char *arg)
{
	char whole[ACL_LINE_MAX + 1];
	char *name = arg, *rest = arg, *val;
	int quals = 0;

	snprintf(whole, sizeof(whole), "%s", arg);
	while (*rest && !acl_isspace(*rest))
		rest++;
	if (!*rest)
		return acl_set_name(c, r, name, whole);
	*rest++ = '\0';

	/* Everything after the name must be qualifiers for a qualified rule */
	for (val = rest; *val; ) {
		char *word = val, *end;

		while (acl_isspace(*word))
			word++;
		if (!*word)
			break;
		for (end = word; *end && !acl_isspace(*end); end++)
			;
		if (strncmp(word, "user=", 5) && strncmp(word, "group=", 6)) {
			quals = -1;
			break;
		}
		quals++;
		val = end;
	}

	if (quals < 0) {
		if (strlen(whole) > IFNAME_MAX)
			return acl_syntax(c, "unexpected text after bridge "
					  "name in '%s' (expected user=LOGIN "
					  "or group=GROUP)", whole);
		snprintf(r->name, sizeof(r->name), "%s", whole);
		r->inert = 1;
		c->acl->nwarn++;
		log_warn("%s:%u: '%s' is not a bridge name: this rule never "
			 "matches ('#' starts a comment only at the start of "
			 "a line)", r->file, r->line, whole);
		return ACL_LINE_OK;
	}
	if (quals > 1)
		return acl_syntax(c, "a rule takes at most one user= or "
				  "group= qualifier");

	while (acl_isspace(*rest))
		rest++;
	val = rest;
	while (*val && !acl_isspace(*val))
		val++;
	*val = '\0';
	if (!strncmp(rest, "user=", 5)) {
		r->qual = ACL_QUAL_USER;
		val = rest + 5;
	} else {
		r->qual = ACL_QUAL_GROUP;
		val = rest + 6;
	}
	if (!acl_qual_value_ok(val))
		return acl_syntax(c, "invalid %s name '%s' in '%s'",
				  r->qual == ACL_QUAL_USER ? "user" : "group",
				  val, whole);
	snprintf(r->qual_val, sizeof(r->qual_val), "%s", val);
	return acl_set_name(c, r, name, whole);
}

/**
 * acl_parse_line() - parse one line of an ACL file
 * @c:		load context
 * @file:	interned file name
 * @lineno:	line number
 * @line:	the line, NUL-terminated, without its newline; modified
 *
 * Return: ACL_LINE_OK, ACL_LINE_SYNTAX, or -errno for a fatal error
 */
static int acl_parse_line(struct acl_load_ctx *c, const char *file,
			  unsigned int lineno, char *line)
{
	struct acl_rule r = { .file = file, .line = lineno };
	char *cmd = line, *arg, *end;
	int rc;

	while (acl_isspace(*cmd))
		cmd++;
	if (*cmd == '#' || !*cmd)
		return ACL_LINE_OK;

	arg = strchr(cmd, ' ');
	if (!arg)
		arg = strchr(cmd, '\t');
	if (!arg)
		return acl_syntax(c, "expected 'allow NAME', 'deny NAME' or "
				  "'include PATH', got '%s'", cmd);
	*arg++ = '\0';
	while (acl_isspace(*arg))
		arg++;
	end = arg + strlen(arg);
	while (end > arg && acl_isspace(end[-1]))
		end--;
	*end = '\0';

	if (!strcmp(cmd, "include")) {
		if (arg[0] != '/')
			return acl_fail(c->acl, -EINVAL, "%s:%u: include path "
					"'%s' is relative: use an absolute path",
					file, lineno, arg);
		return acl_parse_file(c, arg, file, lineno);
	}
	if (!strcmp(cmd, "allow"))
		r.verb = ACL_ALLOW;
	else if (!strcmp(cmd, "deny"))
		r.verb = ACL_DENY;
	else
		return acl_syntax(c, "unknown command '%s' (expected allow, "
				  "deny or include)", cmd);

	rc = acl_parse_rule(c, &r, arg);
	if (rc != ACL_LINE_OK)
		return rc;
	if (acl_add(c->acl, &r))
		return acl_fail(c->acl, -ENOMEM, "out of memory");
	return ACL_LINE_OK;
}

/**
 * acl_parse_buf() - parse the lines of one file's contents
 * @c:		load context
 * @file:	interned file name
 * @buf:	contents
 * @len:	length of @buf
 *
 * A syntax error is fatal in the top file; in an included file it ends
 * that file with a warning, keeping the rules read before it.
 *
 * Return: 0, or -errno for a fatal error (message in the ACL)
 */
static int acl_parse_buf(struct acl_load_ctx *c, const char *file,
			 const char *buf, size_t len)
{
	char line[ACL_LINE_MAX + 1];
	unsigned int lineno = 0;
	size_t pos = 0;
	int rc;

	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;

		lineno++;
		/* Our own refusals are fatal at any depth, unlike QEMU's
		 * syntax errors: QEMU would read such lines differently,
		 * and skipping the rest of a file could drop deny rules. */
		if (n > ACL_LINE_MAX)
			return acl_fail(c->acl, -EINVAL, "%s:%u: line is "
					"longer than %d bytes", file, lineno,
					ACL_LINE_MAX);
		if (memchr(buf + pos, '\0', n))
			return acl_fail(c->acl, -EINVAL, "%s:%u: line contains "
					"a NUL byte", file, lineno);
		memcpy(line, buf + pos, n);
		line[n] = '\0';
		rc = acl_parse_line(c, file, lineno, line);
		if (rc < 0)
			return rc;
		if (rc == ACL_LINE_SYNTAX) {
			if (c->depth == 1)
				return acl_fail(c->acl, -EINVAL, "%s:%u: %s",
						file, lineno, c->msg);
			c->acl->nwarn++;
			log_warn("%s:%u: %s; ignoring the rest of this "
				 "included file", file, lineno, c->msg);
			return 0;
		}
		pos += n + 1;
	}
	return 0;
}

/**
 * acl_parse_file() - read and parse one file
 * @c:		load context
 * @path:	file to read
 * @from:	file whose include line named @path, or NULL for the top file
 * @from_line:	line of that include
 *
 * Return: 0, or -errno for a fatal error (message in the ACL)
 */
static int acl_parse_file(struct acl_load_ctx *c, const char *path,
			  const char *from, unsigned int from_line)
{
	struct acl_file_id id = { 0, 0 };
	char why[256] = "";
	const char *file;
	char *buf = NULL;
	size_t len = 0;
	int rc, i;

	if (c->depth > ACL_MAX_DEPTH)
		return acl_fail(c->acl, -ELOOP, "%s:%u: includes nest deeper "
				"than %d levels", from, from_line,
				ACL_MAX_DEPTH);

	rc = c->rd->read(c->rd->ctx, path, &buf, &len, &id, why, sizeof(why));
	if (rc == -ENOENT || rc == -EACCES || rc == -ENOTDIR) {
		if (!from)
			return acl_fail(c->acl, rc, "cannot read ACL file %s: "
					"%s", path, strerror(-rc));
		log_debug("%s:%u: skipping include %s: %s", from, from_line,
			  path, strerror(-rc));
		return 0;
	}
	if (rc < 0) {
		if (!from)
			return acl_fail(c->acl, rc, "refusing ACL file %s: %s",
					path, why[0] ? why : strerror(-rc));
		return acl_fail(c->acl, rc, "%s:%u: refusing included file "
				"%s: %s", from, from_line, path,
				why[0] ? why : strerror(-rc));
	}

	for (i = 0; i < c->depth; i++) {
		if (c->stack[i].dev == id.dev && c->stack[i].ino == id.ino) {
			rc = acl_fail(c->acl, -ELOOP, "%s:%u: include loop: %s "
				      "is already being read", from, from_line,
				      path);
			goto out;
		}
	}

	file = acl_intern(c->acl, path);
	if (!file) {
		rc = acl_fail(c->acl, -ENOMEM, "out of memory");
		goto out;
	}
	c->stack[c->depth++] = id;
	rc = acl_parse_buf(c, file, buf, len);
	c->depth--;
out:
	free(buf);
	return rc;
}

/**
 * acl_load() - read an ACL file and everything it includes
 * @acl:	initialised ACL; rules are appended
 * @path:	top file
 * @rd:		how to read files, usually &acl_reader_fs
 *
 * Return: 0, or -errno with a message naming file and line in @acl->err
 */
int acl_load(struct acl *acl, const char *path, const struct acl_reader *rd)
{
	struct acl_load_ctx c = { .acl = acl, .rd = rd };

	acl->err[0] = '\0';
	return acl_parse_file(&c, path, NULL, 0);
}

/**
 * acl_is_number() - tell whether a string is a decimal id
 * @s:		string
 * @val:	set to its value if it is
 *
 * Return: 1 if @s is all digits and fits in an id, 0 if not
 */
static int acl_is_number(const char *s, unsigned long *val)
{
	char *end;

	if (*s < '0' || *s > '9')
		return 0;
	errno = 0;
	*val = strtoul(s, &end, 10);
	return !*end && !errno && *val <= UINT_MAX;
}

/**
 * acl_qual_match() - tell whether a rule's qualifier covers the caller
 * @r:		rule
 * @who:	caller
 *
 * user= matches the login name or, if numeric, the uid.  group= matches a
 * name or, if numeric, an id among the caller's primary and supplementary
 * groups.
 *
 * Return: 1 if the rule applies to @who, 0 if not
 */
static int acl_qual_match(const struct acl_rule *r,
			  const struct acl_caller *who)
{
	unsigned long id = 0;
	size_t i;
	int num = acl_is_number(r->qual_val, &id);

	switch (r->qual) {
	case ACL_QUAL_NONE:
		return 1;
	case ACL_QUAL_USER:
		if (who->user && !strcmp(who->user, r->qual_val))
			return 1;
		return num && id == (unsigned long)who->uid;
	case ACL_QUAL_GROUP:
		for (i = 0; i < who->ngids; i++) {
			if (who->groups && who->groups[i] &&
			    !strcmp(who->groups[i], r->qual_val))
				return 1;
			if (num && id == (unsigned long)who->gids[i])
				return 1;
		}
		return 0;
	}
	return 0;
}

/**
 * acl_decide() - decide whether a caller may use a bridge
 * @acl:	loaded ACL
 * @bridge:	bridge name, already validated
 * @who:	caller
 * @fn:		called for each matching rule, may be NULL
 * @ctx:	passed to @fn
 *
 * Return: 1 if allowed (an allow rule matched and no deny rule did), 0 if
 *	   denied
 */
int acl_decide(const struct acl *acl, const char *bridge,
	       const struct acl_caller *who, acl_match_fn fn, void *ctx)
{
	int allowed = 0, denied = 0;
	size_t i;

	for (i = 0; i < acl->nrules; i++) {
		const struct acl_rule *r = &acl->rule[i];

		if (r->inert)
			continue;
		if (!r->all && strcmp(r->name, bridge))
			continue;
		if (!acl_qual_match(r, who))
			continue;
		if (fn)
			fn(ctx, r);
		if (r->verb == ACL_ALLOW)
			allowed = 1;
		else
			denied = 1;
	}
	return allowed && !denied;
}

/**
 * acl_rule_fmt() - write a rule the way it would appear in a file
 * @rule:	rule
 * @buf:	output
 * @len:	size of @buf
 */
void acl_rule_fmt(const struct acl_rule *rule, char *buf, size_t len)
{
	const char *verb = rule->verb == ACL_ALLOW ? "allow" : "deny";

	if (rule->qual == ACL_QUAL_NONE)
		snprintf(buf, len, "%s %s", verb, rule->name);
	else
		snprintf(buf, len, "%s %s %s=%s", verb, rule->name,
			 rule->qual == ACL_QUAL_USER ? "user" : "group",
			 rule->qual_val);
}

/**
 * acl_fs_unsafe() - tell whether a non-root user can change a file or dir
 * @st:		its status
 * @fd:		open descriptor for a regular file, or -1
 * @path:	its path, used to look for a POSIX ACL when @fd is -1
 * @why:	reason, written when unsafe
 * @whylen:	size of @why
 *
 * Unsafe: owned by a user other than root; world-writable, except a
 * directory with the sticky bit (/tmp), where others cannot replace
 * root's files; group-writable by a group other than root, or
 * group-writable through a POSIX ACL (whose mask shows as the group bits,
 * so a named user with write access sets S_IWGRP).
 *
 * Return: 1 if unsafe, 0 if only root can change it
 */
static int acl_fs_unsafe(const struct stat *st, int fd, const char *path,
			 char *why, size_t whylen)
{
	if (st->st_uid != 0) {
		snprintf(why, whylen, "owned by uid %u, not root, so a "
			 "non-root user can change it", (unsigned)st->st_uid);
		return 1;
	}
	if ((st->st_mode & S_IWOTH) &&
	    !(S_ISDIR(st->st_mode) && (st->st_mode & S_ISVTX))) {
		snprintf(why, whylen, "world-writable");
		return 1;
	}
	if ((st->st_mode & S_IWGRP) && st->st_gid != 0) {
		snprintf(why, whylen, "writable by group %u",
			 (unsigned)st->st_gid);
		return 1;
	}
	if ((st->st_mode & S_IWGRP) &&
	    (fd >= 0 ? fgetxattr(fd, "system.posix_acl_access", NULL, 0) :
	     getxattr(path, "system.posix_acl_access", NULL, 0)) > 0) {
		snprintf(why, whylen, "group-writable with a POSIX ACL");
		return 1;
	}
	return 0;
}

/**
 * acl_fs_check_dirs() - check that only root can change a path's directories
 * @real:	absolute path without symbolic links
 * @why:	reason, written when unsafe
 * @whylen:	size of @why
 *
 * Return: 0 if safe, -EPERM if a directory is unsafe, -errno from stat()
 */
static int acl_fs_check_dirs(const char *real, char *why, size_t whylen)
{
	char dir[PATH_MAX], reason[160];
	struct stat st;
	char *slash;

	snprintf(dir, sizeof(dir), "%s", real);
	for (;;) {
		slash = strrchr(dir, '/');
		if (!slash)
			return 0;
		if (slash == dir)
			slash[1] = '\0';
		else
			*slash = '\0';
		if (stat(dir, &st))
			return -errno;
		if (acl_fs_unsafe(&st, -1, dir, reason, sizeof(reason))) {
			snprintf(why, whylen, "its directory %s is %s", dir,
				 reason);
			return -EPERM;
		}
		if (slash == dir)
			return 0;
	}
}

/**
 * acl_fs_check_links() - refuse symbolic links owned by non-root users
 * @path:	absolute path as written in the ACL
 * @why:	reason, written when unsafe
 * @whylen:	size of @why
 *
 * A link's owner can point it anywhere, so a link a user planted in a
 * sticky directory such as /tmp would let that user choose which file is
 * read.  Only the components as written are checked; links inside a link's
 * target live in directories acl_fs_check_dirs() has approved.
 *
 * Return: 0 if safe, -EPERM if a component is a link a non-root user owns
 */
static int acl_fs_check_links(const char *path, char *why, size_t whylen)
{
	char prefix[PATH_MAX];
	struct stat st;
	size_t i, n = strlen(path);

	if (n >= sizeof(prefix))
		return -ENAMETOOLONG;
	for (i = 1; i <= n; i++) {
		if (i < n && path[i] != '/')
			continue;
		memcpy(prefix, path, i);
		prefix[i] = '\0';
		if (lstat(prefix, &st))
			return 0;	/* realpath() reports it */
		if (S_ISLNK(st.st_mode) && st.st_uid != 0) {
			snprintf(why, whylen, "the symbolic link %s is owned "
				 "by uid %u, not root", prefix,
				 (unsigned)st.st_uid);
			return -EPERM;
		}
	}
	return 0;
}

/**
 * acl_fs_read() - read an ACL file from the filesystem, checking its safety
 * @ctx:	unused
 * @path:	file to read
 * @buf:	set to the malloc()ed contents
 * @len:	set to their length
 * @id:		set to the file's device and inode
 * @why:	reason for a refusal
 * @whylen:	size of @why
 *
 * No component of the path as written may be a symbolic link a non-root
 * user owns.  The path is then resolved, and every directory on the
 * resolved path and the file itself must be changeable by root only.  The file must be
 * a regular file of at most ACL_FILE_MAX bytes.
 *
 * Return: 0, -ENOENT, -EACCES or -ENOTDIR (skippable), or another -errno
 */
static int acl_fs_read(void *ctx, const char *path, char **buf, size_t *len,
		       struct acl_file_id *id, char *why, size_t whylen)
{
	char real[PATH_MAX], reason[160];
	struct stat st;
	char *data = NULL;
	size_t n = 0;
	ssize_t got;
	int fd = -1, rc;

	(void)ctx;
	rc = acl_fs_check_links(path, why, whylen);
	if (rc)
		return rc;
	if (!realpath(path, real))
		return -errno;
	rc = acl_fs_check_dirs(real, why, whylen);
	if (rc)
		return rc;

	fd = open(real, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK |
		  O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		rc = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, whylen, "not a regular file");
		rc = -EINVAL;
		goto out;
	}
	if (acl_fs_unsafe(&st, fd, real, reason, sizeof(reason))) {
		snprintf(why, whylen, "it is %s", reason);
		rc = -EPERM;
		goto out;
	}
	if (st.st_size > ACL_FILE_MAX) {
		snprintf(why, whylen, "larger than %d bytes", ACL_FILE_MAX);
		rc = -EFBIG;
		goto out;
	}

	data = malloc((size_t)st.st_size + 1);
	if (!data) {
		rc = -ENOMEM;
		goto out;
	}
	while (n <= (size_t)st.st_size) {
		got = read(fd, data + n, (size_t)st.st_size + 1 - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = -errno;
			goto out;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	if (n > (size_t)st.st_size) {
		snprintf(why, whylen, "file grew while being read");
		rc = -EAGAIN;
		goto out;
	}

	*buf = data;
	*len = n;
	data = NULL;
	id->dev = st.st_dev;
	id->ino = st.st_ino;
	rc = 0;
out:
	free(data);
	close(fd);
	return rc;
}

const struct acl_reader acl_reader_fs = { .read = acl_fs_read };
