/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * How a libFuzzer target reports a broken invariant: one line naming the
 * check, then abort(), which libFuzzer records as a crash with its input.
 */
#ifndef HVMM_TESTS_FUZZ_INVARIANT_H
#define HVMM_TESTS_FUZZ_INVARIANT_H

#define CHECK(cond, ...) \
	do { \
		if (!(cond)) \
			fuzz_violation(__FILE__, __LINE__, #cond, __VA_ARGS__); \
	} while (0)

/* "FILE:LINE: invariant broken (what): " and the message, then abort(). */
__attribute__((noreturn, format(printf, 4, 5)))
void fuzz_violation(const char *file, int line, const char *what, const char *fmt, ...);

#endif
