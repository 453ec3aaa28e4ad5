// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ctl.c - the control socket (--control PATH) and its client,
 * "tapir user-ctl"
 *
 * Theory of operation
 *
 * The control socket is a unix stream socket, mode 0600, that takes JSON
 * lines: one request object per line, one response object per line.
 *
 *   {"cmd": "add", "rule": "tcp::8080-:80"}
 *	-> {"ok": true, "rule": "tcp::8080-10.0.2.15:80"}
 *   {"cmd": "del", "rule": "tcp::8080"}        (or the whole rule)
 *	-> {"ok": true}
 *   {"cmd": "list"}
 *	-> {"ok": true, "forwards": ["tcp::2222-10.0.2.15:22", ...]}
 *   anything else
 *	-> {"ok": false, "error": "..."}
 *
 * Rules use hostfwd='s syntax; "add" answers with the rule as it now
 * stands (the guest address filled in, a host port of 0 replaced by the
 * one the kernel chose).  At most CTL_CONN_MAX clients at once, each with
 * a line of at most CTL_LINE_MAX bytes; a longer line closes the
 * connection.  The client sends one request and prints the answer.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl.h"
#include "fwd.h"
#include "log.h"
#include "opts.h"
#include "transport.h"
#include "user.h"

#define CTL_CONN_MAX	8
#define CTL_LINE_MAX	4096

/**
 * struct ctl_conn - one client
 * @fd:		its socket, -1 if the slot is free
 * @len:	bytes in @buf
 * @buf:	the line being read
 */
static struct ctl_conn {
	int fd;
	size_t len;
	char buf[CTL_LINE_MAX];
} ctl_conns[CTL_CONN_MAX];

static int ctl_fd = -1;
static char ctl_path[sizeof(((struct sockaddr_un *)0)->sun_path)];

/**
 * ctl_listen() - open the control socket
 * @c:		context
 * @path:	socket path (a stale socket there is replaced), mode 0600
 *
 * Return: 0 or -errno (-EADDRINUSE: another process listens there)
 */
int ctl_listen(struct user_ctx *c, const char *path)
{
	mode_t old;
	int i;

	for (i = 0; i < CTL_CONN_MAX; i++)
		ctl_conns[i].fd = -1;
	old = umask(0077);
	ctl_fd = transport_bind(path, SOCK_STREAM);
	umask(old);
	if (ctl_fd < 0)
		return ctl_fd;
	snprintf(ctl_path, sizeof(ctl_path), "%s", path);
	return user_epoll_add(c, ctl_fd, EPOLLIN, REF_CTL_LISTEN, 0);
}

/**
 * ctl_list_cb() - add one forward to the "forwards" array
 * @f:		the forward
 * @arg:	json array
 *
 * Return: 0
 */
static int ctl_list_cb(const struct opts_fwd *f, void *arg)
{
	char buf[160];

	if (opts_fwd_format(f, buf, sizeof(buf)) >= 0)
		json_object_array_add(arg, json_object_new_string(buf));
	return 0;
}

/**
 * ctl_handle() - answer one request line
 * @c:		context
 * @line:	the request, NUL-terminated
 *
 * Return: the response object (the caller puts it)
 */
static struct json_object *ctl_handle(struct user_ctx *c, const char *line)
{
	struct json_object *req, *resp = json_object_new_object(), *v;
	const char *cmd = NULL, *rule = NULL;
	char err[256] = "", buf[160];
	struct opts_fwd f;
	int rc;

	req = json_tokener_parse(line);
	if (!req || !json_object_is_type(req, json_type_object)) {
		snprintf(err, sizeof(err), "not a JSON object");
		goto out;
	}
	if (json_object_object_get_ex(req, "cmd", &v) &&
	    json_object_is_type(v, json_type_string))
		cmd = json_object_get_string(v);
	if (json_object_object_get_ex(req, "rule", &v) &&
	    json_object_is_type(v, json_type_string))
		rule = json_object_get_string(v);
	if (!cmd) {
		snprintf(err, sizeof(err), "no \"cmd\"");
	} else if (!strcmp(cmd, "list")) {
		struct json_object *arr = json_object_new_array();

		fwd_foreach(c, ctl_list_cb, arr);
		json_object_object_add(resp, "forwards", arr);
	} else if (!strcmp(cmd, "add") || !strcmp(cmd, "del")) {
		int add = cmd[0] == 'a';

		if (!rule) {
			snprintf(err, sizeof(err), "no \"rule\"");
			goto out;
		}
		/* "del" takes the host side alone: "tcp::8080" */
		if (!add && !strchr(rule, '-')) {
			snprintf(buf, sizeof(buf), "%s-:1", rule);
			rc = opts_fwd_parse(&f, buf, c->o, err, sizeof(err));
		} else {
			rc = opts_fwd_parse(&f, rule, c->o, err, sizeof(err));
		}
		if (rc)
			goto out;
		if (add) {
			rc = fwd_add(c, &f, err, sizeof(err));
			if (rc < 0)
				goto out;
			if (opts_fwd_format(fwd_rule(rc), buf, sizeof(buf)) >= 0)
				json_object_object_add(resp, "rule",
						       json_object_new_string(buf));
			log_info("control: forward %s added", buf);
		} else {
			rc = fwd_del(c, &f);
			if (rc) {
				snprintf(err, sizeof(err), "no such forward: %s",
					 rule);
				goto out;
			}
			log_info("control: forward %s removed", rule);
		}
	} else {
		snprintf(err, sizeof(err), "unknown command \"%s\"", cmd);
	}
out:
	if (req)
		json_object_put(req);
	json_object_object_add(resp, "ok", json_object_new_boolean(!err[0]));
	if (err[0])
		json_object_object_add(resp, "error",
				       json_object_new_string(err));
	return resp;
}

/**
 * ctl_close() - drop a client
 * @c:		context
 * @k:		its slot
 */
static void ctl_close(struct user_ctx *c, struct ctl_conn *k)
{
	user_epoll_del(c, k->fd);
	close(k->fd);
	k->fd = -1;
	k->len = 0;
}

/**
 * ctl_read() - read from a client, answer each complete line
 * @c:		context
 * @k:		its slot
 */
static void ctl_read(struct user_ctx *c, struct ctl_conn *k)
{
	char *nl;
	ssize_t n;

	n = recv(k->fd, k->buf + k->len, sizeof(k->buf) - 1 - k->len,
		 MSG_DONTWAIT);
	if (n <= 0) {
		if (n == 0 || (errno != EAGAIN && errno != EINTR))
			ctl_close(c, k);
		return;
	}
	k->len += (size_t)n;
	k->buf[k->len] = '\0';
	while ((nl = memchr(k->buf, '\n', k->len))) {
		struct json_object *resp;
		const char *s;
		size_t used = (size_t)(nl - k->buf) + 1;

		*nl = '\0';
		resp = ctl_handle(c, k->buf);
		s = json_object_to_json_string_ext(resp, JSON_C_TO_STRING_PLAIN);
		/* responses are short; a client that does not read is gone */
		if (send(k->fd, s, strlen(s), MSG_DONTWAIT | MSG_NOSIGNAL) < 0 ||
		    send(k->fd, "\n", 1, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
			json_object_put(resp);
			ctl_close(c, k);
			return;
		}
		json_object_put(resp);
		memmove(k->buf, k->buf + used, k->len - used);
		k->len -= used;
	}
	if (k->len == sizeof(k->buf) - 1) {
		log_warn("control: request line too long");
		ctl_close(c, k);
	}
}

/**
 * ctl_event() - the control socket or a client is ready
 * @c:		context
 * @type:	REF_CTL_LISTEN or REF_CTL
 * @idx:	client slot for REF_CTL
 * @events:	epoll events
 */
void ctl_event(struct user_ctx *c, enum user_ref_type type, uint32_t idx,
	       uint32_t events)
{
	int fd, i;

	if (type == REF_CTL) {
		if (idx < CTL_CONN_MAX && ctl_conns[idx].fd >= 0) {
			if (events & EPOLLIN)
				ctl_read(c, &ctl_conns[idx]);
			else if (events & (EPOLLHUP | EPOLLERR))
				ctl_close(c, &ctl_conns[idx]);
		}
		return;
	}
	fd = accept4(ctl_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	for (i = 0; i < CTL_CONN_MAX; i++)
		if (ctl_conns[i].fd < 0)
			break;
	if (i == CTL_CONN_MAX ||
	    user_epoll_add(c, fd, EPOLLIN, REF_CTL, (uint32_t)i)) {
		close(fd);
		return;
	}
	ctl_conns[i].fd = fd;
	ctl_conns[i].len = 0;
}

/**
 * ctl_fini() - close the control socket and its clients
 * @c:		context
 */
void ctl_fini(struct user_ctx *c)
{
	int i;

	if (ctl_fd < 0)
		return;
	for (i = 0; i < CTL_CONN_MAX; i++)
		if (ctl_conns[i].fd >= 0)
			ctl_close(c, &ctl_conns[i]);
	close(ctl_fd);
	ctl_fd = -1;
	unlink(ctl_path);
}

/**
 * ctl_client() - "tapir user-ctl PATH add RULE | del RULE | list [--json]"
 * @argc:	argument count (argv[0] is the program)
 * @argv:	arguments
 *
 * Return: exit status: 0, 1 if the request failed, 2 for bad usage
 */
int ctl_client(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct json_object *req, *resp, *v;
	char buf[65536];
	size_t len = 0;
	int fd, json = 0, rc = 1;
	const char *cmd;
	ssize_t n;

	if (argc > 3 && !strcmp(argv[argc - 1], "--json")) {
		json = 1;
		argc--;
	}
	if (argc < 3 || (strcmp(argv[2], "list") && argc != 4) ||
	    (!strcmp(argv[2], "list") && argc != 3)) {
		fprintf(stderr, "usage: tapir user-ctl PATH add RULE | del RULE | list [--json]\n");
		return 2;
	}
	cmd = argv[2];
	if (strcmp(cmd, "add") && strcmp(cmd, "del") && strcmp(cmd, "list")) {
		fprintf(stderr, "tapir user-ctl: unknown command '%s' (add, del or list)\n",
			cmd);
		return 2;
	}
	if (strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "tapir user-ctl: %s: path too long\n", argv[1]);
		return 2;
	}
	strcpy(sa.sun_path, argv[1]);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "tapir user-ctl: %s: %s\n", argv[1],
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return 1;
	}
	req = json_object_new_object();
	json_object_object_add(req, "cmd", json_object_new_string(cmd));
	if (argc == 4)
		json_object_object_add(req, "rule",
				       json_object_new_string(argv[3]));
	n = snprintf(buf, sizeof(buf), "%s\n",
		     json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN));
	json_object_put(req);
	if (write(fd, buf, (size_t)n) != n) {
		fprintf(stderr, "tapir user-ctl: write: %s\n", strerror(errno));
		close(fd);
		return 1;
	}
	while (len < sizeof(buf) - 1) {
		n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		if (memchr(buf, '\n', len))
			break;
	}
	close(fd);
	buf[len] = '\0';
	resp = json_tokener_parse(buf);
	if (!resp) {
		fprintf(stderr, "tapir user-ctl: no answer from %s\n", argv[1]);
		return 1;
	}
	if (json) {
		printf("%s\n", json_object_to_json_string_ext(resp,
			JSON_C_TO_STRING_PLAIN));
		rc = json_object_object_get_ex(resp, "ok", &v) &&
		     json_object_get_boolean(v) ? 0 : 1;
	} else if (json_object_object_get_ex(resp, "ok", &v) &&
		   json_object_get_boolean(v)) {
		rc = 0;
		if (json_object_object_get_ex(resp, "forwards", &v)) {
			size_t i;

			for (i = 0; i < json_object_array_length(v); i++)
				printf("%s\n", json_object_get_string(
					json_object_array_get_idx(v, i)));
		} else if (json_object_object_get_ex(resp, "rule", &v)) {
			printf("%s\n", json_object_get_string(v));
		}
	} else {
		fprintf(stderr, "tapir user-ctl: %s\n",
			json_object_object_get_ex(resp, "error", &v) ?
			json_object_get_string(v) : "failed");
	}
	json_object_put(resp);
	return rc;
}
