/* SPDX-License-Identifier: GPL-2.0-only */
/* hvmm's exit statuses; docs/exit-status.md is the user-facing table. */
#ifndef HVMM_EXIT_STATUS_H
#define HVMM_EXIT_STATUS_H

enum hvmm_exit_status {
	HVMM_EXIT_POWEROFF  = 0,   /* the guest powered off (PSCI SYSTEM_OFF) */
	HVMM_EXIT_ERROR     = 1,   /* hvmm failed: bad input, KVM error, a vCPU failure */
	HVMM_EXIT_USAGE     = 2,   /* the command line was wrong */
	HVMM_EXIT_RESET     = 3,   /* the guest asked for a reset (PSCI SYSTEM_RESET) */
	HVMM_EXIT_HOST_STOP = 4,   /* stopped from the host: Ctrl-A x or a signal */
	HVMM_EXIT_TIMEOUT   = 5,   /* --timeout passed with the guest still running */
	HVMM_EXIT_HANDLER   = 1,   /* an --smccc-handler failed with --smccc-handler-fail stop, or
				    * could not start (docs/smccc-handlers.md): an error like any other */
	/* 0..255: the status the guest gave hvmm's EXIT call (docs/hvmm-service.md);
	 * it may be any of the above, so scripts relying on it pick one that
	 * neither hvmm nor a shell or timeout(1) uses (6..123). */
	HVMM_EXIT_GUEST_MAX = 255,
};

#endif
