/* SPDX-License-Identifier: GPL-2.0-only */
/* Where control sockets live, and connecting to one (socket.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "vmm/log.h"
#include "socket.h"

/* Our directory must be ours alone: anyone who can write to it could plant
 * a socket under a VM's name. lstat, so a symlink planted at the path is
 * refused rather than followed. */
static int check_private_dir(const char *dir, char *err, size_t errlen)
{
	struct stat st;

	if (lstat(dir, &st))
		return reason_set(-errno, err, errlen, "cannot check %s: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return reason_set(-ENOTDIR, err, errlen, "%s exists and is not a directory", dir);
	if (st.st_uid != geteuid())
		return reason_set(-EPERM, err, errlen, "%s belongs to another user", dir);
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return reason_set(-EPERM, err, errlen, "%s is writable by other users (make it 0700)", dir);
	return 0;
}

static int make_private_dir(const char *dir, char *err, size_t errlen)
{
	if (!mkdir(dir, 0700)) {
		/* The umask may have taken bits we need. */
		if (chmod(dir, 0700))
			return reason_set(-errno, err, errlen, "cannot set the mode of %s: %s", dir, strerror(errno));
		return 0;
	}
	if (errno != EEXIST)
		return reason_set(-errno, err, errlen, "cannot create %s: %s", dir, strerror(errno));
	return check_private_dir(dir, err, errlen);
}

static const char *env_or_null(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

/* The directory's path; *shared is set for the fallback in the temporary
 * directory, whose name any user can predict and take first. */
static int pick_dir(char *buf, size_t len, bool *shared)
{
	const char *xdg = env_or_null("XDG_RUNTIME_DIR"), *home = env_or_null("HOME");
	const char *tmp = env_or_null("TMPDIR");
	int n;

	*shared = !xdg && !home;
	if (xdg)
		n = snprintf(buf, len, "%s/hvmm", xdg);
	else if (home)
		n = snprintf(buf, len, "%s/.hvmm", home);
	else
		n = snprintf(buf, len, "%s/hvmm-%u", tmp ? tmp : "/tmp", (unsigned int)geteuid());
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int control_socket_dir(char *buf, size_t len, bool create, char *err, size_t errlen)
{
	bool shared;
	int ret;

	if (pick_dir(buf, len, &shared))
		return reason_set(-ENAMETOOLONG, err, errlen, "the control socket directory's path is too long");
	if (create)
		return make_private_dir(buf, err, errlen);
	if (!shared)
		return 0;
	/* A client must not talk to sockets another user planted there. */
	ret = check_private_dir(buf, err, errlen);
	return ret == -ENOENT ? 0 : ret;
}

int control_socket_path(char *buf, size_t len, const char *dir, const char *name,
			char *err, size_t errlen)
{
	size_t max = sizeof(((struct sockaddr_un *)0)->sun_path);
	int n = snprintf(buf, len, "%s/%s.sock", dir, name);

	if (n < 0 || (size_t)n >= len || (size_t)n >= max)
		return reason_set(-ENAMETOOLONG, err, errlen,
			    "control socket path %s/%s.sock is longer than a UNIX socket allows (%zu bytes)",
			    dir, name, max - 1);
	return 0;
}

int control_connect(const char *path, unsigned int timeout_ms)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	size_t len = strlen(path);
	int fd, ret;

	if (len >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	memcpy(addr.sun_path, path, len + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | (timeout_ms ? 0 : SOCK_NONBLOCK), 0);
	if (fd < 0)
		return -errno;
	if (timeout_ms) {
		struct timeval tv = { .tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000 };

		/* connect waits while the accept queue is full; this bounds it. */
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	}
	while (connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		if (errno == EINTR)
			continue;
		ret = -errno;
		close(fd);
		return ret;
	}
	if (timeout_ms && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)) {
		ret = -errno;
		close(fd);
		return ret;
	}
	return fd;
}
