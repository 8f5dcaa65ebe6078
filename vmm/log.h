/* SPDX-License-Identifier: GPL-2.0-only */
/* Leveled logging to stderr. The level lives in the caller's struct, not in a global. */
#ifndef HVMM_LOG_H
#define HVMM_LOG_H

#include <stddef.h>

enum log_level { LOG_ERROR, LOG_WARNING, LOG_INFO, LOG_DEBUG };

struct log {
	enum log_level level;
};

int log_level_parse(const char *name, enum log_level *out);

__attribute__((format(printf, 3, 4)))
void log_msg(const struct log *log, enum log_level level, const char *fmt, ...);

/*
 * Write a one-line reason into err (nothing if errlen is 0) and return ret:
 * how functions report a failure to the caller that reports it. Reasons
 * quote what users and clients sent, so they are kept on one line and free
 * of terminal control sequences: C0 controls, DEL, and the C1 controls
 * U+0080-U+009F as UTF-8 writes them (C2 80-9F; U+009B is a CSI that xterm
 * obeys) become '?'. Other UTF-8, such as a file name's, is kept.
 */
__attribute__((format(printf, 4, 5)))
int reason_set(int ret, char *err, size_t errlen, const char *fmt, ...);

#define log_err(l, ...)   log_msg((l), LOG_ERROR, __VA_ARGS__)
#define log_warn(l, ...)  log_msg((l), LOG_WARNING, __VA_ARGS__)
#define log_info(l, ...)  log_msg((l), LOG_INFO, __VA_ARGS__)
#define log_debug(l, ...) log_msg((l), LOG_DEBUG, __VA_ARGS__)

#endif
