/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `hvmm run` in the client-only hvmm built for the machine make runs on
 * (make native-client): it has no KVM for arm64 guests here, only the
 * clients, which reach the VMs ./run.sh started in the emulated arm64 host.
 * It still reads the options as the real one does, so ./run.sh can refuse
 * a bad command line at once instead of after booting the emulated host.
 */
#include <stdio.h>

#include "vmm/cmdline.h"
#include "vmm/command.h"
#include "vmm/exit_status.h"

static int cmd_run_unsupported(int argc, char *argv[])
{
	struct vm_config cfg;
	int status;

	if (!cmdline_run_begin(argc - 1, argv + 1, &cfg, &status))
		return status;
	/* What hvmm says on a machine without /dev/kvm: it failed (1). */
	fprintf(stderr, "hvmm run: this hvmm was built without KVM support for this machine; "
		"./run.sh boots guests in the emulated arm64 host\n");
	return HVMM_EXIT_ERROR;
}

const struct hvmm_command hvmm_run_command = {
	"run", "not in this build: ./run.sh boots guests in the emulated arm64 host",
	cmd_run_unsupported,
};
