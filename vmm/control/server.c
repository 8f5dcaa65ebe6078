/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control socket's server: claiming a name, and a thread that answers
 * one request per connection (docs/control-protocol.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "vmm/log.h"
#include "io.h"
#include "proto.h"
#include "server.h"
#include "socket.h"

#define LISTEN_BACKLOG 16
#define WIRE_SIZE      (CONTROL_MAX_WIRE_REPLY + 1)

_Static_assert(sizeof(((struct control_server *)0)->path) ==
	       sizeof(((struct sockaddr_un *)0)->sun_path), "path holds a sun_path");

/* ---- claiming the name --------------------------------------------------- */

/*
 * Something is at our path already. A socket nobody listens on is left
 * over from a VM that died: remove it. A live one means the name is taken.
 * Anything else is not ours to remove.
 */
static int clear_stale_socket(const struct control_server *s, char *err, size_t errlen)
{
	struct stat st;
	int fd;

	if (lstat(s->path, &st))
		return errno == ENOENT ? 0 :
			reason_set(-errno, err, errlen, "cannot check %s: %s", s->path, strerror(errno));
	if (!S_ISSOCK(st.st_mode))
		return reason_set(-EEXIST, err, errlen, "%s exists and is not a socket; not removing it", s->path);
	fd = control_connect(s->path, 0);
	if (fd >= 0) {
		close(fd);
		return reason_set(CONTROL_NAME_TAKEN, err, errlen, "a VM named '%s' is already running", s->name);
	}
	switch (fd) {
	case -ENOENT:
		return 0;
	case -EAGAIN:        /* its accept queue is full: very much alive */
		return reason_set(CONTROL_NAME_TAKEN, err, errlen, "a VM named '%s' is already running", s->name);
	case -ECONNREFUSED:
		if (unlink(s->path) && errno != ENOENT)
			return reason_set(-errno, err, errlen, "cannot remove the stale socket %s: %s", s->path,
				    strerror(errno));
		log_info(s->log, "removed the stale control socket %s (nobody was listening)", s->path);
		return 0;
	default:
		return reason_set(fd, err, errlen, "cannot check %s: %s", s->path, strerror(-fd));
	}
}

static int bind_and_listen(struct control_server *s, char *err, size_t errlen)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct stat st;
	int fd, ret;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return reason_set(-errno, err, errlen, "cannot create the control socket: %s", strerror(errno));
	memcpy(addr.sun_path, s->path, strlen(s->path) + 1);
	/* Linux gives the new file the socket's own mode (less the umask). */
	(void)fchmod(fd, 0600);
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		ret = -errno;
		close(fd);
		if (ret == -EADDRINUSE)
			return reason_set(CONTROL_NAME_TAKEN, err, errlen, "a VM named '%s' is already running", s->name);
		return reason_set(ret, err, errlen, "cannot bind %s: %s", s->path, strerror(-ret));
	}
	/* Nobody can connect before listen, so setting the mode here leaves no
	 * window whatever the kernel did at bind. */
	if (chmod(s->path, 0600) || lstat(s->path, &st) || listen(fd, LISTEN_BACKLOG)) {
		ret = -errno;
		unlink(s->path);
		close(fd);
		return reason_set(ret, err, errlen, "cannot set up %s: %s", s->path, strerror(-ret));
	}
	s->sock_dev = st.st_dev;
	s->sock_ino = st.st_ino;
	s->listen_fd = fd;
	return 0;
}

/* Check for a leftover socket and bind, holding the directory's lock so two
 * VMs starting with one name cannot both decide the path is free. */
static int claim_name(struct control_server *s, const char *dir, char *err, size_t errlen)
{
	int dfd, ret;

	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return reason_set(-errno, err, errlen, "cannot open %s: %s", dir, strerror(errno));
	while (flock(dfd, LOCK_EX) && errno == EINTR)
		;
	ret = clear_stale_socket(s, err, errlen);
	if (!ret)
		ret = bind_and_listen(s, err, errlen);
	close(dfd);                  /* and with it the lock */
	return ret;
}

/* Only our own socket: another VM may have taken the name since. */
static void remove_own_socket(const struct control_server *s)
{
	struct stat st;

	if (!lstat(s->path, &st) && st.st_dev == s->sock_dev && st.st_ino == s->sock_ino)
		unlink(s->path);
}

static void release(struct control_server *s)
{
	if (s->listen_fd >= 0) {
		remove_own_socket(s);
		close(s->listen_fd);
	}
	if (s->stop_fd >= 0)
		close(s->stop_fd);
	s->listen_fd = s->stop_fd = -1;
	free(s->reply);
	free(s->wire);
	s->reply = s->wire = NULL;
}

/* ---- serving one connection ---------------------------------------------- */

static int ms_left(int64_t deadline)
{
	int64_t left = deadline - control_now_ms();

	return left < 0 ? 0 : (int)left;
}

enum recv_end { RECV_LINE, RECV_EOF, RECV_FULL, RECV_TIMEOUT, RECV_STOPPED, RECV_ERROR };

/*
 * Read until a newline, EOF or cap bytes. The deadline is for the whole
 * request, not per read, so a client trickling bytes cannot hold the
 * server longer than one timeout. Bytes after the newline are not kept.
 */
static enum recv_end recv_request(const struct control_server *s, int fd, char *buf, size_t cap,
				  size_t *len)
{
	int64_t deadline = control_now_ms() + s->recv_timeout_ms;

	*len = 0;
	while (*len < cap) {
		struct pollfd p[2] = { { .fd = fd, .events = POLLIN }, { .fd = s->stop_fd, .events = POLLIN } };
		int left = ms_left(deadline), r;
		const char *nl;
		ssize_t n;

		if (!left)
			return RECV_TIMEOUT;
		r = poll(p, 2, left);
		if (r < 0 && errno != EINTR)
			return RECV_ERROR;
		if (r <= 0)
			continue;
		if (p[1].revents)
			return RECV_STOPPED;
		n = recv(fd, buf + *len, cap - *len, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return RECV_ERROR;
		}
		if (n == 0)
			return RECV_EOF;
		nl = memchr(buf + *len, '\n', (size_t)n);
		*len += (size_t)n;
		if (nl) {
			*len = (size_t)(nl - buf) + 1;
			return RECV_LINE;
		}
	}
	return RECV_FULL;
}

/* Best effort within the timeout: a client that left just misses its reply. */
static void send_reply(const struct control_server *s, int fd, const char *buf, size_t len)
{
	int ret = control_send_all(fd, buf, len, control_now_ms() + s->recv_timeout_ms);

	if (ret)
		log_debug(s->log, "control: reply not delivered: %s",
			  ret == -ETIMEDOUT ? "timed out" : strerror(-ret));
}

/* The socket is 0600 in a 0700 directory; this also keeps out a process
 * that was handed a descriptor to it. */
static bool peer_allowed(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len))
		return false;
	return cred.uid == geteuid() || cred.uid == 0;
}

/* ---- commands ------------------------------------------------------------ */

typedef int (*control_handler)(struct control_server *s, const struct control_request *r,
			       char *text, size_t len);

static int unsupported(const struct control_request *r, char *text, size_t len)
{
	snprintf(text, len, "'%s' is not supported by this VM", control_command_get(r->cmd)->usage);
	return -ENOTSUP;
}

static int handle_ping(struct control_server *s, const struct control_request *r, char *text, size_t len)
{
	(void)r;
	snprintf(text, len, "name %s\nprotocol %d\npid %ld\n", s->name, CONTROL_PROTOCOL_VERSION,
		 (long)getpid());
	return 0;
}

static int handle_stop(struct control_server *s, const struct control_request *r, char *text, size_t len)
{
	return s->ops->stop ? s->ops->stop(s->vmm, text, len) : unsupported(r, text, len);
}

static int handle_pause(struct control_server *s, const struct control_request *r, char *text, size_t len)
{
	return s->ops->pause ? s->ops->pause(s->vmm, text, len) : unsupported(r, text, len);
}

static int handle_resume(struct control_server *s, const struct control_request *r, char *text, size_t len)
{
	return s->ops->resume ? s->ops->resume(s->vmm, text, len) : unsupported(r, text, len);
}

static int handle_stat(struct control_server *s, const struct control_request *r, char *text, size_t len)
{
	return s->ops->stat ? s->ops->stat(s->vmm, text, len) : unsupported(r, text, len);
}

static int handle_cpu(struct control_server *s, const struct control_request *r, char *text, size_t len)
{
	if (!s->ops->cpu_set_enabled)
		return unsupported(r, text, len);
	return s->ops->cpu_set_enabled(s->vmm, r->args[0], r->cmd == CONTROL_CMD_CPU_ENABLE, text, len);
}

static int handle_debug_dump(struct control_server *s, const struct control_request *r, char *text,
			     size_t len)
{
	if (!s->ops->debug_dump)
		return unsupported(r, text, len);
	return s->ops->debug_dump(s->vmm, r->nargs ? (int)r->args[0] : -1, text, len);
}

static int handle_sdei_signal(struct control_server *s, const struct control_request *r, char *text,
			      size_t len)
{
	if (!s->ops->sdei_signal)
		return unsupported(r, text, len);
	return s->ops->sdei_signal(s->vmm, r->args[0], r->nargs > 1 ? (int)r->args[1] : -1, text, len);
}

static int handle_probe_sandbox(struct control_server *s, const struct control_request *r, char *text,
				size_t len)
{
	if (!s->ops->probe_sandbox)
		return unsupported(r, text, len);
	return s->ops->probe_sandbox(s->vmm, (enum control_probe)r->args[0], r->nargs > 1 ? r->args[1] : 0,
				     text, len);
}

static const control_handler handlers[CONTROL_CMD_COUNT] = {
	[CONTROL_CMD_PING]        = handle_ping,
	[CONTROL_CMD_STOP]        = handle_stop,
	[CONTROL_CMD_PAUSE]       = handle_pause,
	[CONTROL_CMD_RESUME]      = handle_resume,
	[CONTROL_CMD_STAT]        = handle_stat,
	[CONTROL_CMD_CPU_ENABLE]  = handle_cpu,
	[CONTROL_CMD_CPU_DISABLE] = handle_cpu,
	[CONTROL_CMD_DEBUG_DUMP]  = handle_debug_dump,
	[CONTROL_CMD_SDEI_SIGNAL] = handle_sdei_signal,
	[CONTROL_CMD_PROBE_SANDBOX] = handle_probe_sandbox,
};

/* Run a parsed request; returns the length of the reply in s->wire. */
static size_t dispatch(struct control_server *s, const struct control_request *r)
{
	char *text = s->reply;
	int ret;

	text[0] = '\0';
	if (r->cmd < CONTROL_CMD_COUNT && handlers[r->cmd])
		ret = handlers[r->cmd](s, r, text, CONTROL_MAX_REPLY);
	else
		ret = unsupported(r, text, CONTROL_MAX_REPLY);
	/* Whatever the op did, the text ends inside the buffer. */
	text[CONTROL_MAX_REPLY - 1] = '\0';
	if (ret < 0) {
		if (!text[0])
			snprintf(text, CONTROL_MAX_REPLY, "%s", strerror(-ret));
		return control_format_error(s->wire, WIRE_SIZE, text);
	}
	return control_format_ok(s->wire, WIRE_SIZE, text);
}

static void serve_connection(struct control_server *s, int fd)
{
	char req[CONTROL_MAX_REQUEST + 1], reason[CONTROL_MAX_REASON + 1];
	struct control_request r;
	size_t len, out;

	if (!peer_allowed(fd)) {
		out = control_format_error(s->wire, WIRE_SIZE, "permission denied");
		send_reply(s, fd, s->wire, out);
		return;
	}
	switch (recv_request(s, fd, req, sizeof(req), &len)) {
	case RECV_ERROR:
		return;
	case RECV_STOPPED:
		out = control_format_error(s->wire, WIRE_SIZE, "the VM is shutting down");
		break;
	case RECV_TIMEOUT:
		snprintf(reason, sizeof(reason), "no complete request within %u ms", s->recv_timeout_ms);
		out = control_format_error(s->wire, WIRE_SIZE, reason);
		break;
	case RECV_LINE:
	case RECV_EOF:
	case RECV_FULL:
	default:
		if (control_parse_request(req, len, &r, reason, sizeof(reason))) {
			log_debug(s->log, "control: bad request: %s", reason);
			out = control_format_error(s->wire, WIRE_SIZE, reason);
			break;
		}
		/* A parsed request is printable ASCII ending in '\n'. */
		log_debug(s->log, "control: %.*s", (int)len - 1, req);
		out = dispatch(s, &r);
		break;
	}
	send_reply(s, fd, s->wire, out);
}

/* Sleep up to ms, or less if asked to stop. */
static void pause_unless_stopped(const struct control_server *s, int ms)
{
	struct pollfd p = { .fd = s->stop_fd, .events = POLLIN };

	(void)poll(&p, 1, ms);
}

static void accept_one(struct control_server *s)
{
	int fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0) {
		if (errno == EAGAIN || errno == EINTR || errno == ECONNABORTED)
			return;
		log_warn(s->log, "control socket: accept: %s", strerror(errno));
		/* Out of descriptors or memory: back off rather than spin on a
		 * listening socket that stays readable. */
		pause_unless_stopped(s, 100);
		return;
	}
	serve_connection(s, fd);
	close(fd);
}

static void *control_thread(void *arg)
{
	struct control_server *s = arg;

	if (s->ops->thread_start)
		s->start_result = s->ops->thread_start(s->vmm, s->start_err, sizeof(s->start_err));
	sem_post(&s->started);
	if (s->start_result)
		return NULL;
	for (;;) {
		struct pollfd p[2] = {
			{ .fd = s->listen_fd, .events = POLLIN },
			{ .fd = s->stop_fd, .events = POLLIN },
		};

		if (poll(p, 2, -1) < 0) {
			if (errno != EINTR)
				pause_unless_stopped(s, 100);
			continue;
		}
		if (p[1].revents)
			return NULL;
		if (p[0].revents)
			accept_one(s);
	}
}

/* The VMM reads its signals from a signalfd: this thread must never be the
 * one a process-directed signal is delivered to. Faults stay unblocked, and
 * SIGSYS: the kernel kills silently for a blocked one. Returns once the
 * thread has run ops->thread_start. */
static int start_thread(struct control_server *s, char *err, size_t errlen)
{
	static const int faults[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP, SIGSYS };
	sigset_t all, old;
	int ret;

	sigfillset(&all);
	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++)
		sigdelset(&all, faults[i]);
	if (sem_init(&s->started, 0, 0))
		return reason_set(-errno, err, errlen, "control thread: %s", strerror(errno));
	pthread_sigmask(SIG_SETMASK, &all, &old);
	ret = -pthread_create(&s->thread, NULL, control_thread, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret)
		reason_set(ret, err, errlen, "cannot start the control thread: %s", strerror(-ret));
	while (!ret && sem_wait(&s->started) && errno == EINTR)
		;
	if (!ret && s->start_result) {
		pthread_join(s->thread, NULL);
		ret = reason_set(s->start_result < 0 ? s->start_result : -EPERM, err, errlen, "%s", s->start_err);
	}
	sem_destroy(&s->started);
	return ret;
}

int control_server_start_opts(struct control_server *s, const char *name,
			      const struct control_ops *ops, void *vmm, const struct log *log,
			      const struct control_server_opts *opts, char *err, size_t errlen)
{
	char dir[CONTROL_SOCKET_DIR_MAX];
	int ret;

	memset(s, 0, sizeof(*s));
	s->listen_fd = s->stop_fd = -1;
	s->ops = ops;
	s->vmm = vmm;
	s->log = log;
	s->recv_timeout_ms = opts && opts->recv_timeout_ms ? opts->recv_timeout_ms : CONTROL_RECV_TIMEOUT_MS;
	if (!ops)
		return reason_set(-EINVAL, err, errlen, "control socket: no operations given");
	if (!name || !control_name_valid(name))
		return reason_set(-EINVAL, err, errlen,
			    "invalid VM name: use 1-%d letters, digits, '.', '_' or '-', not starting with '.'",
			    CONTROL_NAME_MAX);
	memcpy(s->name, name, strlen(name) + 1);
	ret = control_socket_dir(dir, sizeof(dir), true, err, errlen);
	if (ret)
		return ret;
	ret = control_socket_path(s->path, sizeof(s->path), dir, name, err, errlen);
	if (ret)
		return ret;
	ret = claim_name(s, dir, err, errlen);
	if (ret)
		return ret;
	s->reply = malloc(CONTROL_MAX_REPLY);
	s->wire = malloc(WIRE_SIZE);
	s->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (!s->reply || !s->wire || s->stop_fd < 0) {
		ret = s->stop_fd < 0 ? -errno : -ENOMEM;
		release(s);
		return reason_set(ret, err, errlen, "control socket: %s", strerror(-ret));
	}
	ret = start_thread(s, err, errlen);
	if (ret) {
		release(s);
		return ret;
	}
	s->running = true;
	log_info(log, "control socket %s", s->path);
	return 0;
}

int control_server_start(struct control_server *s, const char *name, const struct control_ops *ops,
			 void *vmm, const struct log *log, char *err, size_t errlen)
{
	return control_server_start_opts(s, name, ops, vmm, log, NULL, err, errlen);
}

void control_server_stop(struct control_server *s)
{
	uint64_t one = 1;

	if (!s->running)
		return;
	if (write(s->stop_fd, &one, sizeof(one)) != sizeof(one))
		log_warn(s->log, "control socket: cannot wake the control thread: %s", strerror(errno));
	pthread_join(s->thread, NULL);
	s->running = false;
	release(s);
}
