/* SPDX-License-Identifier: GPL-2.0-only */
/* The control client run in-process with its output captured, for the
 * unit tests that drive `hvmm list`, `stop`, ... against a test server. */
#ifndef HVMM_TEST_CLIENT_CAPTURE_H
#define HVMM_TEST_CLIENT_CAPTURE_H

#include "vmm/control/proto.h"

struct captured {
	int status;                              /* control_client_main's */
	char out[CONTROL_MAX_WIRE_REPLY + 16];   /* its stdout */
	char err[4096];                          /* its stderr */
};

/* control_client_main(words...) with stdout and stderr going to files. */
void run_client(struct captured *c, const char *const *words);

#define CLIENT(c, ...) run_client((c), (const char *const []){ __VA_ARGS__, NULL })

#endif
