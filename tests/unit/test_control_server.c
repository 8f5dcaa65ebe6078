/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for the control socket with real sockets (vmm/control/server.c,
 * vmm/control/client.c): each test gets its own XDG_RUNTIME_DIR, and a fake
 * VMM whose ops record what they were asked.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <linux/sockios.h>

#include "client_capture.h"
#include "vmm/control/client.h"
#include "vmm/control/proto.h"
#include "vmm/control/server.h"
#include "vmm/control/socket.h"

#define SHORT_TIMEOUT_MS 200
#define READ_TIMEOUT_MS  5000

/* ---- the fake VMM ------------------------------------------------------- */

struct fake_vmm {
	pthread_mutex_t lock;
	char calls[512];             /* "stop;cpu 3 on;dump -1;" */
	int ret;                     /* what every op returns */
	const char *text;            /* what it writes (NULL: the op's name) */
	size_t fill;                 /* stat: fill this many bytes instead */
};

__attribute__((format(printf, 2, 3)))
static void record(struct fake_vmm *f, const char *fmt, ...)
{
	size_t used;
	va_list ap;

	pthread_mutex_lock(&f->lock);
	used = strlen(f->calls);
	va_start(ap, fmt);
	vsnprintf(f->calls + used, sizeof(f->calls) - used, fmt, ap);
	va_end(ap);
	pthread_mutex_unlock(&f->lock);
}

static int answer(struct fake_vmm *f, const char *what, char *reply, size_t len)
{
	snprintf(reply, len, "%s", f->text ? f->text : what);
	return f->ret;
}

static int fake_stop(void *vmm, char *reply, size_t len)
{
	record(vmm, "stop;");
	return answer(vmm, "stopping", reply, len);
}

static int fake_pause(void *vmm, char *reply, size_t len)
{
	record(vmm, "pause;");
	return answer(vmm, "paused", reply, len);
}

static int fake_resume(void *vmm, char *reply, size_t len)
{
	record(vmm, "resume;");
	return answer(vmm, "resumed", reply, len);
}

static int fake_stat(void *vmm, char *reply, size_t len)
{
	struct fake_vmm *f = vmm;

	record(vmm, "stat;");
	if (f->fill) {
		/* Everything the buffer holds, without the NUL: the server must
		 * cut it itself. */
		assert_true(f->fill <= len);
		for (size_t i = 0; i < f->fill; i++)
			reply[i] = (char)('a' + i % 26);
		return 0;
	}
	return answer(vmm, "vcpu0 on", reply, len);
}

static int fake_cpu(void *vmm, unsigned int cpu, bool enable, char *reply, size_t len)
{
	record(vmm, "cpu %u %s;", cpu, enable ? "on" : "off");
	return answer(vmm, enable ? "enabled" : "disabled", reply, len);
}

static int fake_dump(void *vmm, int cpu, char *reply, size_t len)
{
	record(vmm, "dump %d;", cpu);
	return answer(vmm, "x0 0", reply, len);
}

static const struct control_ops fake_ops = {
	.stop = fake_stop, .pause = fake_pause, .resume = fake_resume, .stat = fake_stat,
	.cpu_set_enabled = fake_cpu, .debug_dump = fake_dump,
};

/* ---- per-test environment -------------------------------------------------- */

struct env {
	char root[64];               /* XDG_RUNTIME_DIR */
	char dir[128];               /* root/hvmm */
	struct log log;
	struct fake_vmm fake;
	struct control_server server;
	char err[256];
};

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(path);
}

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	if (!e)
		return -1;
	snprintf(e->root, sizeof(e->root), "/tmp/hvmm-ctl-XXXXXX");
	if (!mkdtemp(e->root))
		return -1;
	snprintf(e->dir, sizeof(e->dir), "%s/hvmm", e->root);
	setenv("XDG_RUNTIME_DIR", e->root, 1);
	e->log.level = LOG_ERROR;
	pthread_mutex_init(&e->fake.lock, NULL);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	control_server_stop(&e->server);
	nftw(e->root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	pthread_mutex_destroy(&e->fake.lock);
	free(e);
	return 0;
}

static int start_named(struct env *e, struct control_server *s, const char *name, unsigned int timeout_ms)
{
	struct control_server_opts opts = { .recv_timeout_ms = timeout_ms };

	return control_server_start_opts(s, name, &fake_ops, &e->fake, &e->log, &opts, e->err,
					 sizeof(e->err));
}

static void start(struct env *e, const char *name)
{
	if (start_named(e, &e->server, name, SHORT_TIMEOUT_MS))
		fail_msg("start failed: %s", e->err);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/*
 * Until the server has read every byte this client sent, which also means
 * it has accepted the connection: on a UNIX stream socket SIOCOUTQ counts
 * the memory of what the peer has not read yet (0 once it has read it
 * all). Polled, within READ_TIMEOUT_MS.
 */
static void wait_until_read(int fd)
{
	int64_t deadline = now_ms() + READ_TIMEOUT_MS;
	int unread;

	for (;;) {
		assert_int_equal(ioctl(fd, SIOCOUTQ, &unread), 0);
		if (!unread)
			return;
		if (now_ms() > deadline)
			fail_msg("the server has not read what was sent after %d ms", READ_TIMEOUT_MS);
		sleep_ms(1);
	}
}

/*
 * Until the server has closed its end of the connection (POLLRDHUP), i.e.
 * is done writing its reply, without reading any of it; returns how many
 * bytes wait to be read.
 */
static int wait_until_closed(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLRDHUP };
	int queued;

	if (poll(&p, 1, READ_TIMEOUT_MS) != 1 || !(p.revents & POLLRDHUP))
		fail_msg("the server did not close the connection within %d ms", READ_TIMEOUT_MS);
	assert_int_equal(ioctl(fd, FIONREAD, &queued), 0);
	return queued;
}

static int connect_to(const struct control_server *s)
{
	int fd = control_connect(s->path, 1000);

	if (fd < 0)
		fail_msg("connect %s: %s", s->path, strerror(-fd));
	return fd;
}

/* Everything until EOF (bounded by a timeout), NUL-terminated. */
static size_t read_reply(int fd, char *buf, size_t cap)
{
	int64_t deadline = now_ms() + READ_TIMEOUT_MS;
	size_t len = 0;

	while (len + 1 < cap) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, (int)(deadline - now_ms())) <= 0)
			fail_msg("no reply within %d ms", READ_TIMEOUT_MS);
		n = recv(fd, buf + len, cap - 1 - len, 0);
		if (n == 0 || (n < 0 && errno == ECONNRESET))
			break;
		if (n < 0 && errno == EAGAIN)
			continue;
		assert_true(n > 0);
		len += (size_t)n;
	}
	buf[len] = '\0';
	return len;
}

static void send_bytes(int fd, const char *bytes, size_t len)
{
	assert_int_equal(send(fd, bytes, len, MSG_NOSIGNAL), (ssize_t)len);
}

/* One exchange of raw bytes; shut_wr ends the request with EOF. */
static void talk_bytes(const struct control_server *s, const char *bytes, size_t len, bool shut_wr,
		       char *reply, size_t cap)
{
	int fd = connect_to(s);

	if (len)
		send_bytes(fd, bytes, len);
	if (shut_wr)
		shutdown(fd, SHUT_WR);
	read_reply(fd, reply, cap);
	close(fd);
}

static void talk(const struct control_server *s, const char *line, char *reply, size_t cap)
{
	talk_bytes(s, line, strlen(line), false, reply, cap);
}

static void assert_error_reply(const char *reply, const char *needle)
{
	size_t len = strlen(reply);

	if (strncmp(reply, "error ", 6) || len < 8 || reply[len - 1] != '\n' ||
	    strchr(reply, '\n') != reply + len - 1)
		fail_msg("not a one-line error reply: \"%s\"", reply);
	if (needle && !strstr(reply, needle))
		fail_msg("reply \"%s\" does not mention \"%s\"", reply, needle);
}

static void assert_ping_ok(const struct control_server *s)
{
	char reply[256], expect[128];

	talk(s, "hvmm/1 ping\n", reply, sizeof(reply));
	snprintf(expect, sizeof(expect), "ok\nname %s\nprotocol 1\npid %ld\n", s->name, (long)getpid());
	assert_string_equal(reply, expect);
}

static void make_stale_socket(const char *dir, const char *name)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	int n = snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/%s.sock", dir, name);

	assert_true(n > 0 && (size_t)n < sizeof(addr.sun_path));
	assert_int_equal(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	close(fd);
}

/* ---- starting, names, files ------------------------------------------------ */

static void test_start_ping_stop(void **state)
{
	struct env *e = *state;
	struct control_server zeroed = { .running = false };
	char path[256];
	struct stat st;

	start(e, "vm1");
	snprintf(path, sizeof(path), "%s/vm1.sock", e->dir);
	assert_string_equal(e->server.path, path);
	assert_int_equal(lstat(e->dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_ping_ok(&e->server);
	assert_string_equal(e->fake.calls, "");
	control_server_stop(&e->server);
	assert_int_equal(lstat(path, &st), -1);
	assert_int_equal(errno, ENOENT);
	/* A second stop, and one of a server never started, do nothing. */
	control_server_stop(&e->server);
	control_server_stop(&zeroed);
}

/* The socket is 0600 whatever the umask, and so is a new directory 0700. */
static void test_modes_ignore_umask(void **state)
{
	struct env *e = *state;
	mode_t old = umask(0);
	struct stat st;

	start(e, "open");
	umask(old);
	assert_int_equal(lstat(e->server.path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(lstat(e->dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
}

static void test_invalid_names(void **state)
{
	static const char *const bad[] = {
		"", ".hidden", "a/b", "../x", "a b",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	};
	struct env *e = *state;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(start_named(e, &e->server, bad[i], 0), -EINVAL);
		assert_non_null(strstr(e->err, "invalid VM name"));
		assert_false(e->server.running);
	}
	assert_int_equal(start_named(e, &e->server, NULL, 0), -EINVAL);
}

static void test_stale_socket_removed(void **state)
{
	struct env *e = *state;

	/* A socket file nobody listens on: what a killed hvmm leaves. */
	assert_int_equal(mkdir(e->dir, 0700), 0);
	make_stale_socket(e->dir, "old");
	start(e, "old");
	assert_ping_ok(&e->server);
}

static void test_live_name_refused(void **state)
{
	struct env *e = *state;
	struct control_server second;
	struct stat st;

	start(e, "taken");
	assert_int_equal(start_named(e, &second, "taken", 0), -EADDRINUSE);
	assert_string_equal(e->err, "a VM named 'taken' is already running");
	assert_false(second.running);
	control_server_stop(&second);
	/* The first is untouched: still there, still serving. */
	assert_int_equal(lstat(e->server.path, &st), 0);
	assert_ping_ok(&e->server);
}

static void test_non_socket_not_removed(void **state)
{
	struct env *e = *state;
	char path[256], buf[16] = "";
	struct stat st;
	int fd;

	assert_int_equal(mkdir(e->dir, 0700), 0);
	snprintf(path, sizeof(path), "%s/file.sock", e->dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "keep", 4), 4);
	close(fd);
	assert_int_equal(start_named(e, &e->server, "file", 0), -EEXIST);
	assert_non_null(strstr(e->err, "exists and is not a socket; not removing it"));
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(read(fd, buf, sizeof(buf)), 4);
	assert_string_equal(buf, "keep");
	close(fd);
	/* A directory in the way is not removed either. */
	snprintf(path, sizeof(path), "%s/dir.sock", e->dir);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(start_named(e, &e->server, "dir", 0), -EEXIST);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
}

/* Stopping one server never removes a socket that another VM now owns. */
static void test_stop_leaves_a_successor_alone(void **state)
{
	struct env *e = *state;
	struct control_server next;
	struct stat st;

	start(e, "reused");
	/* Someone removes the socket by hand and another VM takes the name. */
	assert_int_equal(unlink(e->server.path), 0);
	if (start_named(e, &next, "reused", SHORT_TIMEOUT_MS))
		fail_msg("second start failed: %s", e->err);
	control_server_stop(&e->server);
	assert_int_equal(lstat(next.path, &st), 0);
	assert_ping_ok(&next);
	control_server_stop(&next);
	assert_int_equal(lstat(next.path, &st), -1);
}

static void test_path_too_long(void **state)
{
	struct env *e = *state;
	char root[256];

	snprintf(root, sizeof(root), "%s/%s", e->root,
		 "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd");
	assert_int_equal(mkdir(root, 0700), 0);
	setenv("XDG_RUNTIME_DIR", root, 1);
	assert_int_equal(start_named(e, &e->server, "a-name-long-enough-to-overflow", 0), -ENAMETOOLONG);
	assert_false(e->server.running);
}

/* ---- commands reach the right ops ----------------------------------------- */

static void test_commands_reach_ops(void **state)
{
	static const struct { const char *line, *reply, *calls; } cases[] = {
		{ "hvmm/1 stop\n",           "ok\nstopping\n", "stop;" },
		{ "hvmm/1 pause\n",          "ok\npaused\n",   "pause;" },
		{ "hvmm/1 resume\n",         "ok\nresumed\n",  "resume;" },
		{ "hvmm/1 stat\n",           "ok\nvcpu0 on\n", "stat;" },
		{ "hvmm/1 cpu enable 3\n",   "ok\nenabled\n",  "cpu 3 on;" },
		{ "hvmm/1 cpu disable 0\n",  "ok\ndisabled\n", "cpu 0 off;" },
		{ "hvmm/1 cpu enable 511\n", "ok\nenabled\n",  "cpu 511 on;" },
		{ "hvmm/1 debug dump\n",     "ok\nx0 0\n",     "dump -1;" },
		{ "hvmm/1 debug dump 2\n",   "ok\nx0 0\n",     "dump 2;" },
	};
	struct env *e = *state;
	char reply[256];

	start(e, "ops");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		e->fake.calls[0] = '\0';
		talk(&e->server, cases[i].line, reply, sizeof(reply));
		assert_string_equal(reply, cases[i].reply);
		assert_string_equal(e->fake.calls, cases[i].calls);
	}
}

static void test_op_errors(void **state)
{
	struct env *e = *state;
	char reply[256];

	start(e, "errs");
	e->fake.ret = -EBUSY;
	e->fake.text = "vCPU 3 is busy";
	talk(&e->server, "hvmm/1 cpu disable 3\n", reply, sizeof(reply));
	assert_string_equal(reply, "error vCPU 3 is busy\n");
	/* No reason given: the errno's. */
	e->fake.text = "";
	talk(&e->server, "hvmm/1 pause\n", reply, sizeof(reply));
	assert_string_equal(reply, "error Device or resource busy\n");
	/* A reason on several lines still makes one. */
	e->fake.text = "first\nsecond\n";
	talk(&e->server, "hvmm/1 resume\n", reply, sizeof(reply));
	assert_string_equal(reply, "error first second\n");
	assert_string_equal(e->fake.calls, "cpu 3 off;pause;resume;");
}

static void test_unsupported_ops(void **state)
{
	static const struct control_ops none = { .stop = NULL };
	struct env *e = *state;
	char reply[256];

	assert_int_equal(control_server_start_opts(&e->server, "bare", &none, NULL, &e->log, NULL, e->err,
						   sizeof(e->err)), 0);
	talk(&e->server, "hvmm/1 pause\n", reply, sizeof(reply));
	assert_string_equal(reply, "error 'pause' is not supported by this VM\n");
	talk(&e->server, "hvmm/1 debug dump 1\n", reply, sizeof(reply));
	assert_string_equal(reply, "error 'debug dump [N]' is not supported by this VM\n");
	assert_ping_ok(&e->server);
	control_server_stop(&e->server);
	assert_int_equal(control_server_start(&e->server, "bare", NULL, NULL, &e->log, e->err,
					      sizeof(e->err)), -EINVAL);
}

/* A reply as long as the protocol allows arrives whole. */
static void test_largest_reply(void **state)
{
	struct env *e = *state;
	char *reply = malloc(CONTROL_MAX_WIRE_REPLY + 16);
	size_t len;
	int fd;

	assert_non_null(reply);
	start(e, "big");
	e->fake.fill = CONTROL_MAX_REPLY;
	fd = connect_to(&e->server);
	send_bytes(fd, "hvmm/1 stat\n", 12);
	/* The server writes the whole reply (the socket buffer holds it) and
	 * closes its end before the client reads a byte. */
	assert_int_equal(wait_until_closed(fd), CONTROL_MAX_WIRE_REPLY);
	len = read_reply(fd, reply, CONTROL_MAX_WIRE_REPLY + 16);
	close(fd);
	/* "ok\n" + 65535 bytes (the last byte of the buffer was the NUL) + "\n" */
	assert_int_equal(len, 3 + CONTROL_MAX_REPLY - 1 + 1);
	assert_int_equal(len, CONTROL_MAX_WIRE_REPLY);
	assert_memory_equal(reply, "ok\nabc", 6);
	assert_int_equal(reply[len - 1], '\n');
	assert_int_equal(reply[len - 2], 'a' + (CONTROL_MAX_REPLY - 2) % 26);
	free(reply);
}

/* ---- bad clients ------------------------------------------------------------- */

static void test_garbage_gets_errors(void **state)
{
	static const struct { const char *bytes; size_t len; bool shut_wr; const char *needle; } cases[] = {
		{ "hello\n", 6, false, "must start with 'hvmm/1'" },
		{ "hvmm/2 ping\n", 12, false, "not supported" },
		{ "hvmm/1 ping\0\n", 13, false, "byte 0x00 at offset 11" },
		{ "hvmm/1 \xff\xfe\xfd\n", 11, false, "byte 0xff" },
		{ "hvmm/1 cpu enable -1\n", 21, false, "not a vCPU number" },
		{ "hvmm/1 cpu enable 4096\n", 23, false, "out of range" },
		{ "hvmm/1 stop please\n", 19, false, "too many arguments" },
		{ "hvmm/1 launch\n", 14, false, "unknown command 'launch'" },
		{ "hvmm/1 ping", 11, true, "does not end with a newline" },
		{ "", 0, true, "empty request" },
		{ "\n", 1, false, "empty request" },
		{ "GET / HTTP/1.1\r\n", 16, false, "byte 0x0d" },
	};
	struct env *e = *state;
	char reply[512];

	start(e, "garbage");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		talk_bytes(&e->server, cases[i].bytes, cases[i].len, cases[i].shut_wr, reply, sizeof(reply));
		assert_error_reply(reply, cases[i].needle);
	}
	/* None of it reached the VM, and the server still serves. */
	assert_string_equal(e->fake.calls, "");
	assert_ping_ok(&e->server);
}

static void test_oversized_request(void **state)
{
	struct env *e = *state;
	char big[4096 + 1], line[CONTROL_MAX_REQUEST], reply[256];

	start(e, "big");
	memset(big, 'a', sizeof(big));
	big[sizeof(big) - 1] = '\n';
	talk_bytes(&e->server, big, sizeof(big), false, reply, sizeof(reply));
	assert_string_equal(reply, "error request longer than 1024 bytes\n");
	/* One byte over, newline included. */
	memset(big, ' ', CONTROL_MAX_REQUEST + 1);
	memcpy(big, "hvmm/1 stop", 11);
	big[CONTROL_MAX_REQUEST] = '\n';
	talk_bytes(&e->server, big, CONTROL_MAX_REQUEST + 1, false, reply, sizeof(reply));
	assert_string_equal(reply, "error request longer than 1024 bytes\n");
	/* Exactly the limit is fine. */
	memset(line, ' ', sizeof(line));
	memcpy(line, "hvmm/1 stat", 11);
	line[sizeof(line) - 1] = '\n';
	talk_bytes(&e->server, line, sizeof(line), false, reply, sizeof(reply));
	assert_string_equal(reply, "ok\nvcpu0 on\n");
	assert_string_equal(e->fake.calls, "stat;");
	assert_ping_ok(&e->server);
}

/* Bytes after the first newline are not read as a second request. */
static void test_one_request_per_connection(void **state)
{
	struct env *e = *state;
	char reply[256];

	start(e, "one");
	talk(&e->server, "hvmm/1 pause\nhvmm/1 stop\n", reply, sizeof(reply));
	assert_string_equal(reply, "ok\npaused\n");
	assert_string_equal(e->fake.calls, "pause;");
}

static void test_silent_client_times_out(void **state)
{
	struct env *e = *state;
	char reply[256];
	int64_t t0, elapsed;
	int silent;

	start(e, "quiet");
	t0 = now_ms();
	/* Connected first, so accepted first: the server takes connections
	 * one at a time, in the order of its accept queue. */
	silent = connect_to(&e->server);
	assert_ping_ok(&e->server);
	/* Served once the silent one timed out (the server's clock started
	 * after t0), and not much later. */
	elapsed = now_ms() - t0;
	assert_true(elapsed >= SHORT_TIMEOUT_MS);
	assert_true(elapsed < 1500);
	read_reply(silent, reply, sizeof(reply));
	assert_string_equal(reply, "error no complete request within 200 ms\n");
	close(silent);
}

struct trickler {
	const struct control_server *s;
	int fd;
	volatile bool done;
	pthread_t thread;
};

/* One byte every 30 ms (the pace of a slow client, not a wait for the
 * server): each read alone is quick, the whole is not. */
static void *trickle(void *arg)
{
	struct trickler *t = arg;
	const char *line = "hvmm/1 cpu enable 1 and more and more and more and more and more and more\n";

	for (size_t i = 0; line[i] && !t->done; i++) {
		if (send(t->fd, line + i, 1, MSG_NOSIGNAL) != 1)
			break;
		sleep_ms(30);
	}
	return NULL;
}

static void test_trickling_client_times_out(void **state)
{
	struct env *e = *state;
	struct trickler t = { .s = &e->server };
	char reply[256];
	int64_t t0, elapsed;

	start(e, "slow");
	t0 = now_ms();
	/* Connected before the ping, so served first (see above). */
	t.fd = connect_to(&e->server);
	assert_int_equal(pthread_create(&t.thread, NULL, trickle, &t), 0);
	assert_ping_ok(&e->server);
	elapsed = now_ms() - t0;
	assert_true(elapsed >= SHORT_TIMEOUT_MS);
	assert_true(elapsed < 1000);
	t.done = true;
	pthread_join(t.thread, NULL);
	read_reply(t.fd, reply, sizeof(reply));
	assert_string_equal(reply, "error no complete request within 200 ms\n");
	close(t.fd);
	assert_string_equal(e->fake.calls, "");
}

struct pinger {
	const struct control_server *s;
	int ok;
	pthread_t thread;
};

static void *ping_many(void *arg)
{
	struct pinger *p = arg;

	for (int i = 0; i < 10; i++) {
		char reply[256];
		int fd = control_connect(p->s->path, 5000);

		if (fd < 0)
			continue;
		if (send(fd, "hvmm/1 ping\n", 12, MSG_NOSIGNAL) == 12) {
			read_reply(fd, reply, sizeof(reply));
			p->ok += !strncmp(reply, "ok\nname many\n", 13);
		}
		close(fd);
	}
	return NULL;
}

static void test_many_clients(void **state)
{
	struct env *e = *state;
	struct pinger p[12];

	start(e, "many");
	for (size_t i = 0; i < 12; i++) {
		p[i] = (struct pinger){ .s = &e->server };
		assert_int_equal(pthread_create(&p[i].thread, NULL, ping_many, &p[i]), 0);
	}
	for (size_t i = 0; i < 12; i++) {
		pthread_join(p[i].thread, NULL);
		assert_int_equal(p[i].ok, 10);
	}
}

/* Stopping does not wait for a client that is slow to send. */
static void test_stop_is_prompt(void **state)
{
	struct env *e = *state;
	char reply[256];
	int64_t t0;
	int fd;

	if (start_named(e, &e->server, "prompt", 10000))
		fail_msg("start failed: %s", e->err);
	fd = connect_to(&e->server);
	send_bytes(fd, "hvmm/1 st", 9);
	/* The server has the connection and waits for the rest of the line. */
	wait_until_read(fd);
	t0 = now_ms();
	control_server_stop(&e->server);
	assert_true(now_ms() - t0 < 1000);
	read_reply(fd, reply, sizeof(reply));
	assert_string_equal(reply, "error the VM is shutting down\n");
	close(fd);
	assert_int_equal(access(e->server.path, F_OK), -1);
}

/* ---- the client subcommands ---------------------------------------------------- */

static void test_client_list(void **state)
{
	struct env *e = *state;
	struct control_server beta;
	struct captured c;
	char path[256];

	/* No directory yet: nothing running, not an error. */
	CLIENT(&c, "list");
	assert_int_equal(c.status, 0);
	assert_string_equal(c.out, "");
	assert_string_equal(c.err, "");
	start(e, "alpha");
	assert_int_equal(start_named(e, &beta, "beta", SHORT_TIMEOUT_MS), 0);
	make_stale_socket(e->dir, "ghost");
	/* Neither of these is a VM's socket. */
	snprintf(path, sizeof(path), "%s/notes.txt", e->dir);
	fclose(fopen(path, "w"));
	snprintf(path, sizeof(path), "%s/.hidden.sock", e->dir);
	fclose(fopen(path, "w"));
	CLIENT(&c, "list");
	assert_int_equal(c.status, 0);
	assert_string_equal(c.out, "alpha\nbeta\n");
	assert_string_equal(c.err, "");
	control_server_stop(&beta);
	CLIENT(&c, "list");
	assert_string_equal(c.out, "alpha\n");
	assert_string_equal(e->fake.calls, "");
}

static void test_client_commands(void **state)
{
	struct env *e = *state;
	struct captured c;

	start(e, "guest");
	CLIENT(&c, "stat", "--name", "guest");
	assert_int_equal(c.status, 0);
	assert_string_equal(c.out, "vcpu0 on\n");
	assert_string_equal(c.err, "");
	CLIENT(&c, "cpu", "enable", "3", "--name=guest");
	assert_int_equal(c.status, 0);
	assert_string_equal(c.out, "enabled\n");
	CLIENT(&c, "debug", "--dump", "--vcpu", "1", "--name", "guest");
	assert_int_equal(c.status, 0);
	CLIENT(&c, "pause", "--name", "guest");
	CLIENT(&c, "resume", "--name", "guest");
	CLIENT(&c, "stop", "--name", "guest");
	assert_int_equal(c.status, 0);
	assert_string_equal(c.out, "stopping\n");
	assert_string_equal(e->fake.calls, "stat;cpu 3 on;dump 1;pause;resume;stop;");
}

static void test_client_failures(void **state)
{
	struct env *e = *state;
	struct captured c;

	start(e, "guest");
	make_stale_socket(e->dir, "ghost");
	CLIENT(&c, "pause", "--name", "ghost");
	assert_int_equal(c.status, 1);
	assert_string_equal(c.out, "");
	assert_string_equal(c.err, "hvmm: no VM named 'ghost' is running\n");
	CLIENT(&c, "pause", "--name", "nobody");
	assert_int_equal(c.status, 1);
	assert_string_equal(c.err, "hvmm: no VM named 'nobody' is running\n");
	/* An error reply: its reason, one line, status 1. */
	e->fake.ret = -EINVAL;
	e->fake.text = "vCPU 7 does not exist";
	CLIENT(&c, "cpu", "disable", "7", "--name", "guest");
	assert_int_equal(c.status, 1);
	assert_string_equal(c.out, "");
	assert_string_equal(c.err, "hvmm: vCPU 7 does not exist\n");
	/* Usage errors: status 2, nothing sent. */
	e->fake.calls[0] = '\0';
	CLIENT(&c, "cpu", "enable", "x", "--name", "guest");
	assert_int_equal(c.status, 2);
	assert_string_equal(c.err, "hvmm cpu: 'x' is not a vCPU number (see 'hvmm cpu --help')\n");
	CLIENT(&c, "stop");
	assert_int_equal(c.status, 2);
	assert_string_equal(e->fake.calls, "");
	/* Help: status 0, on stdout. */
	CLIENT(&c, "debug", "--help");
	assert_int_equal(c.status, 0);
	assert_non_null(strstr(c.out, "usage: hvmm debug --dump | --probe-sandbox open|exec|fork [--vcpu N] --name NAME\n"));
	assert_string_equal(c.err, "");
}

static void test_client_stop_all(void **state)
{
	struct env *e = *state;
	struct control_server other;
	struct fake_vmm other_fake = { .ret = -EBUSY, .text = "cannot stop now" };
	struct control_server_opts opts = { .recv_timeout_ms = SHORT_TIMEOUT_MS };
	struct captured c;

	pthread_mutex_init(&other_fake.lock, NULL);
	/* Nothing running yet: nothing to do, not an error. */
	CLIENT(&c, "stop", "--all");
	assert_int_equal(c.status, 0);
	start(e, "one");
	assert_int_equal(control_server_start_opts(&other, "two", &fake_ops, &other_fake, &e->log, &opts,
						   e->err, sizeof(e->err)), 0);
	make_stale_socket(e->dir, "ghost");
	CLIENT(&c, "stop", "--all");
	/* Both asked; the one that refused is named; the ghost is skipped. */
	assert_int_equal(c.status, 1);
	assert_string_equal(c.out, "stopping\n");
	assert_string_equal(c.err, "hvmm: two: cannot stop now\n");
	assert_string_equal(e->fake.calls, "stop;");
	assert_string_equal(other_fake.calls, "stop;");
	control_server_stop(&other);
	pthread_mutex_destroy(&other_fake.lock);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_start_ping_stop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_modes_ignore_umask, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_socket_removed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_live_name_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_non_socket_not_removed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_leaves_a_successor_alone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_path_too_long, setup, teardown),
		cmocka_unit_test_setup_teardown(test_commands_reach_ops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_op_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsupported_ops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_largest_reply, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage_gets_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_oversized_request, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_request_per_connection, setup, teardown),
		cmocka_unit_test_setup_teardown(test_silent_client_times_out, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trickling_client_times_out, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_clients, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_is_prompt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_commands, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_stop_all, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
