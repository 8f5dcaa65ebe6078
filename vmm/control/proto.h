/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control protocol without I/O: parsing requests and replies, and
 * formatting them. Everything here takes bytes and returns bytes, so it can
 * be unit-tested and fuzzed. docs/control-protocol.md is the user's view.
 *
 * Adding a command: a value in enum control_cmd, an entry in the command
 * table in proto.c, and a handler in server.c's table.
 */
#ifndef HVMM_CONTROL_PROTO_H
#define HVMM_CONTROL_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONTROL_PROTOCOL_VERSION 1
#define CONTROL_MAX_REQUEST 1024     /* bytes, including the newline */
#define CONTROL_MAX_REPLY   65536    /* bytes of reply text */
#define CONTROL_NAME_MAX    64
/* The whole request must arrive within this long of the connection being
 * accepted; the reply must be taken within the same time again. */
#define CONTROL_RECV_TIMEOUT_MS 2000

#define CONTROL_MAX_ARGS   2
#define CONTROL_MAX_CPUS   512        /* vCPU numbers 0-511, as KVM allows */
#define CONTROL_MAX_REASON 256        /* bytes of an error reason */
/* A reply on the wire: "ok\n" + up to CONTROL_MAX_REPLY - 1 bytes + "\n". */
#define CONTROL_MAX_WIRE_REPLY (CONTROL_MAX_REPLY + 3)

enum control_cmd {
	CONTROL_CMD_PING,
	CONTROL_CMD_STOP,
	CONTROL_CMD_PAUSE,
	CONTROL_CMD_RESUME,
	CONTROL_CMD_STAT,
	CONTROL_CMD_CPU_ENABLE,
	CONTROL_CMD_CPU_DISABLE,
	CONTROL_CMD_DEBUG_DUMP,
	CONTROL_CMD_SDEI_SIGNAL,
	CONTROL_CMD_PROBE_SANDBOX,
	CONTROL_CMD_COUNT,
};

/* What an argument word may be. */
enum control_arg {
	CONTROL_ARG_CPU,              /* a vCPU number: decimal, 0 to CONTROL_MAX_CPUS - 1 */
	CONTROL_ARG_EVENT,            /* an SDEI event number: decimal or 0x hex, 32 bits */
	CONTROL_ARG_PROBE,            /* open, exec or fork: enum control_probe */
};

/* What `debug probe` has a vCPU thread try (docs/sandbox.md). */
enum control_probe {
	CONTROL_PROBE_OPEN,           /* open a file */
	CONTROL_PROBE_EXEC,           /* start a program */
	CONTROL_PROBE_FORK,           /* start a process */
	CONTROL_PROBE_COUNT,
};

/* VM names: 1-64 of [A-Za-z0-9._-], not starting with '.' (they name sockets). */
bool control_name_valid(const char *name);

/* "open", "exec" or "fork"; NULL past the end. */
const char *control_probe_name(enum control_probe p);

struct control_command {
	enum control_cmd cmd;
	const char *words[2];         /* "cpu", "enable"; words[1] NULL for one word */
	unsigned int min_args, max_args;
	enum control_arg args[CONTROL_MAX_ARGS];
	const char *usage;            /* "cpu enable N" */
};

struct control_request {
	unsigned int version;
	enum control_cmd cmd;
	unsigned int nargs;           /* how many of args were given */
	uint32_t args[CONTROL_MAX_ARGS];
};

/* The command table, and the entry for one command. */
const struct control_command *control_commands(size_t *count);
const struct control_command *control_command_get(enum control_cmd cmd);

/*
 * Parse one request: exactly len bytes, a single line ending in '\n'.
 * Returns 0, or -EINVAL with a one-line, printable reason in err (which is
 * always NUL-terminated when errlen > 0).
 */
int control_parse_request(const char *buf, size_t len, struct control_request *req,
			  char *err, size_t errlen);

/* "hvmm/1 <command>\n" into buf. Returns its length, or -ENOSPC. */
int control_format_request(char *buf, size_t len, const char *command);

/*
 * Reply messages. Both return the length written (never more than
 * len - 1; the result is NUL-terminated), or 0 if len is too small for
 * even an empty message. ok: "ok\n" + text, with a newline added when
 * text is not empty and lacks one. error: "error <reason>\n" with reason
 * cut to CONTROL_MAX_REASON bytes and made one printable line.
 */
size_t control_format_ok(char *out, size_t len, const char *text);
size_t control_format_error(char *out, size_t len, const char *reason);

struct control_reply {
	bool ok;
	const char *text;             /* ok: points into the parsed buffer */
	size_t text_len;
	char reason[CONTROL_MAX_REASON + 1];  /* error: printable, one line */
};

/* Parse a reply as received (up to EOF). Returns 0, or -EPROTO when it is
 * neither an ok nor an error message. */
int control_parse_reply(const char *buf, size_t len, struct control_reply *reply);

/* A vCPU number: decimal digits only, below CONTROL_MAX_CPUS. 0 or -1. */
int control_parse_cpu(const char *s, size_t len, uint32_t *out);
/* An SDEI event number: decimal or 0x-prefixed hex; -EINVAL, or -ERANGE
 * past 32 bits. */
int control_parse_event(const char *s, size_t len, uint32_t *out);

#endif
