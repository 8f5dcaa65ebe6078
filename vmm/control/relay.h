/* SPDX-License-Identifier: GPL-2.0-only */
/* `hvmm control-relay`: a VM's control socket served on a serial stream (relay.c). */
#ifndef HVMM_CONTROL_RELAY_H
#define HVMM_CONTROL_RELAY_H

/* argv[0] is "control-relay". Runs until killed; returns an exit status
 * only for a usage error or a port it cannot use. */
int control_relay_main(int argc, char *argv[]);

#endif
