// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sysctl.c - reading and writing kernel parameters under /proc/sys
 *
 * Theory of operation
 *
 * A key is written as sysctl(8) does: "net.ipv4.ip_forward", or with
 * slashes, "net/ipv4/conf/eth0.100/forwarding", which is the only way to
 * name an interface with a dot in it.  A key containing a slash is taken as
 * a path as it is; otherwise dots become slashes.  sysctl_if_key() builds
 * the slash form of a per-interface key ("net/ipv4/conf/IFNAME/LEAF") from
 * a checked interface name.
 *
 * Keys are checked before use: letters, digits, '_', '-', '.' and '/' only,
 * no empty component and no "." or ".." component, so a key can never
 * leave /proc/sys.
 *
 * Everything under /proc/sys/net belongs to the network namespace of the
 * process that opens the file, so a process (or a test) in its own
 * namespace reads and changes only that namespace's values.
 *
 * Values are text.  sysctl_read() drops the trailing newline the kernel
 * adds; sysctl_write() writes the value in a single write(2), which is how
 * procfs takes it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ifname.h"
#include "sysctl.h"

/**
 * sysctl_path() - turn a key into a path under /proc/sys
 * @key:	"a.b.c" or "a/b/c"
 * @path:	buffer of PATH_MAX bytes
 *
 * Return: 0, or -EINVAL for a malformed key
 */
static int sysctl_path(const char *key, char *path)
{
	const char sep = strchr(key, '/') ? '/' : '.';
	size_t len = strlen(key), i, comp = 0;
	int n;

	if (!len || len >= PATH_MAX - sizeof("/proc/sys/"))
		return -EINVAL;
	n = snprintf(path, PATH_MAX, "/proc/sys/%s", key);
	if (n < 0 || n >= PATH_MAX)
		return -EINVAL;
	for (i = 0; i <= len; i++) {
		char c = key[i];

		if (c == sep || !c) {
			/* empty, "." and ".." components */
			if (comp == 0 || (comp <= 2 && key[i - comp] == '.' &&
					  key[i - 1] == '.'))
				return -EINVAL;
			comp = 0;
			path[sizeof("/proc/sys/") - 1 + i] = c ? '/' : '\0';
			continue;
		}
		if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') &&
		    !(c >= '0' && c <= '9') && c != '_' && c != '-' &&
		    c != '.')
			return -EINVAL;
		comp++;
	}
	return 0;
}

/**
 * sysctl_open() - open the file of a key
 * @key:	the key
 * @flags:	O_RDONLY or O_WRONLY
 *
 * Return: a descriptor (close-on-exec), -EINVAL for a malformed key, or
 *	   another -errno (-ENOENT: no such key)
 */
static int sysctl_open(const char *key, int flags)
{
	char path[PATH_MAX];
	int fd, rc = sysctl_path(key, path);

	if (rc)
		return rc;
	fd = open(path, flags | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/**
 * sysctl_read() - read a value
 * @key:	the key
 * @buf:	set to the value, without its trailing newline
 * @len:	size of @buf
 *
 * Return: 0, -ENOENT if there is no such key, -EOVERFLOW if the value does
 *	   not fit @buf, -EINVAL for a malformed key, or another -errno
 */
int sysctl_read(const char *key, char *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;
	int fd, rc = 0;

	if (!len)
		return -EOVERFLOW;
	fd = sysctl_open(key, O_RDONLY);
	if (fd < 0)
		return fd;
	do {
		n = read(fd, buf + got, len - got);
		if (n > 0)
			got += (size_t)n;
	} while ((n > 0 && got < len) || (n < 0 && errno == EINTR));
	if (n < 0) {
		rc = -errno;
		goto out;
	}
	if (got == len) {
		rc = -EOVERFLOW;
		goto out;
	}
	while (got && buf[got - 1] == '\n')
		got--;
	buf[got] = '\0';
out:
	close(fd);
	return rc;
}

/**
 * sysctl_write() - write a value
 * @key:	the key
 * @value:	the value, as text
 *
 * Return: 0, -ENOENT if there is no such key, -EINVAL for a malformed key
 *	   or a value the kernel refuses, or another -errno
 */
int sysctl_write(const char *key, const char *value)
{
	size_t len = strlen(value);
	ssize_t n;
	int fd, rc = 0;

	fd = sysctl_open(key, O_WRONLY);
	if (fd < 0)
		return fd;
	do
		n = write(fd, value, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		rc = -errno;
	else if ((size_t)n != len)
		rc = -EIO;
	close(fd);
	return rc;
}

/**
 * sysctl_read_int() - read an integer value
 * @key:	the key
 * @value:	set to the value
 *
 * Return: 0, -EINVAL if the value is not a single integer, or an error
 *	   from sysctl_read()
 */
int sysctl_read_int(const char *key, long *value)
{
	char buf[64], *end;
	int rc = sysctl_read(key, buf, sizeof(buf));

	if (rc)
		return rc;
	errno = 0;
	*value = strtol(buf, &end, 10);
	if (errno || end == buf || *end)
		return -EINVAL;
	return 0;
}

/**
 * sysctl_write_int() - write an integer value
 * @key:	the key
 * @value:	the value
 *
 * Return: as sysctl_write()
 */
int sysctl_write_int(const char *key, long value)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%ld", value);
	return sysctl_write(key, buf);
}

/**
 * sysctl_if_key() - the key of a per-interface value
 * @buf:	set to "net/PROTO/conf/IFNAME/LEAF"
 * @len:	size of @buf
 * @proto:	"ipv4" or "ipv6"
 * @ifname:	interface name (or "all", "default")
 * @leaf:	the value's name, such as "forwarding"
 *
 * Return: 0, -EINVAL for a bad protocol, interface name or leaf, or
 *	   -ENAMETOOLONG if @buf is too small
 */
int sysctl_if_key(char *buf, size_t len, const char *proto,
		  const char *ifname, const char *leaf)
{
	int n;

	if ((strcmp(proto, "ipv4") && strcmp(proto, "ipv6")) ||
	    ifname_check(ifname, NULL) || !*leaf || strchr(leaf, '/') ||
	    !strcmp(leaf, ".") || !strcmp(leaf, ".."))
		return -EINVAL;
	n = snprintf(buf, len, "net/%s/conf/%s/%s", proto, ifname, leaf);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}
