/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The client subcommands' command lines (`hvmm stop --name g`, ...), turned
 * into the request to send without any I/O, and their help texts.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "vmm/log.h"
#include "client.h"
#include "proto.h"

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
	{ "socket", "socket --name NAME",
	  "print where VM NAME's control socket is (whether it runs or not)", TAKES_NAME },
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
		fprintf(out, "   %-14s %s\n", client_commands[i].name, client_commands[i].about);
}

/* ---- the command line ---------------------------------------------------- */

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
			return reason_set(-1, err, errlen, "option '--name' needs a value");
		if (cli->name)
			return reason_set(-1, err, errlen, "option '--name' given twice");
		if (!control_name_valid(val))
			return reason_set(-1, err, errlen, "--name '%s': not a VM name (1-%d letters, digits, '.', '_' or '-')",
				    val, CONTROL_NAME_MAX);
		cli->name = val;
		return 0;
	}
	if ((c->flags & (TAKES_DUMP | TAKES_SDEI)) && (r = take_value(argc, argv, i, "--vcpu", &val))) {
		if (r < 0)
			return reason_set(-1, err, errlen, "option '--vcpu' needs a value");
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
			return reason_set(-1, err, errlen, "option '--probe-sandbox' needs a value: open, exec or fork");
		w->probe = val;
		return 0;
	}
	return reason_set(-1, err, errlen, "unknown option '%s'", word);
}

static int check_cpu(const char *s, uint32_t *cpu, char *err, size_t errlen)
{
	int ret = control_parse_cpu(s, strlen(s), cpu);

	if (ret == -ERANGE)
		return reason_set(-1, err, errlen, "vCPU '%s' is out of range (0-%d)", s, CONTROL_MAX_CPUS - 1);
	if (ret)
		return reason_set(-1, err, errlen, "'%s' is not a vCPU number", s);
	return 0;
}

/* "cpu enable|disable N". */
static int build_cpu(const struct client_command *c, const struct cli_words *w, char *cmd, size_t len,
		     char *err, size_t errlen)
{
	uint32_t cpu;

	if (w->npos < 2)
		return reason_set(-1, err, errlen, "usage: hvmm %s", c->usage);
	if (strcmp(w->pos[0], "enable") && strcmp(w->pos[0], "disable"))
		return reason_set(-1, err, errlen, "expected enable or disable, not '%s'", w->pos[0]);
	if (check_cpu(w->pos[1], &cpu, err, errlen))
		return -1;
	snprintf(cmd, len, "cpu %s %u", w->pos[0], cpu);
	return 0;
}

/* "sdei signal EVENT [N]". */
static int build_sdei(const struct client_command *c, const struct cli_words *w, char *cmd, size_t len,
		      char *err, size_t errlen)
{
	uint32_t event, cpu;

	if (w->npos < 2 || strcmp(w->pos[0], "signal"))
		return reason_set(-1, err, errlen, "usage: hvmm %s", c->usage);
	if (control_parse_event(w->pos[1], strlen(w->pos[1]), &event))
		return reason_set(-1, err, errlen, "'%s' is not an event number", w->pos[1]);
	if (!w->vcpu) {
		snprintf(cmd, len, "sdei signal %u", event);
		return 0;
	}
	if (check_cpu(w->vcpu, &cpu, err, errlen))
		return -1;
	snprintf(cmd, len, "sdei signal %u %u", event, cpu);
	return 0;
}

/* "debug probe open|exec|fork [N]" or "debug dump [N]". */
static int build_debug(const struct cli_words *w, char *cmd, size_t len, char *err, size_t errlen)
{
	uint32_t cpu;

	if (w->probe) {
		bool known = false;

		if (w->dump)
			return reason_set(-1, err, errlen, "give --dump or --probe-sandbox, not both");
		for (int p = 0; p < CONTROL_PROBE_COUNT; p++)
			known |= !strcmp(w->probe, control_probe_name((enum control_probe)p));
		if (!known)
			return reason_set(-1, err, errlen, "--probe-sandbox '%s': expected open, exec or fork", w->probe);
	} else if (!w->dump) {
		return reason_set(-1, err, errlen, "nothing to do: give --dump or --probe-sandbox");
	}
	if (w->vcpu && check_cpu(w->vcpu, &cpu, err, errlen))
		return -1;
	if (w->probe && w->vcpu)
		snprintf(cmd, len, "debug probe %s %u", w->probe, cpu);
	else if (w->probe)
		snprintf(cmd, len, "debug probe %s", w->probe);
	else if (w->vcpu)
		snprintf(cmd, len, "debug dump %u", cpu);
	else
		snprintf(cmd, len, "debug dump");
	return 0;
}

/* The request words ("cpu enable 3") once the options make sense together. */
static int build_command(const struct client_command *c, const struct control_cli *cli,
			 const struct cli_words *w, char *cmd, size_t len, char *err, size_t errlen)
{
	if (c->flags & TAKES_NAME) {
		if (cli->all && cli->name)
			return reason_set(-1, err, errlen, "give --name or --all, not both");
		if (!cli->all && !cli->name)
			return reason_set(-1, err, errlen, (c->flags & TAKES_ALL) ? "which VM? give --name NAME or --all" :
				    "which VM? give --name NAME");
	}
	if (c->flags & TAKES_CPU)
		return build_cpu(c, w, cmd, len, err, errlen);
	if (c->flags & TAKES_SDEI)
		return build_sdei(c, w, cmd, len, err, errlen);
	if (c->flags & TAKES_DUMP)
		return build_debug(w, cmd, len, err, errlen);
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
		return reason_set(-1, err, errlen, "unknown command '%s'", argc > 0 ? argv[0] : "");
	cli->command = c->name;
	cli->list = !strcmp(c->name, "list");
	cli->socket = !strcmp(c->name, "socket");
	for (int i = 1; i < argc; i++) {
		const char *word = argv[i];

		/* "-1" is a (bad) number for the checks below, not an option. */
		if (options_done || word[0] != '-' || !word[1] || (word[1] >= '0' && word[1] <= '9')) {
			if (w.npos == ((c->flags & (TAKES_CPU | TAKES_SDEI)) ? 2u : 0u))
				return reason_set(-1, err, errlen, "unexpected argument '%s'", word);
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
		return reason_set(-1, err, errlen, "request too long");
	return 0;
}

void control_cli_print_usage(FILE *out, const char *command)
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
	fprintf(out, "\nThe VMs' sockets are in $XDG_RUNTIME_DIR/hvmm/, else ~/.hvmm/, else\n"
		     "${TMPDIR:-/tmp}/hvmm-UID/ (when neither XDG_RUNTIME_DIR nor HOME is set).\n");
}

