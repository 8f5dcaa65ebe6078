/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control socket's client: `hvmm list|stop|pause|resume|stat|cpu|debug`.
 * Each sends one request to a VM's socket and prints the reply
 * (docs/control-protocol.md). Exit status: 0 ok, 1 an error reply or no
 * such VM, 2 a wrong command line.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "control.h"
#include "control_io.h"
#include "control_proto.h"
#include "exit_status.h"

/* Requests queue behind each other (CONTROL_RECV_TIMEOUT_MS at most each),
 * and a VM may take a while to dump registers: be patient. A ping for
 * `list` should be quick, and one stuck VM must not stall the listing. */
#define CALL_TIMEOUT_MS 30000
#define PING_TIMEOUT_MS 5000
#define DIR_MAX         4096
#define REPLY_CAP       (CONTROL_MAX_WIRE_REPLY + 1)

enum {
	TAKES_NAME = 1 << 0,      /* --name NAME, required unless --all */
	TAKES_ALL  = 1 << 1,      /* --all */
	TAKES_DUMP = 1 << 2,      /* --dump [--vcpu N] */
	TAKES_CPU  = 1 << 3,      /* enable|disable N */
	TAKES_SDEI = 1 << 4,      /* signal EVENT [--vcpu N] */
};

struct client_command {
	const char *name;
	const char *usage;        /* after "hvmm " */
	const char *about;
	unsigned int flags;
};

static const struct client_command client_commands[] = {
	{ "list",   "list", "list the running VMs, one name per line", 0 },
	{ "stop",   "stop --name NAME | --all", "stop a VM, or every running VM", TAKES_NAME | TAKES_ALL },
	{ "pause",  "pause --name NAME", "pause a VM's vCPUs", TAKES_NAME },
	{ "resume", "resume --name NAME", "resume a paused VM", TAKES_NAME },
	{ "stat",   "stat --name NAME", "print a VM's vCPU states and hypercall counts", TAKES_NAME },
	{ "cpu",    "cpu enable|disable N --name NAME", "enable or disable vCPU N", TAKES_NAME | TAKES_CPU },
	{ "debug",  "debug --dump | --probe-sandbox open|exec|fork [--vcpu N] --name NAME",
	  "print the registers of every vCPU (or of vCPU N), or have a vCPU thread try what its sandbox forbids",
	  TAKES_NAME | TAKES_DUMP },
	{ "sdei",   "sdei signal EVENT [--vcpu N] --name NAME",
	  "raise SDEI event EVENT (on vCPU N for a private event)", TAKES_NAME | TAKES_SDEI },
};

#define NR_CLIENT_COMMANDS (sizeof(client_commands) / sizeof(client_commands[0]))

static const struct client_command *find_client_command(const char *name)
{
	for (size_t i = 0; i < NR_CLIENT_COMMANDS; i++)
		if (!strcmp(client_commands[i].name, name))
			return &client_commands[i];
	return NULL;
}

bool control_client_handles(const char *cmd)
{
	return cmd && find_client_command(cmd);
}

void control_client_print_commands(FILE *out)
{
	for (size_t i = 0; i < NR_CLIENT_COMMANDS; i++)
		fprintf(out, "  %-9s %s\n", client_commands[i].name, client_commands[i].about);
}

/* ---- the command line ---------------------------------------------------- */

/* Messages quote what the user typed: keep them one line, no escapes. */
__attribute__((format(printf, 3, 4)))
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	for (char *c = err; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	return -1;
}

/* "--opt=VALUE" or "--opt VALUE". 1: taken, 0: not this option, -1: no value. */
static int take_value(int argc, char *const argv[], int *i, const char *opt, const char **val)
{
	const char *w = argv[*i];
	size_t n = strlen(opt);

	if (strncmp(w, opt, n))
		return 0;
	if (w[n] == '=') {
		*val = w + n + 1;
		return 1;
	}
	if (w[n])
		return 0;
	if (*i + 1 >= argc)
		return -1;
	*val = argv[++*i];
	return 1;
}

struct cli_words {
	const char *pos[2];       /* enable|disable, N */
	unsigned int npos;
	const char *vcpu;
	bool dump;
	const char *probe;        /* --probe-sandbox WHAT */
};

/* One option word; returns 0, or -1 with the reason in err. */
static int parse_option(const struct client_command *c, int argc, char *const argv[], int *i,
			struct control_cli *cli, struct cli_words *w, char *err, size_t errlen)
{
	const char *word = argv[*i], *val = NULL;
	int r;

	if ((c->flags & TAKES_NAME) && (r = take_value(argc, argv, i, "--name", &val))) {
		if (r < 0)
			return fail(err, errlen, "option '--name' needs a value");
		if (cli->name)
			return fail(err, errlen, "option '--name' given twice");
		if (!control_name_valid(val))
			return fail(err, errlen, "--name '%s': not a VM name (1-%d letters, digits, '.', '_' or '-')",
				    val, CONTROL_NAME_MAX);
		cli->name = val;
		return 0;
	}
	if ((c->flags & (TAKES_DUMP | TAKES_SDEI)) && (r = take_value(argc, argv, i, "--vcpu", &val))) {
		if (r < 0)
			return fail(err, errlen, "option '--vcpu' needs a value");
		w->vcpu = val;
		return 0;
	}
	if ((c->flags & TAKES_ALL) && !strcmp(word, "--all")) {
		cli->all = true;
		return 0;
	}
	if ((c->flags & TAKES_DUMP) && !strcmp(word, "--dump")) {
		w->dump = true;
		return 0;
	}
	if ((c->flags & TAKES_DUMP) && (r = take_value(argc, argv, i, "--probe-sandbox", &val))) {
		if (r < 0)
			return fail(err, errlen, "option '--probe-sandbox' needs a value: open, exec or fork");
		w->probe = val;
		return 0;
	}
	return fail(err, errlen, "unknown option '%s'", word);
}

static int check_cpu(const char *s, uint32_t *cpu, char *err, size_t errlen)
{
	int ret = control_parse_cpu(s, strlen(s), cpu);

	if (ret == -ERANGE)
		return fail(err, errlen, "vCPU '%s' is out of range (0-%d)", s, CONTROL_MAX_CPUS - 1);
	if (ret)
		return fail(err, errlen, "'%s' is not a vCPU number", s);
	return 0;
}

/* The request words ("cpu enable 3") once the options make sense together. */
static int build_command(const struct client_command *c, const struct control_cli *cli,
			 const struct cli_words *w, char *cmd, size_t len, char *err, size_t errlen)
{
	uint32_t cpu;

	if (c->flags & TAKES_NAME) {
		if (cli->all && cli->name)
			return fail(err, errlen, "give --name or --all, not both");
		if (!cli->all && !cli->name)
			return fail(err, errlen, (c->flags & TAKES_ALL) ? "which VM? give --name NAME or --all" :
				    "which VM? give --name NAME");
	}
	if (c->flags & TAKES_CPU) {
		if (w->npos < 2)
			return fail(err, errlen, "usage: hvmm %s", c->usage);
		if (strcmp(w->pos[0], "enable") && strcmp(w->pos[0], "disable"))
			return fail(err, errlen, "expected enable or disable, not '%s'", w->pos[0]);
		if (check_cpu(w->pos[1], &cpu, err, errlen))
			return -1;
		snprintf(cmd, len, "cpu %s %u", w->pos[0], cpu);
		return 0;
	}
	if (c->flags & TAKES_SDEI) {
		uint32_t event;

		if (w->npos < 2 || strcmp(w->pos[0], "signal"))
			return fail(err, errlen, "usage: hvmm %s", c->usage);
		if (control_parse_event(w->pos[1], strlen(w->pos[1]), &event))
			return fail(err, errlen, "'%s' is not an event number", w->pos[1]);
		if (!w->vcpu) {
			snprintf(cmd, len, "sdei signal %u", event);
			return 0;
		}
		if (check_cpu(w->vcpu, &cpu, err, errlen))
			return -1;
		snprintf(cmd, len, "sdei signal %u %u", event, cpu);
		return 0;
	}
	if ((c->flags & TAKES_DUMP) && w->probe) {
		bool known = false;

		if (w->dump)
			return fail(err, errlen, "give --dump or --probe-sandbox, not both");
		for (int p = 0; p < CONTROL_PROBE_COUNT; p++)
			known |= !strcmp(w->probe, control_probe_name((enum control_probe)p));
		if (!known)
			return fail(err, errlen, "--probe-sandbox '%s': expected open, exec or fork", w->probe);
		if (!w->vcpu) {
			snprintf(cmd, len, "debug probe %s", w->probe);
			return 0;
		}
		if (check_cpu(w->vcpu, &cpu, err, errlen))
			return -1;
		snprintf(cmd, len, "debug probe %s %u", w->probe, cpu);
		return 0;
	}
	if (c->flags & TAKES_DUMP) {
		if (!w->dump)
			return fail(err, errlen, "nothing to do: give --dump or --probe-sandbox");
		if (!w->vcpu) {
			snprintf(cmd, len, "debug dump");
			return 0;
		}
		if (check_cpu(w->vcpu, &cpu, err, errlen))
			return -1;
		snprintf(cmd, len, "debug dump %u", cpu);
		return 0;
	}
	snprintf(cmd, len, "%s", c->name);
	return 0;
}

int control_cli_parse(int argc, char *const argv[], struct control_cli *cli, char *err, size_t errlen)
{
	const struct client_command *c = argc > 0 ? find_client_command(argv[0]) : NULL;
	struct cli_words w = { .npos = 0 };
	bool options_done = false;
	char cmd[64];

	memset(cli, 0, sizeof(*cli));
	if (errlen)
		err[0] = '\0';
	if (!c)
		return fail(err, errlen, "unknown command '%s'", argc > 0 ? argv[0] : "");
	cli->command = c->name;
	cli->list = !strcmp(c->name, "list");
	for (int i = 1; i < argc; i++) {
		const char *word = argv[i];

		/* "-1" is a (bad) number for the checks below, not an option. */
		if (options_done || word[0] != '-' || !word[1] || (word[1] >= '0' && word[1] <= '9')) {
			if (w.npos == ((c->flags & (TAKES_CPU | TAKES_SDEI)) ? 2u : 0u))
				return fail(err, errlen, "unexpected argument '%s'", word);
			w.pos[w.npos++] = word;
			continue;
		}
		if (!strcmp(word, "--")) {
			options_done = true;
			continue;
		}
		if (!strcmp(word, "-h") || !strcmp(word, "--help")) {
			cli->help = true;
			return 0;
		}
		if (parse_option(c, argc, argv, &i, cli, &w, err, errlen))
			return -1;
	}
	if (build_command(c, cli, &w, cmd, sizeof(cmd), err, errlen))
		return -1;
	if (control_format_request(cli->request, sizeof(cli->request), cmd) < 0)
		return fail(err, errlen, "request too long");
	return 0;
}

static void print_usage(FILE *out, const char *command)
{
	const struct client_command *c = find_client_command(command);

	if (!c)
		return;
	fprintf(out, "usage: hvmm %s\n\n%c%s.\n", c->usage, c->about[0] - 'a' + 'A', c->about + 1);
	fprintf(out, "\noptions:\n");
	if (c->flags & TAKES_NAME)
		fprintf(out, "  --name NAME   the VM, by the name given to 'hvmm run --name'\n");
	if (c->flags & TAKES_ALL)
		fprintf(out, "  --all         every running VM\n");
	if (c->flags & TAKES_DUMP)
		fprintf(out, "  --dump        print registers\n"
			     "  --probe-sandbox open|exec|fork\n"
			     "                have a vCPU thread try to open a file, start a program or\n"
			     "                start a process: with the sandbox on, hvmm stops (docs/sandbox.md)\n"
			     "  --vcpu N      only vCPU N (default: every vCPU; vCPU 0 for a probe)\n");
	if (c->flags & TAKES_SDEI)
		fprintf(out, "  --vcpu N      the vCPU a private event goes to (not for shared events,\n"
			     "                which the event's routing sends to a PE)\n");
	fprintf(out, "  -h, --help    this text\n");
	fprintf(out, "\nThe VMs' sockets are in $XDG_RUNTIME_DIR/hvmm/ (or ~/.hvmm/).\n");
}

/* ---- talking to a VM ------------------------------------------------------ */

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

int control_client_main(int argc, char *argv[])
{
	char err[256], dir[DIR_MAX];
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
		print_usage(stdout, cli.command);
		return 0;
	}
	if (control_socket_dir(dir, sizeof(dir), false, err, sizeof(err))) {
		fprintf(stderr, "hvmm: %s\n", err);
		return HVMM_EXIT_ERROR;
	}
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
