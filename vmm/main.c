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

static void print_help(FILE *out);

static int cmd_version(int argc, char *argv[])
{
	(void)argc;
	(void)argv;
	printf("hvmm %s\n", HVMM_VERSION);
	return 0;
}

static int cmd_help(int argc, char *argv[])
{
	(void)argc;
	(void)argv;
	print_help(stdout);
	return 0;
}

static const struct hvmm_command version_command = { "version", "print hvmm's version", cmd_version };
static const struct hvmm_command help_command = { "help", "this text", cmd_help };
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

static void print_help(FILE *out)
{
	fprintf(out, "usage: hvmm COMMAND [options]\n\ncommands:\n");
	for (size_t i = 0; i < NR_COMMANDS; i++)
		fprintf(out, "  %-14s %s\n", commands[i]->name, commands[i]->about);
	fprintf(out, "commands for a running VM (each takes --name NAME; see COMMAND --help):\n");
	control_client_print_commands(out);
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
		print_help(stderr);
		return HVMM_EXIT_USAGE;
	}
	c = find_command(cmd);
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
