/* SPDX-License-Identifier: GPL-2.0-only */
/* hvmm's entry point: subcommand dispatch and the exit status (docs/exit-status.md). */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cmdline.h"
#include "exit_status.h"
#include "control/client.h"
#include "vmm.h"

#ifndef HVMM_VERSION
#define HVMM_VERSION "0.1"
#endif

static void print_help(FILE *out)
{
	fprintf(out,
		"usage: hvmm COMMAND [options]\n\n"
		"commands:\n"
		"  run       boot a guest (hvmm run --help lists its options)\n"
		"  version   print hvmm's version\n"
		"  help      this text\n"
		"commands for a running VM (each takes --name NAME; see COMMAND --help):\n");
	control_client_print_commands(out);
}

static int cmd_run(int argc, char *argv[])
{
	struct vm_config cfg;
	char err[256];

	if (cmdline_parse_run(argc, argv, &cfg, err, sizeof(err))) {
		fprintf(stderr, "hvmm run: %s\n", err);
		return HVMM_EXIT_USAGE;
	}
	if (cfg.help) {
		cmdline_print_run_usage(stdout);
		return 0;
	}
	return vmm_run(&cfg);
}

int main(int argc, char *argv[])
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	if (!cmd || !strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		print_help(cmd ? stdout : stderr);
		return cmd ? 0 : HVMM_EXIT_USAGE;
	}
	if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
		printf("hvmm %s\n", HVMM_VERSION);
		return 0;
	}
	/* A console reader that went away must not kill the VM mid-write. */
	signal(SIGPIPE, SIG_IGN);
	if (!strcmp(cmd, "run"))
		return cmd_run(argc - 2, argv + 2);
	if (control_client_handles(cmd))
		return control_client_main(argc - 1, argv + 1);
	fprintf(stderr, "hvmm: unknown command '%s' (see 'hvmm help')\n", cmd);
	return HVMM_EXIT_USAGE;
}
