/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `hvmm control-relay --port DEVICE --name NAME`: serves a VM's control
 * socket on a serial stream, for a VM that runs inside another machine. On
 * an x86-64 machine ./run.sh runs hvmm in an emulated arm64 host and gives
 * that host a virtio-serial port whose other end is a UNIX socket on the
 * x86 side, where `hvmm list`, `stat`, `cpu enable`, ... find it like any
 * VM's socket; this relay, inside the emulated host, carries each request
 * to the VM's real socket and the reply back.
 *
 * A stream cannot close after each reply the way a socket connection does,
 * so a reply crossing it ends with a NUL byte, which no reply holds
 * otherwise (docs/control-protocol.md). The port tells its reader when the
 * far end connects and goes away: reads give 0 while nobody is connected,
 * and each connection carries one request.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "io.h"
#include "proto.h"
#include "relay.h"
#include "socket.h"
#include "vmm/exit_status.h"

/* How long a request may take end to end: the VM's own limits (2 s to
 * read the request, 2 s for the reply to be taken) and some slack. */
#define RELAY_REQUEST_MS 6000
/* How long a reply may wait for the far end to take it. */
#define RELAY_REPLY_MS   2000
/* While nobody is connected, look again this often even without SIGIO. */
#define RELAY_IDLE_MS    1000

struct relay {
	const char *port_path;
	const char *name;
	int port;                   /* the serial port, non-blocking */
	int sig_fd;                 /* SIGIO: the far end connected, or data came */
	char req[CONTROL_MAX_REQUEST + 1];
	size_t req_len;
	char reply[CONTROL_MAX_WIRE_REPLY + 1];
};

static int relay_usage(const char *why)
{
	fprintf(stderr, "hvmm control-relay: %s (usage: hvmm control-relay --port DEVICE --name NAME)\n", why);
	return HVMM_EXIT_USAGE;
}

static int relay_parse(int argc, char *argv[], struct relay *r)
{
	for (int i = 1; i < argc; i++) {
		const char **dst = !strcmp(argv[i], "--port") ? &r->port_path :
				   !strcmp(argv[i], "--name") ? &r->name : NULL;

		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return 1;
		if (!dst) {
			fprintf(stderr, "hvmm control-relay: unknown option '%s'\n", argv[i]);
			return -1;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "hvmm control-relay: %s needs a value\n", argv[i]);
			return -1;
		}
		*dst = argv[++i];
	}
	if (!r->port_path || !r->name)
		return relay_usage("--port and --name are both needed");
	if (!control_name_valid(r->name)) {
		fprintf(stderr, "hvmm control-relay: '%s' is not a VM name\n", r->name);
		return -1;
	}
	return 0;
}

/* The VM's answer to one request line, in r->reply (NUL-terminated, and
 * holding no other NUL): its reply, or an error line of the relay's own. */
static void relay_ask_vm(struct relay *r, const char *line, size_t len)
{
	char dir[CONTROL_SOCKET_DIR_MAX], path[108], err[256];
	int64_t deadline = control_now_ms() + RELAY_REQUEST_MS;
	size_t got = 0;
	int fd = -1;

	if (control_socket_dir(dir, sizeof(dir), false, err, sizeof(err)) ||
	    control_socket_path(path, sizeof(path), dir, r->name, err, sizeof(err))) {
		snprintf(r->reply, sizeof(r->reply), "error %s\n", err);
		return;
	}
	fd = control_connect(path, 1000);
	if (fd < 0 || control_send_all(fd, line, len, deadline)) {
		snprintf(r->reply, sizeof(r->reply), "error no VM named '%s' is running\n", r->name);
		if (fd >= 0)
			close(fd);
		return;
	}
	while (got < sizeof(r->reply) - 1) {
		ssize_t n = read(fd, r->reply + got, sizeof(r->reply) - 1 - got);

		if (n > 0)
			got += (size_t)n;
		else if (n == 0 || (errno != EAGAIN && errno != EINTR) ||
			 (errno == EAGAIN && control_wait_ready(fd, POLLIN, deadline)))
			break;
	}
	close(fd);
	r->reply[got] = '\0';
	if (!got)
		snprintf(r->reply, sizeof(r->reply), "error the VM '%s' did not answer\n", r->name);
	/* A NUL would end the reply early on the far side. */
	for (size_t i = 0; i < got; i++)
		if (!r->reply[i])
			r->reply[i] = '?';
}

/* The reply and its NUL to the port; dropped if the far end went away. */
static void relay_answer(struct relay *r)
{
	size_t len = strlen(r->reply) + 1, off = 0;
	int64_t deadline = control_now_ms() + RELAY_REPLY_MS;

	while (off < len) {
		ssize_t n = write(r->port, r->reply + off, len - off);

		if (n > 0)
			off += (size_t)n;
		else if (n < 0 && errno == EINTR)
			continue;
		else if (n < 0 && errno == EAGAIN && !control_wait_ready(r->port, POLLOUT, deadline))
			continue;
		else
			return;
	}
}

/* Bytes from the far end: serve the request once its line is complete. A
 * line too long for the protocol goes to the VM as it is, which refuses it. */
static void relay_take(struct relay *r, const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		r->req[r->req_len++] = buf[i];
		if (buf[i] != '\n' && r->req_len < sizeof(r->req) - 1)
			continue;
		relay_ask_vm(r, r->req, r->req_len);
		relay_answer(r);
		r->req_len = 0;
	}
}

/* Waits for the port to have something: data, or a change of who is
 * connected (SIGIO). While nobody is connected the port polls as hung up,
 * so only the signal (or the idle timeout) is waited for then. */
static void relay_wait(struct relay *r, bool connected)
{
	struct pollfd pfd[2] = {
		{ .fd = r->sig_fd, .events = POLLIN },
		{ .fd = connected ? r->port : -1, .events = POLLIN },
	};
	struct signalfd_siginfo si;

	if (poll(pfd, 2, connected ? -1 : RELAY_IDLE_MS) > 0 && (pfd[0].revents & POLLIN))
		while (read(r->sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
			;
}

static int relay_open(struct relay *r)
{
	sigset_t sigio;

	r->port = open(r->port_path, O_RDWR | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (r->port < 0) {
		fprintf(stderr, "hvmm control-relay: cannot open %s: %s\n", r->port_path, strerror(errno));
		return -1;
	}
	sigemptyset(&sigio);
	sigaddset(&sigio, SIGIO);
	sigprocmask(SIG_BLOCK, &sigio, NULL);
	r->sig_fd = signalfd(-1, &sigio, SFD_NONBLOCK | SFD_CLOEXEC);
	if (r->sig_fd < 0 || fcntl(r->port, F_SETOWN, getpid()) ||
	    fcntl(r->port, F_SETFL, O_NONBLOCK | O_ASYNC)) {
		fprintf(stderr, "hvmm control-relay: cannot watch %s: %s\n", r->port_path, strerror(errno));
		return -1;
	}
	return 0;
}

int control_relay_main(int argc, char *argv[])
{
	struct relay *r = calloc(1, sizeof(*r));
	char buf[512];
	int ret;

	if (!r) {
		fprintf(stderr, "hvmm control-relay: out of memory\n");
		return HVMM_EXIT_ERROR;
	}
	ret = relay_parse(argc, argv, r);
	if (ret) {
		if (ret > 0)
			printf("usage: hvmm control-relay --port DEVICE --name NAME\n"
			       "Serves the control socket of the VM NAME on the serial port DEVICE\n"
			       "(docs/control-protocol.md); runs until it is killed.\n");
		free(r);
		return ret > 0 ? 0 : HVMM_EXIT_USAGE;
	}
	if (relay_open(r)) {
		free(r);
		return HVMM_EXIT_ERROR;
	}
	signal(SIGPIPE, SIG_IGN);
	for (;;) {
		ssize_t n = read(r->port, buf, sizeof(buf));

		if (n > 0) {
			relay_take(r, buf, (size_t)n);
		} else if (n == 0) {
			/* Nobody on the far end: what it left half-sent goes. */
			r->req_len = 0;
			relay_wait(r, false);
		} else if (errno == EAGAIN || errno == EINTR) {
			relay_wait(r, true);
		} else {
			fprintf(stderr, "hvmm control-relay: reading %s: %s\n", r->port_path, strerror(errno));
			free(r);
			return HVMM_EXIT_ERROR;
		}
	}
}
