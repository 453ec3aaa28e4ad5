// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_conf.c - unit tests of tapir.conf parsing (lib/conf.c)
 *
 * Most cases are golden files in tests/unit/conf/: NAME.conf is parsed
 * under the name "NAME.conf"; files named ok-*.conf must load, and their
 * conf_print() output must equal NAME.out byte for byte; every other file
 * must fail, with the message in NAME.err (one line).  The directory comes
 * from $TAPIR_SRC (set by tests/unit/meson.build).  With
 * TAPIR_GOLDEN_UPDATE=1 the expected files are rewritten from the current
 * output instead: review the diff before committing it.
 *
 * The C tests below cover what golden files cannot hold well: exact line
 * numbers after every kind of line, the line length limit, NUL bytes,
 * reading real files, limits, locations, re-reading conf_print() output,
 * and the automatic subnet handed to conf_net_assign().
 */
#include <dirent.h>
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
#include <unistd.h>
#include <cmocka.h>

#include "conf.h"
#include "subnet.h"

/* Read a whole file; NULL if it does not exist. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void spit(const char *path, const char *data)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	fputs(data, f);
	assert_int_equal(fclose(f), 0);
}

/* conf_print() into a malloc()ed string. */
static char *printed(const struct conf *c)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	assert_non_null(f);
	conf_print(f, c);
	assert_int_equal(fclose(f), 0);
	return out;
}

/* Load a string; returns the result, the configuration stays in @c. */
static int load(struct conf *c, const char *text)
{
	conf_init(c);
	return conf_load_buf(c, "t.conf", text, strlen(text));
}

/* Load a string that must fail, and compare the message. */
static void expect_err(const char *text, const char *msg)
{
	struct conf c;

	if (load(&c, text) != -EINVAL)
		fail_msg("loaded, expected '%s'", msg);
	if (strcmp(c.err, msg))
		fail_msg("got      '%s'\nexpected '%s'", c.err, msg);
	assert_int_equal(c.nnets, 0);
	conf_free(&c);
}

static int golden_filter(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 5 && !strcmp(d->d_name + n - 5, ".conf");
}

/* Compare a golden file, or rewrite it in update mode. */
static int golden_check(const char *path, const char *got, int update)
{
	size_t len;
	char *want = slurp(path, &len);
	int ok = want && !strcmp(want, got);

	if (!ok && update) {
		spit(path, got);
		ok = 1;
	} else if (!ok) {
		print_error("%s differs\n--- expected\n%s--- got\n%s", path,
			    want ? want : "(missing file)\n", got);
	}
	free(want);
	return ok;
}

/* Called for each golden file with its name and contents. */
typedef void golden_fn(const char *dir, const char *name, const char *text,
		       size_t len, int *bad);

/* Run @fn on every NAME.conf of the golden directory; return the count. */
static int golden_each(golden_fn *fn, int *bad)
{
	const char *src = getenv("TAPIR_SRC");
	char dir[4096], path[4400];
	struct dirent **ent;
	int n, i;

	if (!src)
		skip();
	snprintf(dir, sizeof(dir), "%s/tests/unit/conf", src);
	n = scandir(dir, &ent, golden_filter, alphasort);
	assert_true(n > 100);
	for (i = 0; i < n; i++) {
		size_t len;
		char *text;

		snprintf(path, sizeof(path), "%s/%s", dir, ent[i]->d_name);
		text = slurp(path, &len);
		assert_non_null(text);
		fn(dir, ent[i]->d_name, text, len, bad);
		free(text);
		free(ent[i]);
	}
	free(ent);
	return n;
}

/* ok-NAME.conf loads and prints NAME.out; others fail with NAME.err */
static void golden_one(const char *dir, const char *name, const char *text,
		       size_t len, int *bad)
{
	const char *update = getenv("TAPIR_GOLDEN_UPDATE");
	int ok_case = !strncmp(name, "ok-", 3);
	size_t base = strlen(name) - 5;
	char exp[4400], *out;
	struct conf c;
	int rc;

	conf_init(&c);
	rc = conf_load_buf(&c, name, text, len);
	snprintf(exp, sizeof(exp), "%s/%.*s.%s", dir, (int)base, name,
		 ok_case ? "out" : "err");
	if (ok_case && rc) {
		print_error("%s: unexpected error: %s\n", name, c.err);
		(*bad)++;
	} else if (!ok_case && !rc) {
		print_error("%s: loaded, but should fail\n", name);
		(*bad)++;
	} else {
		if (ok_case)
			out = printed(&c);
		else if (asprintf(&out, "%s\n", c.err) < 0)
			out = NULL;
		assert_non_null(out);
		*bad += !golden_check(exp, out, update && *update == '1');
		free(out);
	}
	conf_free(&c);
}

static void test_golden(void **state)
{
	int n, bad = 0;

	(void)state;
	n = golden_each(golden_one, &bad);
	if (bad)
		fail_msg("%d of %d golden files failed", bad, n);
}

/* A configuration that loads prints as text that loads to the same. */
static void reread_one(const char *dir, const char *name, const char *text,
		       size_t len, int *count)
{
	char *out, *out2;
	struct conf a, b;
	size_t j;

	(void)dir;
	if (strncmp(name, "ok-", 3))
		return;
	conf_init(&a);
	assert_int_equal(conf_load_buf(&a, "a", text, len), 0);
	out = printed(&a);
	if (load(&b, out))
		fail_msg("%s: printed form does not load: %s\n%s", name,
			 b.err, out);
	assert_int_equal(a.nnets, b.nnets);
	for (j = 0; j < a.nnets; j++)
		if (!conf_net_equal(&a.net[j], &b.net[j]))
			fail_msg("%s: network %s differs after re-reading",
				 name, a.net[j].name);
	/* The third generation prints exactly as the second */
	out2 = printed(&b);
	assert_int_equal(conf_load_buf(&a, "t.conf", out2, strlen(out2)), 0);
	free(out);
	out = printed(&a);
	assert_string_equal(strchr(out, '\n'), strchr(out2, '\n'));
	(*count)++;
	free(out);
	free(out2);
	conf_free(&a);
	conf_free(&b);
}

static void test_golden_reread(void **state)
{
	int count = 0;

	(void)state;
	golden_each(reread_one, &count);
	assert_true(count >= 10);
}

/*
 * Line numbers stay exact after every kind of line that produces no call
 * to the handler: blank, whitespace-only, comments of both kinds, indented
 * comments, an inline comment, CRLF endings, a UTF-8 byte order mark on
 * line 1, and lines up to the longest allowed.
 */
static void test_line_numbers(void **state)
{
	static const char *const filler[] = {
		"\n", "   \n", "\t\n", "# hash\n", "; semicolon\n",
		"   # indented\n", "\t; tab indented\n", "\r\n",
		"mtu = 1400 ; inline\n", "dns = on\r\n",
	};
	const size_t nf = sizeof(filler) / sizeof(filler[0]);
	char text[8192], want[128];
	size_t i, k;

	(void)state;
	for (i = 0; i < 60; i++) {
		size_t len = 0;
		unsigned int line = 1;

		len += (size_t)snprintf(text + len, sizeof(text) - len, "%s",
					i % 2 ? "\xef\xbb\xbf[network a]\n" :
					"[network a]\n");
		for (k = 0; k < i; k++) {
			const char *l = filler[(k * 7 + i) % nf];

			/* key lines may appear once only */
			if (strchr(l, '=') && strstr(text, l))
				l = "#\n";
			len += (size_t)snprintf(text + len, sizeof(text) - len,
						"%s", l);
			line++;
		}
		snprintf(text + len, sizeof(text) - len, "mode = wrong\n");
		snprintf(want, sizeof(want), "t.conf:%u: bad mode 'wrong': "
			 "expected nat, isolated, routed or bridge", line + 1);
		expect_err(text, want);

		/* the same position for an error inih finds itself */
		snprintf(text + len, sizeof(text) - len, "no equals\n");
		snprintf(want, sizeof(want), "t.conf:%u: expected 'key = "
			 "value', '[network NAME]' or a comment", line + 1);
		expect_err(text, want);
	}
}

/* A line of 198 bytes (INI_MAX_LINE 200 less "\n" and NUL) is the most. */
static void test_line_limit(void **state)
{
	char text[1024], line[256];
	struct conf c;

	(void)state;
	memset(line, 'x', sizeof(line));
	/* "# " + 196 = 198 bytes */
	snprintf(text, sizeof(text), "[network a]\n# %.196s\n# %.196s\r\n"
		 "mode = isolated\n", line, line);
	/* with CRLF the '\r' counts: the second comment is 199 bytes */
	expect_err(text, "t.conf:3: line is longer than 198 bytes");
	snprintf(text, sizeof(text), "[network a]\n# %.196s\n# %.196s\n"
		 "mode = isolated\n", line, line);
	assert_int_equal(load(&c, text), 0);
	assert_int_equal(conf_net(&c, "a")->mode, CONF_ISOLATED);
	assert_int_equal(conf_net(&c, "a")->at[CONF_K_MODE].line, 4);
	conf_free(&c);
	snprintf(text, sizeof(text), "[network a]\n# %.197s\nmode = nat\n",
		 line);
	expect_err(text, "t.conf:2: line is longer than 198 bytes");
	/* a last line without newline follows the same limit */
	snprintf(text, sizeof(text), "[network a]\n# %.197s", line);
	expect_err(text, "t.conf:2: line is longer than 198 bytes");
	snprintf(text, sizeof(text), "[network a]\n# %.196s", line);
	assert_int_equal(load(&c, text), 0);
	conf_free(&c);
}

static void test_nul_byte(void **state)
{
	static const char text[] = "[network a]\nmode = nat\0 x\nmtu = 9000\n";
	struct conf c;

	(void)state;
	conf_init(&c);
	assert_int_equal(conf_load_buf(&c, "n.conf", text, sizeof(text) - 1),
			 -EINVAL);
	assert_string_equal(c.err, "n.conf:2: line contains a NUL byte");
	conf_free(&c);
}

static void test_locations(void **state)
{
	static const char text[] =
		"# line 1\n"
		"[network lab]\n"
		"mtu = 9000\n"
		"\n"
		"mode = nat\n"
		"dhcp-host = 52:54:00:12:34:56,10.1.2.10,web\n"
		"address = 10.1.2.1/24\n"
		"dhcp-host = 52:54:00:12:34:57,10.1.2.11\n"
		"; comment\n"
		"domain = lab.test\n";
	const struct conf_net *n;
	struct conf c;
	char buf[64];

	(void)state;
	assert_int_equal(load(&c, text), 0);
	assert_int_equal(c.nnets, 2);
	assert_string_equal(c.net[0].name, "default");
	assert_int_equal(c.net[0].loc.line, 0);
	n = conf_net(&c, "lab");
	assert_ptr_equal(n, &c.net[1]);
	assert_null(conf_net(&c, "nope"));
	assert_ptr_equal(n->loc.file, c.file);
	assert_string_equal(n->loc.file, "t.conf");
	assert_int_equal(n->loc.line, 2);
	assert_int_equal(n->at[CONF_K_MTU].line, 3);
	assert_int_equal(n->at[CONF_K_MODE].line, 5);
	assert_int_equal(n->at[CONF_K_ADDRESS].line, 7);
	assert_int_equal(n->at[CONF_K_DOMAIN].line, 10);
	assert_int_equal(n->at[CONF_K_DHCP_HOST].line, 6);
	assert_int_equal(n->at[CONF_K_BRIDGE].line, 0);
	assert_int_equal(n->at[CONF_K_DHCP_RANGE].line, 0);
	assert_int_equal(n->at[CONF_K_DHCP].line, 0);
	assert_int_equal(n->nhosts, 2);
	assert_int_equal(n->host[0].loc.line, 6);
	assert_int_equal(n->host[1].loc.line, 8);
	assert_ptr_equal(n->host[1].loc.file, c.file);
	assert_string_equal(conf_loc_fmt(&n->at[CONF_K_ADDRESS], buf,
					 sizeof(buf)), "t.conf:7");
	assert_string_equal(conf_loc_fmt(&n->at[CONF_K_BRIDGE], buf,
					 sizeof(buf)), "default");
	/* a defaulted key points at its section */
	assert_ptr_equal(conf_net_loc(n, CONF_K_BRIDGE), &n->loc);
	assert_ptr_equal(conf_net_loc(n, CONF_K_MTU), &n->at[CONF_K_MTU]);
	assert_string_equal(conf_loc_fmt(conf_net_loc(n, CONF_K_BRIDGE), buf,
					 sizeof(buf)), "t.conf:2");
	/* the values themselves */
	assert_string_equal(n->bridge, "tp-lab");
	assert_int_equal(n->addr_state, CONF_ADDR_SET);
	assert_int_equal(n->addr.addr, 0x0a010201);
	assert_int_equal(n->addr.len, 24);
	assert_int_equal(n->range_first, 0x0a010202);
	assert_int_equal(n->range_last, 0x0a0102fe);
	assert_true(n->dhcp && n->dns);
	assert_int_equal(n->mtu, 9000);
	assert_string_equal(n->host[0].name, "web");
	assert_string_equal(n->host[1].name, "");
	assert_int_equal(n->host[1].ip, 0x0a01020b);
	assert_int_equal(n->host[1].mac.b[5], 0x57);
	assert_string_equal(conf_mode_name(n->mode), "nat");
	conf_free(&c);
}

/* The built-in network: auto address, and what conf_net_assign() makes */
static void test_builtin_and_assign(void **state)
{
	struct inet_prefix used[] = { { 0x0ac80001, 24 } }, sub;
	struct conf_net *d, *s;
	struct conf c;
	char *out;

	(void)state;
	assert_int_equal(load(&c, "[network s]\naddress = 10.200.1.1/24\n"
			      "[network off]\ndhcp = off\n"), 0);
	d = conf_net(&c, "default");
	assert_ptr_equal(d, &c.net[0]);
	assert_int_equal(d->mode, CONF_NAT);
	assert_string_equal(d->bridge, "tapir0");
	assert_string_equal(d->domain, "default.internal");
	assert_int_equal(d->addr_state, CONF_ADDR_AUTO);
	assert_int_equal(d->range_first, 0);
	assert_true(d->dhcp && d->dns);
	assert_int_equal(d->mtu, 1500);

	/* 10.200.0.0/24 is in use, 10.200.1.0/24 is taken by network s */
	s = conf_net(&c, "s");
	assert_int_equal(subnet_pick(subnet_pools, subnet_npools, used, 1,
				     &s->addr, 1, &sub), 0);
	assert_int_equal(sub.addr, 0x0ac80200);
	assert_int_equal(conf_net_assign(d, &sub), 0);
	assert_int_equal(d->addr_state, CONF_ADDR_PICKED);
	assert_int_equal(d->addr.addr, 0x0ac80201);
	assert_int_equal(d->addr.len, 24);
	assert_int_equal(d->range_first, 0x0ac80202);
	assert_int_equal(d->range_last, 0x0ac802fe);
	/* only once, and only for automatic networks */
	assert_int_equal(conf_net_assign(d, &sub), -EINVAL);
	assert_int_equal(conf_net_assign(s, &sub), -EINVAL);
	/* dhcp off: no range */
	sub.addr = 0x0ac80300;
	sub.len = 31;
	assert_int_equal(conf_net_assign(&c.net[2], &sub), -EINVAL);
	sub.len = 26;
	assert_int_equal(conf_net_assign(&c.net[2], &sub), 0);
	assert_int_equal(c.net[2].addr.addr, 0x0ac80301);
	assert_int_equal(c.net[2].addr.len, 26);
	assert_int_equal(c.net[2].range_first, 0);

	out = printed(&c);
	assert_non_null(strstr(out, "address = 10.200.2.1/24         ; picked "
				    "automatically\n"));
	assert_non_null(strstr(out, "dhcp-range = 10.200.2.2-10.200.2.254 ; "
				    "default\n"));
	assert_non_null(strstr(out, "address = 10.200.3.1/26         ; picked "
				    "automatically\n"));
	free(out);
	conf_free(&c);
}

/* Loading replaces what the configuration held; a failure leaves it empty */
static void test_reload(void **state)
{
	struct conf c;

	(void)state;
	assert_int_equal(load(&c, "[network a]\naddress = 10.0.0.1/24\n"
			      "dhcp-host = 52:54:00:00:00:01,10.0.0.7\n"), 0);
	assert_int_equal(c.nnets, 2);
	assert_int_equal(conf_load_buf(&c, "u.conf", "[network b]\n", 12), 0);
	assert_int_equal(c.nnets, 2);
	assert_null(conf_net(&c, "a"));
	assert_non_null(conf_net(&c, "b"));
	assert_int_equal(conf_load_buf(&c, "u.conf", "[network b\n", 11),
			 -EINVAL);
	assert_int_equal(c.nnets, 0);
	assert_null(c.net);
	assert_string_equal(c.err, "u.conf:1: section header has no closing "
				   "']'");
	conf_free(&c);
	assert_string_equal(c.err, "");
}

static void test_limits(void **state)
{
	size_t cap = 64 * (CONF_NETS_MAX + CONF_HOSTS_MAX + 2), len, i;
	char *text = malloc(cap), want[128];
	struct conf c;

	(void)state;
	assert_non_null(text);
	/* CONF_HOSTS_MAX hosts in a /16 load; one more does not */
	len = (size_t)snprintf(text, cap, "[network h]\n"
			       "address = 10.20.0.1/16\n");
	for (i = 0; i < CONF_HOSTS_MAX; i++)
		len += (size_t)snprintf(text + len, cap - len, "dhcp-host = "
					"52:54:00:00:%02zx:%02zx,10.20.%zu.%zu"
					"\n", (i >> 8) & 0xff, i & 0xff,
					1 + i / 250, 1 + i % 250);
	assert_int_equal(load(&c, text), 0);
	assert_int_equal(conf_net(&c, "h")->nhosts, CONF_HOSTS_MAX);
	conf_free(&c);
	snprintf(text + len, cap - len, "dhcp-host = 52:54:00:ff:ff:ff,"
		 "10.20.200.1\n");
	snprintf(want, sizeof(want), "t.conf:%d: more than %d dhcp-host lines "
		 "in one network", CONF_HOSTS_MAX + 3, CONF_HOSTS_MAX);
	expect_err(text, want);

	/* CONF_NETS_MAX networks load; one more does not */
	for (len = 0, i = 0; i < CONF_NETS_MAX; i++)
		len += (size_t)snprintf(text + len, cap - len,
					"[network n%zu]\n", i);
	assert_int_equal(load(&c, text), 0);
	/* the built-in network comes on top */
	assert_int_equal(c.nnets, CONF_NETS_MAX + 1);
	conf_free(&c);
	snprintf(text + len, cap - len, "[network last]\n");
	snprintf(want, sizeof(want), "t.conf:%d: more than %d networks",
		 CONF_NETS_MAX + 1, CONF_NETS_MAX);
	expect_err(text, want);
	free(text);
}

/* conf_load() must fail with @rc and the message printf(@fmt, ...) */
static void expect_load(struct conf *c, const char *path, int rc,
			const char *fmt, ...)
{
	char want[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(want, sizeof(want), fmt, ap);
	va_end(ap);
	assert_int_equal(conf_load(c, path), rc);
	assert_string_equal(c->err, want);
	assert_int_equal(c->nnets, 0);
}

/* Reading real files: missing, a directory, a FIFO, too big, a good one */
static void test_load_files(void **state)
{
	char dir[] = "/tmp/tapir-conf.XXXXXX", path[64];
	struct conf c;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	conf_init(&c);

	snprintf(path, sizeof(path), "%s/missing.conf", dir);
	assert_int_equal(conf_load(&c, path), 0);
	assert_int_equal(c.nnets, 1);
	assert_string_equal(c.net[0].name, "default");

	expect_load(&c, dir, -EINVAL, "cannot read %s: it is a directory",
		    dir);

	snprintf(path, sizeof(path), "%s/missing/x.conf", dir);
	assert_int_equal(conf_load(&c, path), 0);

	snprintf(path, sizeof(path), "%s/fifo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	expect_load(&c, path, -EINVAL, "cannot read %s: it is not a regular "
		    "file", path);
	unlink(path);

	snprintf(path, sizeof(path), "%s/big.conf", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, CONF_FILE_MAX + 1), 0);
	close(fd);
	expect_load(&c, path, -EFBIG, "cannot read %s: it is larger than "
		    "1 MiB", path);
	unlink(path);

	snprintf(path, sizeof(path), "%s/tapir.conf", dir);
	spit(path, "[network f]\nmode = isolated\n\nmtu = 1234\n");
	assert_int_equal(conf_load(&c, path), 0);
	assert_int_equal(c.nnets, 2);
	assert_string_equal(c.file, path);
	assert_int_equal(conf_net(&c, "f")->mtu, 1234);
	assert_int_equal(conf_net(&c, "f")->at[CONF_K_MTU].line, 4);
	spit(path, "[network f]\nmtu = 1\n");
	expect_load(&c, path, -EINVAL, "%s:2: bad mtu '1': expected a number "
		    "from 68 to 65521, or auto", path);
	unlink(path);

	/* an unreadable file is an error, not an empty configuration */
	if (geteuid() != 0) {
		spit(path, "[network f]\n");
		assert_int_equal(chmod(path, 0), 0);
		expect_load(&c, path, -EACCES, "cannot read %s: Permission "
			    "denied", path);
		unlink(path);
	}
	conf_free(&c);
	assert_int_equal(rmdir(dir), 0);
}

/* Quoted input is cut and made printable */
static void test_quoting(void **state)
{
	char text[512], want[512];

	(void)state;
	snprintf(text, sizeof(text), "[network a]\nmode = %0100d\n", 7);
	snprintf(want, sizeof(want), "t.conf:2: bad mode '%064d...': expected "
		 "nat, isolated, routed or bridge", 0);
	expect_err(text, want);
	expect_err("[network a]\nmode = \x01\x7f\xc3\xa9\n",
		   "t.conf:2: bad mode '?\?\?\?': expected nat, isolated, "
		   "routed or bridge");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_golden_reread),
		cmocka_unit_test(test_line_numbers),
		cmocka_unit_test(test_line_limit),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_locations),
		cmocka_unit_test(test_builtin_and_assign),
		cmocka_unit_test(test_reload),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_load_files),
		cmocka_unit_test(test_quoting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
