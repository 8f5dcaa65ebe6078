/* SPDX-License-Identifier: GPL-2.0-only */
/* Leveled logging to stderr. The level lives in the caller's struct, not in a global. */
#ifndef HVMM_LOG_H
#define HVMM_LOG_H

enum log_level { LOG_ERROR, LOG_WARNING, LOG_INFO, LOG_DEBUG };

struct log {
	enum log_level level;
};

int log_level_parse(const char *name, enum log_level *out);

__attribute__((format(printf, 3, 4)))
void log_msg(const struct log *log, enum log_level level, const char *fmt, ...);

#define log_err(l, ...)   log_msg((l), LOG_ERROR, __VA_ARGS__)
#define log_warn(l, ...)  log_msg((l), LOG_WARNING, __VA_ARGS__)
#define log_info(l, ...)  log_msg((l), LOG_INFO, __VA_ARGS__)
#define log_debug(l, ...) log_msg((l), LOG_DEBUG, __VA_ARGS__)

#endif
