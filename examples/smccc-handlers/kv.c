/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kv-handler: a key-value store for guests, as an SMCCC user handler of
 * hvmm; the same handler as kv.py beside it, in C.
 *
 * hvmm starts the handler once (with /bin/sh -c) for its --smccc-handler
 * option and passes it every SMCCC call the guest makes in the option's
 * range: one request line on stdin per call, one answer line on stdout
 * (protocol version 1, README.md beside this file). Functions, numbered
 * from BASE, the first function ID of the range (the argument):
 *
 *   BASE + 0  PUT(key = x1, value = x2)  x0 = 0; x0 = -3 if the key is new
 *                                         and 4096 keys are stored already
 *   BASE + 1  GET(key = x1)              x0 = 0, x1 = the value;
 *                                         x0 = -2 if the key is not there
 *   BASE + 2  COUNT                      x0 = 0, x1 = the number of keys
 *   other                                unsupported (the guest gets -1)
 *
 * One store for SMC32 and SMC64 calls, both conduits and all vCPUs; the
 * values are used as hvmm gives them (it has cut an SMC32 call's arguments
 * to 32 bits already). A line that is not a request exactly as the
 * protocol writes it is answered 'unsupported', and the handler goes on.
 * At the end of its input it exits with status 0.
 *
 * Built by make (static, arm64) as build/examples/kv-handler; run it with
 *   hvmm run -k Image -i initramfs.cpio \
 *       --smccc-handler 0xc3000000+0x10='build/examples/kv-handler 0xc3000000'
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define MAX_KEYS 4096
/* Twice as many slots as keys: the table is at most half full, so probe
 * sequences stay short and always reach a free slot. */
#define SLOT_BITS 13
#define NR_SLOTS (1u << SLOT_BITS)
/* The longest request is 158 bytes; a longer line is skipped, not stored. */
#define REQUEST_MAX 256
#define NR_FIELDS 10
#define NR_ARGS 7

/* The error codes, as the 64-bit register values the guest reads. */
#define NOT_FOUND ((uint64_t)-2)
#define NO_ROOM ((uint64_t)-3)

struct request {
	uint32_t fid;
	uint64_t x[NR_ARGS];	/* x1..x7 */
};

struct slot {
	uint64_t key, value;
	bool used;
};

static struct slot slots[NR_SLOTS];
static unsigned int nr_keys;

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* s[0..n): 1 to max hex digits (at most 16, so the value cannot overflow). */
static bool hex_digits(const char *s, size_t n, size_t max, uint64_t *v)
{
	if (n == 0 || n > max)
		return false;
	*v = 0;
	for (size_t i = 0; i < n; i++) {
		int d = hex_digit(s[i]);

		if (d < 0)
			return false;
		*v = *v << 4 | (uint64_t)d;
	}
	return true;
}

/* s[0..n): "0x" and 1 to max hex digits, as hvmm writes numbers. */
static bool hex_field(const char *s, size_t n, size_t max, uint64_t *v)
{
	return n > 2 && s[0] == '0' && s[1] == 'x' && hex_digits(s + 2, n - 2, max, v);
}

/* s[0..n): a vCPU index, 1 to 10 decimal digits worth at most 32 bits. */
static bool dec32_field(const char *s, size_t n)
{
	uint64_t v = 0;

	if (n == 0 || n > 10)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	return v <= UINT32_MAX;
}

static bool conduit_field(const char *s, size_t n)
{
	return n == 3 && (!memcmp(s, "hvc", 3) || !memcmp(s, "smc", 3));
}

/*
 * Splits line[0..len) at each single space into at most max fields (an
 * empty one where two spaces meet). Returns how many, or -1 if more.
 */
static int split_fields(const char *line, size_t len, const char **f, size_t *flen, int max)
{
	size_t start = 0;
	int nf = 0;

	for (size_t i = 0; i <= len; i++) {
		if (i < len && line[i] != ' ')
			continue;
		if (nf == max)
			return -1;
		f[nf] = line + start;
		flen[nf++] = i - start;
		start = i + 1;
	}
	return nf;
}

/*
 * A request line (without its newline) into *r. Strict: exactly the ten
 * fields, one space apart, in the forms hvmm writes, so kv.c and kv.py agree
 * on what is a request. Anything else (a NUL byte included) is malformed.
 */
static bool parse_request(const char *line, size_t len, struct request *r)
{
	const char *f[NR_FIELDS];
	size_t flen[NR_FIELDS];
	uint64_t fid;

	if (split_fields(line, len, f, flen, NR_FIELDS) != NR_FIELDS)
		return false;
	if (!dec32_field(f[0], flen[0]) || !conduit_field(f[1], flen[1]) ||
	    !hex_field(f[2], flen[2], 8, &fid))
		return false;
	r->fid = (uint32_t)fid;
	for (int i = 0; i < NR_ARGS; i++)
		if (!hex_field(f[3 + i], flen[3 + i], 16, &r->x[i]))
			return false;
	return true;
}

/*
 * The slot that holds key, or the free slot where it would go. The keys
 * come from the guest: multiplying by 2^64 / phi spreads runs of nearby keys
 * over the table instead of filling one stretch of it.
 */
static struct slot *slot_of(uint64_t key)
{
	uint32_t i = (uint32_t)((key * 0x9e3779b97f4a7c15ull) >> (64 - SLOT_BITS));

	while (slots[i].used && slots[i].key != key)
		i = (i + 1) % NR_SLOTS;
	return &slots[i];
}

static int kv_put(uint64_t key, uint64_t value, uint64_t *w)
{
	struct slot *s = slot_of(key);

	if (!s->used && nr_keys == MAX_KEYS) {
		w[0] = NO_ROOM;
		return 1;
	}
	if (!s->used)
		nr_keys++;
	*s = (struct slot){ .key = key, .value = value, .used = true };
	w[0] = 0;
	return 1;
}

static int kv_get(uint64_t key, uint64_t *w)
{
	const struct slot *s = slot_of(key);

	if (!s->used) {
		w[0] = NOT_FOUND;
		return 1;
	}
	w[0] = 0;
	w[1] = s->value;
	return 2;
}

/* Function fn's answer words into w (x0, x1): how many, 0 for unsupported. */
static int kv_call(uint64_t fn, const uint64_t *x, uint64_t *w)
{
	switch (fn) {
	case 0:
		return kv_put(x[0], x[1], w);
	case 1:
		return kv_get(x[0], w);
	case 2:
		w[0] = 0;
		w[1] = nr_keys;
		return 2;
	default:
		return 0;
	}
}

/* One answer line; false if it could not be written. */
static bool answer(const char *line, size_t len, uint32_t base)
{
	struct request r;
	uint64_t w[2];
	int nw = 0;

	/* A function ID below base wraps to a function number far past 2. */
	if (line && parse_request(line, len, &r))
		nw = kv_call((uint64_t)r.fid - base, r.x, w);
	if (nw == 0)
		fputs("unsupported", stdout);
	for (int i = 0; i < nw; i++)
		printf("%s0x%llx", i ? " " : "", (unsigned long long)w[i]);
	putchar('\n');
	/* hvmm waits for this answer before it sends the next request. */
	return fflush(stdout) == 0 && !ferror(stdout);
}

/*
 * The next line of stdin into buf (without its newline; the last line may
 * lack one). Returns 1 with *len set, 0 at the end of the input, -1 for a
 * line longer than size, whose rest is read and dropped.
 */
static int read_line(char *buf, size_t size, size_t *len)
{
	size_t n = 0;
	int c;

	while ((c = getchar()) != EOF && c != '\n') {
		if (n == size) {
			while ((c = getchar()) != EOF && c != '\n')
				;
			return -1;
		}
		buf[n++] = (char)c;
	}
	if (c == EOF && n == 0)
		return 0;
	*len = n;
	return 1;
}

static bool parse_base(const char *arg, uint32_t *base)
{
	size_t n = strlen(arg);
	uint64_t v;

	/* With or without 0x, as hvmm takes the range on its command line. */
	if (n > 2 && arg[0] == '0' && arg[1] == 'x') {
		arg += 2;
		n -= 2;
	}
	if (!hex_digits(arg, n, 8, &v))
		return false;
	*base = (uint32_t)v;
	return true;
}

int main(int argc, char **argv)
{
	char line[REQUEST_MAX];
	uint32_t base;
	size_t len = 0;
	int got;

	if (argc != 2 || !parse_base(argv[1], &base)) {
		fprintf(stderr, "usage: kv-handler BASE   (BASE: the first function ID of the range, in hex)\n");
		return 2;
	}
	while ((got = read_line(line, sizeof(line), &len)) != 0) {
		if (!answer(got > 0 ? line : NULL, len, base)) {
			perror("kv-handler: stdout");
			return 1;
		}
	}
	if (ferror(stdin)) {
		perror("kv-handler: stdin");
		return 1;
	}
	return 0;
}
