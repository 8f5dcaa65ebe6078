/* SPDX-License-Identifier: GPL-2.0-only */
/* hvmm's entry point: subcommand dispatch and the exit status (docs/exit-status.md). */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "command.h"
#include "control/client.h"
#include "control/relay.h"
#include "exit_status.h"
#include "stdio_fds.h"

#ifndef HVMM_VERSION
#define HVMM_VERSION "0.1"
#endif

/* The name hvmm was started as: hvmm, or lkvm where it stands in for kvmtool. */
static const char *program_name(const char *argv0)
{
	const char *slash = argv0 ? strrchr(argv0, '/') : NULL;

	if (!argv0 || !*argv0)
		return "hvmm";
	return slash ? slash + 1 : argv0;
}

static int cmd_version(int argc, char *argv[])
{
	(void)argc;
	(void)argv;
	printf("hvmm %s\n", HVMM_VERSION);
	return 0;
}


static const struct hvmm_command version_command = { "version", "print hvmm's version", cmd_version };
/* No main of its own: main() runs help_main, which needs the program name. */
static const struct hvmm_command help_command = { "help", "this text, or a command's with COMMAND", NULL };
static const struct hvmm_command relay_command = {
	"control-relay", "serve a VM's control socket on a serial port", control_relay_main,
};

/* What this hvmm can do besides the clients. Whether run boots guests is
 * up to the file that defines hvmm_run_command (command.h). */
static const struct hvmm_command *const commands[] = {
	&hvmm_run_command, &version_command, &help_command, &relay_command,
};

#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct hvmm_command *find_command(const char *name)
{
	if (!strcmp(name, "--help") || !strcmp(name, "-h"))
		name = "help";
	else if (!strcmp(name, "--version"))
		name = "version";
	for (size_t i = 0; i < NR_COMMANDS; i++)
		if (!strcmp(commands[i]->name, name))
			return commands[i];
	return NULL;
}

/* In the shape of kvmtool's `lkvm --help`, which scripts and test runners
 * recognise an lkvm by. */
static void print_help(FILE *out, const char *prog)
{
	fprintf(out, "\n usage: %s COMMAND [ARGS]\n\n The most commonly used %s commands are:\n", prog, prog);
	for (size_t i = 0; i < NR_COMMANDS; i++)
		fprintf(out, "   %-14s %s\n", commands[i]->name, commands[i]->about);
	control_client_print_commands(out);
	fprintf(out, "\n See '%s help COMMAND' for more information on a specific command.\n", prog);
}

/* hvmm help [COMMAND]: this text, or COMMAND --help. */
static int help_main(const char *prog, int argc, char *argv[])
{
	const struct hvmm_command *c;
	char help_opt[] = "--help";

	if (argc < 2) {
		print_help(stdout, prog);
		return 0;
	}
	if (argc > 2) {
		fprintf(stderr, "hvmm: help takes one command, not '%s' (see '%s help')\n", argv[2], prog);
		return HVMM_EXIT_USAGE;
	}
	c = find_command(argv[1]);
	if (c && c != &help_command)
		return c->main(2, (char *[]){ argv[1], help_opt, NULL });
	if (control_client_handles(argv[1]))
		return control_client_main(2, (char *[]){ argv[1], help_opt, NULL });
	if (c)
		return help_main(prog, 1, argv);
	fprintf(stderr, "hvmm: help: unknown command '%s' (see '%s help')\n", argv[1], prog);
	return HVMM_EXIT_USAGE;
}

int main(int argc, char *argv[])
{
	const char *cmd = argc > 1 ? argv[1] : NULL;
	const struct hvmm_command *c;

	if (stdio_fill_closed()) {
		/* stderr may be what is missing: say it where it can be seen. */
		fprintf(stderr, "hvmm: cannot open /dev/null for a closed standard descriptor\n");
		return HVMM_EXIT_ERROR;
	}

	if (!cmd) {
		print_help(stderr, program_name(argv[0]));
		return HVMM_EXIT_USAGE;
	}
	c = find_command(cmd);
	if (c == &help_command)
		return help_main(program_name(argv[0]), argc - 1, argv + 1);
	if (c)
		return c->main(argc - 1, argv + 1);
	if (control_client_handles(cmd)) {
		/* A reader that went away must not kill the client mid-write. */
		signal(SIGPIPE, SIG_IGN);
		return control_client_main(argc - 1, argv + 1);
	}
	fprintf(stderr, "hvmm: unknown command '%s' (see 'hvmm help')\n", cmd);
	return HVMM_EXIT_USAGE;
}
