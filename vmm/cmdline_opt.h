/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The table `hvmm run` is parsed from (vmm/cmdline_opts.c), and its help
 * printed from, as kvmtool's OPT_* tables do: each entry names an option
 * and says where its value goes in struct vm_config and how it is read.
 * Shared by cmdline.c (the parser) and cmdline_opts.c (the table); not
 * the VMM's interface.
 */
#ifndef HVMM_CMDLINE_OPT_H
#define HVMM_CMDLINE_OPT_H

#include <stddef.h>
#include <stdint.h>

#include "cmdline.h"

enum opt_kind {
	OPT_FLAG,     /* a bool in the configuration, set */
	OPT_STRING,   /* a const char * in it, pointing into argv */
	OPT_UINT,     /* an unsigned int in it, min..max */
	OPT_CHOICE,   /* one of a few words; the word's value in it (bool or enum) */
	OPT_CUSTOM,   /* parse() reads the value */
	OPT_ACCEPTED, /* kvmtool's, asks for what hvmm does anyway (help says what) */
	OPT_REFUSED,  /* kvmtool's, not in hvmm (yet): one line with reason */
};

struct opt_choice {
	const char *word;
	int value;
};

struct opt {
	char short_name;            /* 0: long only */
	const char *long_name;
	const char *arg;            /* the value's name in the help; NULL: none */
	const char *help;
	enum opt_kind kind;
	size_t offset, size;        /* the field (FLAG, STRING, UINT, CHOICE) */
	unsigned int min, max;      /* UINT */
	const char *unit;           /* UINT: "expected UNIT from MIN[min_note] to MAX" */
	const char *min_note;
	const struct opt_choice *choices;   /* CHOICE: ended by a NULL word */
	int (*parse)(const char *val, struct vm_config *cfg, char *err, size_t errlen);   /* CUSTOM */
	const char *reason;         /* REFUSED: why, after "--NAME: " */
};

/* Which entries the command line named (for options that contradict). */
#define OPT_SEEN_MAX 128
struct opt_seen {
	uint64_t bits[OPT_SEEN_MAX / 64];
};

extern const struct opt cmdline_opts[];
extern const size_t cmdline_nr_opts;

/* The entry of --name (len bytes of name), or of -c; NULL: none. */
const struct opt *cmdline_opt_long(const char *name, size_t len);
const struct opt *cmdline_opt_short(char c);

#endif
