/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where control sockets live and how to reach one: the one place the
 * server (which creates them) and the clients (which look for them) agree
 * on (docs/control-protocol.md, "Where the sockets are").
 */
#ifndef HVMM_CONTROL_SOCKET_H
#define HVMM_CONTROL_SOCKET_H

#include <stdbool.h>
#include <stddef.h>

/* Room for the directory's path (PATH_MAX); its sockets' paths must also
 * fit a sun_path, which control_socket_path checks. */
#define CONTROL_SOCKET_DIR_MAX 4096

/*
 * The directory sockets live in: $XDG_RUNTIME_DIR/hvmm, else $HOME/.hvmm,
 * else ${TMPDIR:-/tmp}/hvmm-<uid> (empty variables count as unset). With
 * create, it is made 0700 if missing, and an existing one must be a
 * directory (not a symlink) of the user's, not writable by group or others.
 * Without create, only the last one, which sits where any user can create
 * it first, is checked, and only if it exists (none: no VMs). Returns 0 or
 * -errno with a one-line reason in err.
 */
int control_socket_dir(char *buf, size_t len, bool create, char *err, size_t errlen);

/* <dir>/<name>.sock, checked against the length a socket address can hold. */
int control_socket_path(char *buf, size_t len, const char *dir, const char *name,
			char *err, size_t errlen);

/*
 * Connect to a control socket. A full accept queue makes connect wait up to
 * timeout_ms (0: do not wait, fail with -EAGAIN). Returns a non-blocking,
 * close-on-exec descriptor, or -errno (-ENOENT or -ECONNREFUSED: nobody is
 * there).
 */
int control_connect(const char *path, unsigned int timeout_ms);

#endif
