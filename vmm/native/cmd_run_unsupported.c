/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `hvmm run` in the client-only hvmm built for the machine make runs on
 * (make native-client): it has no KVM for arm64 guests here, only the
 * clients, which reach the VMs ./run.sh started in the emulated arm64 host.
 */
#include <stdio.h>

#include "vmm/command.h"
#include "vmm/exit_status.h"

static int cmd_run_unsupported(int argc, char *argv[])
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "hvmm run: this hvmm was built without KVM support for this machine; "
		"./run.sh boots guests in the emulated arm64 host\n");
	return HVMM_EXIT_USAGE;
}

const struct hvmm_command hvmm_run_command = {
	"run", "not in this build: ./run.sh boots guests in the emulated arm64 host",
	cmd_run_unsupported,
};
