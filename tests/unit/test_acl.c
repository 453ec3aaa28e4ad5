// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_acl.c - unit tests of the ACL parser and decision (lib/acl.c)
 *
 * Files are served from memory by mem_read(), so every quirk of the line
 * syntax, includes, loops and qualifiers is tested without touching the
 * filesystem.  The last group tests the real reader's safety checks on
 * files it creates in a temporary directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <cmocka.h>

#include "acl.h"

struct memfile {
	const char *path;
	const char *data;
	int err;		/* returned instead of data when non-zero */
};

static const struct memfile *mem_files;

static int mem_read(void *ctx, const char *path, char **buf, size_t *len,
		    struct acl_file_id *id, char *why, size_t whylen)
{
	const struct memfile *f;

	(void)ctx;
	for (f = mem_files; f->path; f++) {
		if (strcmp(f->path, path))
			continue;
		if (f->err) {
			snprintf(why, whylen, "test refusal");
			return f->err;
		}
		*len = strlen(f->data);
		*buf = malloc(*len + 1);
		memcpy(*buf, f->data, *len + 1);
		id->dev = 1;
		id->ino = (unsigned long long)(f - mem_files) + 1;
		return 0;
	}
	return -ENOENT;
}

static const struct acl_reader mem_reader = { .read = mem_read };

static const gid_t alice_gids[] = { 1000, 27, 108 };
static const char *const alice_groups[] = { "alice", "sudo", "kvm" };
static const struct acl_caller alice = {
	.uid = 1000, .user = "alice",
	.gids = alice_gids, .groups = alice_groups, .ngids = 3,
};
static const gid_t bob_gids[] = { 1001 };
static const char *const bob_groups[] = { "bob" };
static const struct acl_caller bob = {
	.uid = 1001, .user = "bob",
	.gids = bob_gids, .groups = bob_groups, .ngids = 1,
};

/* Load files[0] and return the load result; the ACL stays for decide(). */
static int load(struct acl *acl, const struct memfile *files)
{
	mem_files = files;
	acl_init(acl);
	return acl_load(acl, files[0].path, &mem_reader);
}

static int allowed(const struct acl *acl, const char *br,
		   const struct acl_caller *who)
{
	return acl_decide(acl, br, who, NULL, NULL);
}

static void test_default_deny(void **state)
{
	const struct memfile f[] = { { "/m", "" }, { 0 } };
	struct acl acl;

	(void)state;
	assert_int_equal(load(&acl, f), 0);
	assert_false(allowed(&acl, "br0", &alice));
	acl_free(&acl);
}

static void test_allow_all_and_name(void **state)
{
	const struct memfile all[] = { { "/m", "allow all\n" }, { 0 } };
	const struct memfile one[] = { { "/m", "allow br0\n" }, { 0 } };
	struct acl acl;

	(void)state;
	assert_int_equal(load(&acl, all), 0);
	assert_true(allowed(&acl, "br0", &alice));
	assert_true(allowed(&acl, "virbr7", &bob));
	acl_free(&acl);

	assert_int_equal(load(&acl, one), 0);
	assert_true(allowed(&acl, "br0", &alice));
	assert_false(allowed(&acl, "br1", &alice));
	assert_false(allowed(&acl, "br", &alice));
	assert_false(allowed(&acl, "br00", &alice));
	acl_free(&acl);
}

static void test_deny_wins(void **state)
{
	const struct memfile a[] = { { "/m", "allow all\ndeny br0\n" }, { 0 } };
	const struct memfile b[] = { { "/m", "deny br0\nallow all\n" }, { 0 } };
	const struct memfile c[] = { { "/m", "deny all\nallow br0\n" }, { 0 } };
	const struct memfile d[] = { { "/m", "allow br0\ndeny br0\n" }, { 0 } };
	struct acl acl;

	(void)state;
	assert_int_equal(load(&acl, a), 0);
	assert_false(allowed(&acl, "br0", &alice));
	assert_true(allowed(&acl, "br1", &alice));
	acl_free(&acl);

	assert_int_equal(load(&acl, b), 0);
	assert_false(allowed(&acl, "br0", &alice));
	assert_true(allowed(&acl, "br1", &alice));
	acl_free(&acl);

	assert_int_equal(load(&acl, c), 0);
	assert_false(allowed(&acl, "br0", &alice));
	acl_free(&acl);

	assert_int_equal(load(&acl, d), 0);
	assert_false(allowed(&acl, "br0", &alice));
	acl_free(&acl);
}

static void test_whitespace_and_comments(void **state)
{
	const struct memfile f[] = { { "/m",
		"# a comment\n"
		"   # indented comment\n"
		"\n"
		"\t \n"
		"allow\tbr1\n"			/* tab separator */
		"  allow    br2   \n"		/* extra spaces */
		"allow br3\r\n"			/* CRLF */
		"allow br4"			/* no final newline */
	}, { 0 } };
	struct acl acl;

	(void)state;
	assert_int_equal(load(&acl, f), 0);
	assert_int_equal(acl.nrules, 4);
	assert_true(allowed(&acl, "br1", &alice));
	assert_true(allowed(&acl, "br2", &alice));
	assert_true(allowed(&acl, "br3", &alice));
	assert_true(allowed(&acl, "br4", &alice));
	assert_int_equal(acl.nwarn, 0);
	acl_free(&acl);
}

/* \f is whitespace to qemu-bridge-helper, \v is not (GLib's ASCII set). */
static void test_form_feed_and_vertical_tab(void **state)
{
	const struct memfile ff[] = { { "/m", "\fallow all\f\n" }, { 0 } };
	const struct memfile vt[] = { { "/m", "allow all\v\n" }, { 0 } };
	const struct memfile vt2[] = { { "/m", "\vallow all\n" }, { 0 } };
	struct acl acl;

	(void)state;
	assert_int_equal(load(&acl, ff), 0);
	assert_true(allowed(&acl, "br0", &alice));
	acl_free(&acl);

	assert_int_equal(load(&acl, vt), 0);
	assert_true(acl.rule[0].inert);
	assert_false(allowed(&acl, "br0", &alice));
	acl_free(&acl);

	assert_int_equal(load(&acl, vt2), -EINVAL);
	assert_non_null(strstr(acl.err, "unknown command '\vallow'"));
	acl_free(&acl);
}

/* QEMU compares the whole argument: a trailing comment makes it inert. */
static void test_trailing_comment_is_inert(void **state)
{
	const struct memfile f[] = { { "/m",
		"allow br0 # lab\n"
		"allow br1\n"
	}, { 0 } };
	struct acl acl;

	(void)state;
	assert_int_equal(load(&acl, f), 0);
	assert_int_equal(acl.nrules, 2);
	assert_true(acl.rule[0].inert);
	assert_false(allowed(&acl, "br0", &alice));
	assert_true(allowed(&acl, "br1", &alice));
	assert_int_equal(acl.nwarn, 1);
	acl_free(&acl);
}

/* The command ends at the first space even if a tab comes before it. */
static void test_space_before_tab_quirk(void **state)
{
	const struct memfile f[] = { { "/m", "allow\tbr0 x\n" }, { 0 } };
	struct acl acl;

	(void)state;
	assert_int_equal(load(&acl, f), -EINVAL);
	assert_non_null(strstr(acl.err, "/m:1:"));
	assert_non_null(strstr(acl.err, "unknown command 'allow\tbr0'"));
	acl_free(&acl);
}

static void test_syntax_errors_in_top_file(void **state)
{
	static const struct {
		const char *data;
		const char *msg;
	} cases[] = {
		{ "allow br0\nalow br1\n", "/m:2: unknown command 'alow'" },
		{ "allow\n", "/m:1: expected 'allow NAME'" },
		{ "deny\n", "/m:1: expected" },
		{ "\n\nallow abcdefghijklmnop\n", "/m:3: bridge name "
		  "'abcdefghijklmnop' is 16 bytes or longer" },
		{ "allow br0 user=a group=b\n", "/m:1: a rule takes at most "
		  "one" },
		{ "allow br0 user=\n", "/m:1: invalid user name" },
		{ "allow br0 group=a;b\n", "/m:1: invalid group name" },
		{ "allow abcdefghijklmnopq user=x\n", "/m:1: bridge name" },
		{ "allow br0 this is long junk\n", "/m:1: unexpected text" },
	};
	struct memfile f[] = { { "/m", NULL }, { 0 } };
	struct acl acl;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		f[0].data = cases[i].data;
		assert_int_equal(load(&acl, f), -EINVAL);
		if (!strstr(acl.err, cases[i].msg))
			fail_msg("case %zu: '%s' lacks '%s'", i, acl.err,
				 cases[i].msg);
		acl_free(&acl);
	}
}

static void test_long_line(void **state)
{
	char *big = malloc(ACL_LINE_MAX + 16);
	struct memfile f[] = { { "/m", NULL }, { 0 } };
	struct acl acl;

	(void)state;
	memset(big, '#', ACL_LINE_MAX + 1);
	strcpy(big + ACL_LINE_MAX + 1, "\n");
	f[0].data = big;
	assert_int_equal(load(&acl, f), -EINVAL);
	assert_non_null(strstr(acl.err, "/m:1: line is longer"));
	acl_free(&acl);

	/* exactly the limit is fine */
	big[ACL_LINE_MAX] = '\n';
	big[ACL_LINE_MAX + 1] = '\0';
	assert_int_equal(load(&acl, f), 0);
	acl_free(&acl);
	free(big);
}

/* mem_read() measures with strlen(), so a NUL byte needs its own reader */
static int nul_read(void *ctx, const char *path, char **buf, size_t *len,
		    struct acl_file_id *id, char *why, size_t whylen)
{
	static const char data[] = "allow br1\nallow br0\0 x\n";

	(void)ctx; (void)path; (void)why; (void)whylen;
	*len = sizeof(data) - 1;
	*buf = malloc(*len);
	memcpy(*buf, data, *len);
	id->dev = id->ino = 1;
	return 0;
}

static void test_nul_byte(void **state)
{
	const struct acl_reader rd = { .read = nul_read };
	struct acl acl;

	(void)state;
	acl_init(&acl);
	assert_int_equal(acl_load(&acl, "/n", &rd), -EINVAL);
	assert_non_null(strstr(acl.err, "/n:2: line contains a NUL byte"));
	acl_free(&acl);
}

static void test_include(void **state)
{
	const struct memfile f[] = {
		{ "/m", "allow br0\ninclude /i1\ninclude /missing\n"
			"include /noaccess\ninclude   /i2  \n" },
		{ "/i1", "allow br1\n" },
		{ "/noaccess", NULL, -EACCES },
		{ "/i2", "deny br0\n" },
		{ 0 } };
	struct acl acl;

	(void)state;
	assert_int_equal(load(&acl, f), 0);
	assert_int_equal(acl.nrules, 3);
	assert_false(allowed(&acl, "br0", &alice));	/* denied in /i2 */
	assert_true(allowed(&acl, "br1", &alice));
	assert_string_equal(acl.rule[1].file, "/i1");
	assert_int_equal(acl.rule[1].line, 1);
	assert_string_equal(acl.rule[2].file, "/i2");
	acl_free(&acl);
}

/* A syntax error ends the included file, keeping the rules before it. */
static void test_error_in_include(void **state)
{
	const struct memfile f[] = {
		{ "/m", "include /i\nallow br9\n" },
		{ "/i", "allow br1\nbogus line\nallow br2\n" },
		{ 0 } };
	struct acl acl;

	(void)state;
	assert_int_equal(load(&acl, f), 0);
	assert_true(allowed(&acl, "br1", &alice));
	assert_false(allowed(&acl, "br2", &alice));
	assert_true(allowed(&acl, "br9", &alice));
	assert_int_equal(acl.nwarn, 1);
	acl_free(&acl);
}

static void test_include_fatal(void **state)
{
	static const struct {
		struct memfile f[4];
		int rc;
		const char *msg;
	} cases[] = {
		{ { { "/m", "allow br0\ninclude rel.conf\n" }, { 0 } },
		  -EINVAL, "/m:2: include path 'rel.conf' is relative" },
		{ { { "/m", "include /a\n" }, { "/a", "include /m\n" }, { 0 } },
		  -ELOOP, "/a:1: include loop: /m is already being read" },
		{ { { "/m", "include /m\n" }, { 0 } },
		  -ELOOP, "/m:1: include loop" },
		/* a relative include inside an include is fatal too */
		{ { { "/m", "include /a\n" }, { "/a", "include a\n" }, { 0 } },
		  -EINVAL, "/a:1: include path 'a' is relative" },
		{ { { "/m", "include /a\n" }, { "/a", NULL, -EPERM }, { 0 } },
		  -EPERM, "/m:1: refusing included file /a: test refusal" },
		{ { { "/m", NULL, -EPERM }, { 0 } },
		  -EPERM, "refusing ACL file /m: test refusal" },
		{ { { "/nothere", NULL, -ENOENT }, { 0 } },
		  -ENOENT, "cannot read ACL file /nothere" },
	};
	struct acl acl;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(load(&acl, cases[i].f), cases[i].rc);
		if (!strstr(acl.err, cases[i].msg))
			fail_msg("case %zu: '%s' lacks '%s'", i, acl.err,
				 cases[i].msg);
		acl_free(&acl);
	}
}

/* Our own refusals are fatal in included files too: no rule is dropped. */
static int inc_nul_read(void *ctx, const char *path, char **buf, size_t *len,
			struct acl_file_id *id, char *why, size_t whylen)
{
	static const char top[] = "include /i\n";
	static const char inc[] = "allow br1\nallow br0\0 x\ndeny br1\n";
	int is_top = !strcmp(path, "/m");

	(void)ctx; (void)why; (void)whylen;
	*len = is_top ? sizeof(top) - 1 : sizeof(inc) - 1;
	*buf = malloc(*len);
	memcpy(*buf, is_top ? top : inc, *len);
	id->dev = 1;
	id->ino = is_top ? 1 : 2;
	return 0;
}

static void test_refusals_fatal_in_includes(void **state)
{
	const struct acl_reader rd = { .read = inc_nul_read };
	char *big = malloc(ACL_LINE_MAX + 32);
	struct memfile f[] = {
		{ "/m", "include /i\n" },
		{ "/i", NULL },
		{ 0 } };
	struct acl acl;

	(void)state;
	strcpy(big, "allow br0\n");
	memset(big + 10, 'x', ACL_LINE_MAX + 1);
	strcpy(big + 10 + ACL_LINE_MAX + 1, "\ndeny br0\n");
	f[1].data = big;
	assert_int_equal(load(&acl, f), -EINVAL);
	assert_non_null(strstr(acl.err, "/i:2: line is longer than 4095"));
	acl_free(&acl);
	free(big);

	acl_init(&acl);
	assert_int_equal(acl_load(&acl, "/m", &rd), -EINVAL);
	assert_non_null(strstr(acl.err, "/i:2: line contains a NUL byte"));
	acl_free(&acl);
}

static void test_include_depth(void **state)
{
	/* /d0 includes /d1 ... ; depth of /dN is N */
	static char names[12][8], data[12][32];
	struct memfile f[13];
	struct acl acl;
	int i, last;

	(void)state;
	for (last = ACL_MAX_DEPTH; last <= ACL_MAX_DEPTH + 1; last++) {
		memset(f, 0, sizeof(f));
		for (i = 0; i <= last; i++) {
			snprintf(names[i], sizeof(names[i]), "/d%d", i);
			if (i < last)
				snprintf(data[i], sizeof(data[i]),
					 "include /d%d\n", i + 1);
			else
				snprintf(data[i], sizeof(data[i]),
					 "allow br0\n");
			f[i].path = names[i];
			f[i].data = data[i];
		}
		if (last == ACL_MAX_DEPTH) {
			assert_int_equal(load(&acl, f), 0);
			assert_true(allowed(&acl, "br0", &alice));
		} else {
			assert_int_equal(load(&acl, f), -ELOOP);
			assert_non_null(strstr(acl.err, "nest deeper than 8"));
		}
		acl_free(&acl);
	}
}

static void test_include_diamond(void **state)
{
	const struct memfile f[] = {
		{ "/m", "include /a\ninclude /a\n" },
		{ "/a", "allow br0\n" },
		{ 0 } };
	struct acl acl;

	(void)state;
	assert_int_equal(load(&acl, f), 0);
	assert_int_equal(acl.nrules, 2);
	acl_free(&acl);
}

static void test_user_and_group(void **state)
{
	const struct memfile f[] = { { "/m",
		"allow br0 user=alice\n"
		"allow br1 user=1001\n"
		"allow br2 group=kvm\n"
		"allow br3 group=1001\n"
		"allow br4 group=alice\n"
		"allow all\n"
		"deny br5 user=bob\n"
		"deny all group=sudo\n"
	}, { 0 } };
	struct acl acl;

	(void)state;
	assert_int_equal(load(&acl, f), 0);
	assert_int_equal(acl.rule[0].qual, ACL_QUAL_USER);
	assert_string_equal(acl.rule[0].qual_val, "alice");
	assert_int_equal(acl.rule[2].qual, ACL_QUAL_GROUP);

	/* alice is in sudo: "deny all group=sudo" denies her everything */
	assert_false(allowed(&acl, "br0", &alice));
	assert_false(allowed(&acl, "br6", &alice));
	/* bob: allow all applies, except br5 */
	assert_true(allowed(&acl, "br1", &bob));
	assert_true(allowed(&acl, "br6", &bob));
	assert_false(allowed(&acl, "br5", &bob));
	acl_free(&acl);
}

static void test_qualifier_matching(void **state)
{
	const struct memfile f[] = { { "/m",
		"allow br0 user=alice\n"
		"allow br1 user=1001\n"
		"allow br2 group=kvm\n"	/* supplementary group of alice */
		"allow br3 group=1001\n"	/* bob's primary gid */
		"allow br4 group=alice\n"	/* alice's primary group */
		"allow all user=nosuchuser\n"
	}, { 0 } };
	struct acl acl;

	(void)state;
	assert_int_equal(load(&acl, f), 0);
	assert_true(allowed(&acl, "br0", &alice));
	assert_false(allowed(&acl, "br0", &bob));
	assert_true(allowed(&acl, "br1", &bob));
	assert_false(allowed(&acl, "br1", &alice));
	assert_true(allowed(&acl, "br2", &alice));
	assert_false(allowed(&acl, "br2", &bob));
	assert_true(allowed(&acl, "br3", &bob));
	assert_false(allowed(&acl, "br3", &alice));
	assert_true(allowed(&acl, "br4", &alice));
	assert_false(allowed(&acl, "br4", &bob));
	assert_false(allowed(&acl, "br9", &alice));
	acl_free(&acl);
}

static void test_inert_names(void **state)
{
	const struct memfile f[] = { { "/m",
		"allow \n"			/* empty argument */
		"allow br$x\n"			/* shell metacharacter */
		"allow a/b\n"
		"allow -br\n"
		"deny ALL\n"			/* case matters: a bridge named ALL */
		"allow all\n"
	}, { 0 } };
	struct acl acl;

	(void)state;
	assert_int_equal(load(&acl, f), 0);
	assert_int_equal(acl.nrules, 6);
	assert_true(acl.rule[0].inert);
	assert_true(acl.rule[1].inert);
	assert_true(acl.rule[2].inert);
	assert_true(acl.rule[3].inert);
	assert_false(acl.rule[4].inert);
	assert_false(acl.rule[4].all);
	assert_true(acl.rule[5].all);
	assert_int_equal(acl.nwarn, 4);
	assert_false(allowed(&acl, "ALL", &alice));
	assert_true(allowed(&acl, "all", &alice));
	acl_free(&acl);
}

struct seen {
	unsigned int lines[8];
	int n;
};

static void record(void *ctx, const struct acl_rule *r)
{
	struct seen *s = ctx;

	s->lines[s->n++] = r->line;
}

static void test_decide_reports_matches(void **state)
{
	const struct memfile f[] = { { "/m",
		"allow br0\nallow br1\nallow all\ndeny br0 user=bob\n"
	}, { 0 } };
	struct seen s = { { 0 }, 0 };
	struct acl acl;
	char text[64];

	(void)state;
	assert_int_equal(load(&acl, f), 0);
	assert_false(acl_decide(&acl, "br0", &bob, record, &s));
	assert_int_equal(s.n, 3);
	assert_int_equal(s.lines[0], 1);
	assert_int_equal(s.lines[1], 3);
	assert_int_equal(s.lines[2], 4);
	acl_rule_fmt(&acl.rule[3], text, sizeof(text));
	assert_string_equal(text, "deny br0 user=bob");
	acl_rule_fmt(&acl.rule[2], text, sizeof(text));
	assert_string_equal(text, "allow all");
	acl_free(&acl);
}

/* --- the real filesystem reader --- */

static char tmpdir[64];

static int fs_setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/tapir-acl-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	return chmod(tmpdir, 0755);
}

static int fs_teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd);
}

static void put(const char *name, const char *data, mode_t mode)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(data, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

static int fs_load(struct acl *acl, const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	acl_init(acl);
	return acl_load(acl, path, &acl_reader_fs);
}

static void test_fs_reader(void **state)
{
	char path[128], inc[256];
	struct acl acl;

	(void)state;
	if (geteuid() != 0)
		skip();	/* needs root-owned files */

	put("good.conf", "allow br0\n", 0644);
	assert_int_equal(fs_load(&acl, "good.conf"), 0);
	assert_true(allowed(&acl, "br0", &alice));
	acl_free(&acl);

	put("ww.conf", "allow all\n", 0646);
	assert_int_equal(fs_load(&acl, "ww.conf"), -EPERM);
	assert_non_null(strstr(acl.err, "ww.conf"));
	assert_non_null(strstr(acl.err, "world-writable"));
	acl_free(&acl);

	put("gw.conf", "allow all\n", 0664);
	snprintf(path, sizeof(path), "%s/gw.conf", tmpdir);
	assert_int_equal(chown(path, 0, 100), 0);
	assert_int_equal(fs_load(&acl, "gw.conf"), -EPERM);
	assert_non_null(strstr(acl.err, "writable by group 100"));
	acl_free(&acl);

	put("owned.conf", "allow all\n", 0644);
	snprintf(path, sizeof(path), "%s/owned.conf", tmpdir);
	assert_int_equal(chown(path, 65534, 0), 0);
	assert_int_equal(fs_load(&acl, "owned.conf"), -EPERM);
	assert_non_null(strstr(acl.err, "owned by uid 65534"));
	acl_free(&acl);

	/* an included file that others can write is refused, naming it */
	snprintf(inc, sizeof(inc), "include %s/ww.conf\n", tmpdir);
	put("top.conf", inc, 0644);
	assert_int_equal(fs_load(&acl, "top.conf"), -EPERM);
	assert_non_null(strstr(acl.err, "top.conf:1: refusing included file"));
	assert_non_null(strstr(acl.err, "ww.conf"));
	acl_free(&acl);

	/* a FIFO is refused at once, not waited on */
	snprintf(path, sizeof(path), "%s/fifo.conf", tmpdir);
	assert_int_equal(mkfifo(path, 0644), 0);
	assert_int_equal(fs_load(&acl, "fifo.conf"), -EINVAL);
	assert_non_null(strstr(acl.err, "not a regular file"));
	acl_free(&acl);

	/* a symbolic link to a safe file is fine */
	snprintf(path, sizeof(path), "%s/link.conf", tmpdir);
	snprintf(inc, sizeof(inc), "%s/good.conf", tmpdir);
	assert_int_equal(symlink(inc, path), 0);
	assert_int_equal(fs_load(&acl, "link.conf"), 0);
	acl_free(&acl);

	/* a directory others can write makes its files unsafe */
	snprintf(path, sizeof(path), "%s/open", tmpdir);
	assert_int_equal(mkdir(path, 0777), 0);
	assert_int_equal(chmod(path, 0777), 0);
	put("open/x.conf", "allow all\n", 0644);
	assert_int_equal(fs_load(&acl, "open/x.conf"), -EPERM);
	assert_non_null(strstr(acl.err, "its directory"));
	acl_free(&acl);

	/* ... unless it is sticky, like /tmp */
	assert_int_equal(chmod(path, 01777), 0);
	assert_int_equal(fs_load(&acl, "open/x.conf"), 0);
	acl_free(&acl);

	/* ... but a link a user planted there may point anywhere */
	snprintf(path, sizeof(path), "%s/open/planted.conf", tmpdir);
	snprintf(inc, sizeof(inc), "%s/good.conf", tmpdir);
	assert_int_equal(symlink(inc, path), 0);
	assert_int_equal(lchown(path, 65534, 65534), 0);
	assert_int_equal(fs_load(&acl, "open/planted.conf"), -EPERM);
	assert_non_null(strstr(acl.err, "planted.conf is owned by uid 65534"));
	acl_free(&acl);
	assert_int_equal(lchown(path, 0, 0), 0);
	assert_int_equal(fs_load(&acl, "open/planted.conf"), 0);
	acl_free(&acl);
}

/* A POSIX ACL xattr: version 2 header, then (tag, perm, id) entries. */
struct posix_acl_entry {
	uint16_t tag;
	uint16_t perm;
	uint32_t id;
};

static void test_fs_dir_posix_acl(void **state)
{
	const struct {
		uint32_t version;
		struct posix_acl_entry e[5];
	} xacl = { 2, {
		{ 0x01, 7, 0xffffffff },	/* user::rwx */
		{ 0x02, 7, 65534 },		/* user:nobody:rwx */
		{ 0x04, 5, 0xffffffff },	/* group::r-x */
		{ 0x10, 7, 0xffffffff },	/* mask::rwx */
		{ 0x20, 5, 0xffffffff },	/* other::r-x */
	} };
	char path[128];
	struct acl acl;

	(void)state;
	if (geteuid() != 0)
		skip();
	snprintf(path, sizeof(path), "%s/acldir", tmpdir);
	assert_int_equal(mkdir(path, 0755), 0);
	put("acldir/x.conf", "allow all\n", 0644);
	assert_int_equal(fs_load(&acl, "acldir/x.conf"), 0);
	acl_free(&acl);

	if (setxattr(path, "system.posix_acl_access", &xacl, sizeof(xacl), 0))
		skip();	/* filesystem without POSIX ACLs */
	assert_int_equal(fs_load(&acl, "acldir/x.conf"), -EPERM);
	assert_non_null(strstr(acl.err, "group-writable with a POSIX ACL"));
	acl_free(&acl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_deny),
		cmocka_unit_test(test_allow_all_and_name),
		cmocka_unit_test(test_deny_wins),
		cmocka_unit_test(test_whitespace_and_comments),
		cmocka_unit_test(test_form_feed_and_vertical_tab),
		cmocka_unit_test(test_trailing_comment_is_inert),
		cmocka_unit_test(test_space_before_tab_quirk),
		cmocka_unit_test(test_syntax_errors_in_top_file),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_include),
		cmocka_unit_test(test_error_in_include),
		cmocka_unit_test(test_include_fatal),
		cmocka_unit_test(test_refusals_fatal_in_includes),
		cmocka_unit_test(test_include_depth),
		cmocka_unit_test(test_include_diamond),
		cmocka_unit_test(test_user_and_group),
		cmocka_unit_test(test_qualifier_matching),
		cmocka_unit_test(test_inert_names),
		cmocka_unit_test(test_decide_reports_matches),
		cmocka_unit_test_setup_teardown(test_fs_reader, fs_setup,
						fs_teardown),
		cmocka_unit_test_setup_teardown(test_fs_dir_posix_acl, fs_setup,
						fs_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
