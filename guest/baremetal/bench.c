/* SPDX-License-Identifier: GPL-2.0-only */
/* What the benchmarks of the test guests print, and how they sum up samples. */
#include "lib.h"

void bench(const char *name, uint64_t v)
{
	uart_puts("bench: ");
	uart_puts(name);
	uart_putc(' ');
	uart_put_dec(v);
	uart_putc('\n');
}

/* Shell sort in place: no recursion, little code. */
uint64_t median(uint64_t *v, unsigned int n)
{
	unsigned int gap, i, j;

	for (gap = n / 2; gap; gap /= 2)
		for (i = gap; i < n; i++) {
			uint64_t x = v[i];

			for (j = i; j >= gap && v[j - gap] > x; j -= gap)
				v[j] = v[j - gap];
			v[j] = x;
		}
	return v[n / 2];
}
