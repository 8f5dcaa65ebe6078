/* SPDX-License-Identifier: GPL-2.0-only */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

static const char *const level_names[] = {
	[LOG_ERROR] = "error", [LOG_WARNING] = "warning",
	[LOG_INFO] = "info", [LOG_DEBUG] = "debug",
};

int log_level_parse(const char *name, enum log_level *out)
{
	for (unsigned int i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		if (!strcmp(name, level_names[i])) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}

void log_msg(const struct log *log, enum log_level level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (log && level > log->level)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* One call per line so lines from several vCPU threads never interleave. */
	fprintf(stderr, "hvmm: %s%s\n", level == LOG_ERROR ? "" :
		level == LOG_WARNING ? "warning: " : "", line);
}

int reason_set(int ret, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!errlen)
		return ret;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	for (char *c = err; *c; c++) {
		unsigned char b = (unsigned char)*c, next = (unsigned char)c[1];

		if (b < 0x20 || b == 0x7f)
			*c = '?';
		else if (b == 0xc2 && next >= 0x80 && next <= 0x9f)
			c[0] = c[1] = '?';
	}
	return ret;
}
