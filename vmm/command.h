/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvmm's own subcommands (run, version, help), as the table main.c
 * dispatches from. The control socket's clients (list, stop, ...) come
 * from vmm/control/client.h.
 */
#ifndef HVMM_COMMAND_H
#define HVMM_COMMAND_H

struct hvmm_command {
	const char *name;
	const char *about;                     /* one line for `hvmm help` */
	/* argv[0] is the command; returns the exit status (docs/exit-status.md). */
	int (*main)(int argc, char *argv[]);
};

/*
 * `hvmm run`. Which file defines it decides whether this hvmm can boot
 * guests: vmm/cmd_run.c in the arm64 KVM build, vmm/native/cmd_run_unsupported.c
 * in the client-only build for the machine hvmm is built on (make native-client).
 */
extern const struct hvmm_command hvmm_run_command;

#endif
