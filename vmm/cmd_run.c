/* SPDX-License-Identifier: GPL-2.0-only */
/* `hvmm run`: boot a guest (vmm/vmm.c), in the build that has KVM. */
#include <signal.h>
#include <stdio.h>

#include "cmdline.h"
#include "command.h"
#include "exit_status.h"
#include "vmm.h"

static int cmd_run(int argc, char *argv[])
{
	struct vm_config cfg;
	int status;

	/* A console reader that went away must not kill the VM mid-write. */
	signal(SIGPIPE, SIG_IGN);
	if (!cmdline_run_begin(argc - 1, argv + 1, &cfg, &status))
		return status;
	return vmm_run(&cfg);
}

const struct hvmm_command hvmm_run_command = {
	"run", "boot a guest (hvmm run --help lists its options)", cmd_run,
};
