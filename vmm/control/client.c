/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control socket's client: `hvmm list|stop|pause|resume|stat|cpu|debug|
 * sdei`. Each sends one request to a VM's socket and prints the reply
 * (docs/control-protocol.md). Exit status: 0 ok, 1 an error reply or no
 * such VM, 2 a wrong command line.
 */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "client.h"
#include "io.h"
#include "proto.h"
#include "socket.h"
#include "vmm/exit_status.h"

/* Requests queue behind each other (CONTROL_RECV_TIMEOUT_MS at most each),
 * and a VM may take a while to dump registers: be patient. A ping for
 * `list` should be quick, and one stuck VM must not stall the listing. */
#define CALL_TIMEOUT_MS 30000
#define PING_TIMEOUT_MS 5000
#define REPLY_CAP       (CONTROL_MAX_WIRE_REPLY + 1)

/* ---- talking to a VM ------------------------------------------------------ */

/* Everything up to EOF; -EMSGSIZE past cap bytes. */
static int recv_all(int fd, char *buf, size_t cap, size_t *len, int64_t deadline)
{
	*len = 0;
	for (;;) {
		ssize_t n;
		int ret;

		if (*len == cap)
			return -EMSGSIZE;
		n = recv(fd, buf + *len, cap - *len, 0);
		if (n > 0) {
			char *nul = memchr(buf + *len, '\0', (size_t)n);

			/* A reply that crossed a serial stream (hvmm control-relay)
			 * ends at a NUL; no reply holds one otherwise. */
			if (nul) {
				*len = (size_t)(nul - buf);
				return 0;
			}
			*len += (size_t)n;
			continue;
		}
		if (n == 0)
			return 0;
		if (errno == EINTR)
			continue;
		/* The server closes straight after replying; what it sent counts. */
		if (errno == ECONNRESET && *len)
			return 0;
		if (errno != EAGAIN)
			return -errno;
		ret = control_wait_ready(fd, POLLIN, deadline);
		if (ret)
			return ret;
	}
}

/* One request, one reply (in buf, len bytes). 0 or -errno. */
static int exchange(const char *path, const char *request, unsigned int timeout_ms,
		    char *buf, size_t cap, size_t *len)
{
	int64_t deadline = control_now_ms() + timeout_ms;
	int fd = control_connect(path, timeout_ms), send_ret, ret;

	*len = 0;
	if (fd < 0)
		return fd;
	/* If sending fails the VM may still have said why: read anyway. */
	send_ret = control_send_all(fd, request, strlen(request), deadline);
	ret = recv_all(fd, buf, cap, len, deadline);
	close(fd);
	if (send_ret && !*len)
		return send_ret;
	return ret;
}

static void report_failure(const char *name, int ret)
{
	switch (ret) {
	case -ENOENT:
	case -ECONNREFUSED:
		fprintf(stderr, "hvmm: no VM named '%s' is running\n", name);
		break;
	case -ETIMEDOUT:
	case -EAGAIN:
		fprintf(stderr, "hvmm: VM '%s' did not answer within %d s\n", name, CALL_TIMEOUT_MS / 1000);
		break;
	case -EMSGSIZE:
		fprintf(stderr, "hvmm: VM '%s' sent a reply longer than %d bytes\n", name, CONTROL_MAX_WIRE_REPLY);
		break;
	case -EPROTO:
		fprintf(stderr, "hvmm: VM '%s' sent a malformed reply\n", name);
		break;
	default:
		fprintf(stderr, "hvmm: cannot talk to VM '%s': %s\n", name, strerror(-ret));
		break;
	}
}

/* With --all: name the VM in errors, and skip leftovers of dead VMs
 * quietly, as list does. */
#define CALL_FOR_ALL true

/*
 * Send a request to one VM and print the reply: the text on stdout, or the
 * reason on stderr. Returns the exit status.
 */
static int call_vm(const char *dir, const char *name, const char *request, bool for_all, char *buf)
{
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)], err[256];
	struct control_reply reply;
	size_t len;
	int ret;

	if (control_socket_path(path, sizeof(path), dir, name, err, sizeof(err))) {
		fprintf(stderr, "hvmm: %s\n", err);
		return HVMM_EXIT_ERROR;
	}
	ret = exchange(path, request, CALL_TIMEOUT_MS, buf, REPLY_CAP, &len);
	if (!ret && !len)
		ret = -ECONNRESET;
	if (!ret)
		ret = control_parse_reply(buf, len, &reply);
	if (for_all && (ret == -ENOENT || ret == -ECONNREFUSED))
		return 0;
	if (ret) {
		report_failure(name, ret);
		return HVMM_EXIT_ERROR;
	}
	if (!reply.ok) {
		if (for_all)
			fprintf(stderr, "hvmm: %s: %s\n", name, reply.reason);
		else
			fprintf(stderr, "hvmm: %s\n", reply.reason);
		return HVMM_EXIT_ERROR;
	}
	fwrite(reply.text, 1, reply.text_len, stdout);
	fflush(stdout);
	return 0;
}

/* ---- list and --all -------------------------------------------------------- */

struct name_list {
	char **names;
	size_t count;
};

static void free_names(struct name_list *l)
{
	for (size_t i = 0; i < l->count; i++)
		free(l->names[i]);
	free(l->names);
	l->names = NULL;
	l->count = 0;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int add_name(struct name_list *l, const char *name, size_t len)
{
	char **grown = realloc(l->names, (l->count + 1) * sizeof(*grown));

	if (!grown)
		return -ENOMEM;
	l->names = grown;
	l->names[l->count] = strndup(name, len);
	if (!l->names[l->count])
		return -ENOMEM;
	l->count++;
	return 0;
}

/* Names of the sockets in dir, sorted; no directory means no VMs. */
static int socket_names(const char *dir, struct name_list *l)
{
	static const char suffix[] = ".sock";
	const size_t slen = sizeof(suffix) - 1;
	struct dirent *d;
	DIR *dp;
	int ret = 0;

	l->names = NULL;
	l->count = 0;
	dp = opendir(dir);
	if (!dp)
		return errno == ENOENT ? 0 : -errno;
	while (!ret && (d = readdir(dp))) {
		size_t len = strlen(d->d_name);
		char name[CONTROL_NAME_MAX + 1];

		if (len <= slen || len - slen > CONTROL_NAME_MAX || strcmp(d->d_name + len - slen, suffix))
			continue;
		memcpy(name, d->d_name, len - slen);
		name[len - slen] = '\0';
		if (control_name_valid(name))
			ret = add_name(l, name, len - slen);
	}
	closedir(dp);
	if (ret)
		free_names(l);
	else if (l->count)
		qsort(l->names, l->count, sizeof(*l->names), compare_names);
	return ret;
}

/*
 * Every socket that accepts a connection is a running VM, even one too busy
 * to answer its ping in time (its name is taken). Sockets nobody listens on
 * are left over from VMs that died: skipped without a word.
 */
static int run_list(const char *dir, char *buf)
{
	char request[64], path[sizeof(((struct sockaddr_un *)0)->sun_path)], err[256];
	struct name_list l;
	size_t len;
	int ret;

	ret = socket_names(dir, &l);
	if (ret) {
		fprintf(stderr, "hvmm: cannot read %s: %s\n", dir, strerror(-ret));
		return HVMM_EXIT_ERROR;
	}
	control_format_request(request, sizeof(request), "ping");
	for (size_t i = 0; i < l.count; i++) {
		if (control_socket_path(path, sizeof(path), dir, l.names[i], err, sizeof(err)))
			continue;
		ret = exchange(path, request, PING_TIMEOUT_MS, buf, REPLY_CAP, &len);
		if (ret == -ENOENT || ret == -ECONNREFUSED)
			continue;
		if (ret == -ETIMEDOUT || ret == -EAGAIN)
			fprintf(stderr, "hvmm: note: VM '%s' is busy (no answer within %d s)\n", l.names[i],
				PING_TIMEOUT_MS / 1000);
		else if (ret)
			continue;
		printf("%s\n", l.names[i]);
	}
	fflush(stdout);
	free_names(&l);
	return 0;
}

static int run_all(const char *dir, const char *request, char *buf)
{
	struct name_list l;
	int ret, status = 0;

	ret = socket_names(dir, &l);
	if (ret) {
		fprintf(stderr, "hvmm: cannot read %s: %s\n", dir, strerror(-ret));
		return HVMM_EXIT_ERROR;
	}
	for (size_t i = 0; i < l.count; i++)
		if (call_vm(dir, l.names[i], request, CALL_FOR_ALL, buf))
			status = HVMM_EXIT_ERROR;
	free_names(&l);
	return status;
}

static int print_socket_path(const char *dir, const char *name)
{
	char path[108], err[256];

	if (control_socket_path(path, sizeof(path), dir, name, err, sizeof(err))) {
		fprintf(stderr, "hvmm socket: %s\n", err);
		return HVMM_EXIT_ERROR;
	}
	printf("%s\n", path);
	return 0;
}

int control_client_main(int argc, char *argv[])
{
	char err[256], dir[CONTROL_SOCKET_DIR_MAX];
	struct control_cli cli;
	char *buf;
	int status;

	if (control_cli_parse(argc, argv, &cli, err, sizeof(err))) {
		if (cli.command)
			fprintf(stderr, "hvmm %s: %s (see 'hvmm %s --help')\n", cli.command, err, cli.command);
		else
			fprintf(stderr, "hvmm: %s\n", err);
		return HVMM_EXIT_USAGE;
	}
	if (cli.help) {
		control_cli_print_usage(stdout, cli.command);
		return 0;
	}
	/* hvmm socket creates the directory, as hvmm run would: whoever asks
	 * is about to put a socket there (./run.sh's forwarded one). */
	if (control_socket_dir(dir, sizeof(dir), cli.socket, err, sizeof(err))) {
		fprintf(stderr, "hvmm: %s\n", err);
		return HVMM_EXIT_ERROR;
	}
	if (cli.socket)
		return print_socket_path(dir, cli.name);
	buf = malloc(REPLY_CAP);
	if (!buf) {
		fprintf(stderr, "hvmm: out of memory\n");
		return HVMM_EXIT_ERROR;
	}
	if (cli.list)
		status = run_list(dir, buf);
	else if (cli.all)
		status = run_all(dir, cli.request, buf);
	else
		status = call_vm(dir, cli.name, cli.request, !CALL_FOR_ALL, buf);
	free(buf);
	return status;
}
