/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The client subcommands: `hvmm list|stop|pause|resume|stat|cpu|debug|sdei`
 * (client.c talks to the VMs, cli.c reads their command lines).
 */
#ifndef HVMM_CONTROL_CLIENT_H
#define HVMM_CONTROL_CLIENT_H

#include <stdbool.h>
#include <stdio.h>

#include "proto.h"

/* `hvmm <command> ...` (argv[0] is the command). Returns the process exit
 * status; errors are one line on stderr. */
int control_client_main(int argc, char *argv[]);

/* ---- the command line, parsed without I/O (for the unit tests) ---- */

struct control_cli {
	const char *command;         /* argv[0]: "stop", "cpu", ... */
	const char *name;            /* --name, or NULL */
	bool all;                    /* stop --all */
	bool help;
	bool list;                   /* hvmm list: ping every socket */
	bool socket;                 /* hvmm socket: only print the socket's path */
	/* The request to send, "hvmm/1 ...\n" (not for list, help). */
	char request[CONTROL_MAX_REQUEST + 1];
};

/* Is cmd one of the commands control_client_main serves? */
bool control_client_handles(const char *cmd);
/* "  stop      stop a VM, ..." lines for `hvmm help`. */
void control_client_print_commands(FILE *out);

/* Returns 0, or -1 with a one-line reason in err (a usage error). */
int control_cli_parse(int argc, char *const argv[], struct control_cli *cli, char *err, size_t errlen);
/* `hvmm <command> --help`; nothing for a command that is not a client's. */
void control_cli_print_usage(FILE *out, const char *command);

#endif
