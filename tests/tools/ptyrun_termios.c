/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ptyrun: the difference between two termios, every field, in words: what
 * --expect-termios reports when a program did not give the terminal back as
 * it found it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ptyrun.h"

struct flag_name {
	tcflag_t mask;
	const char *name;
};

static const struct flag_name iflag_names[] = {
	{ IGNBRK, "IGNBRK" }, { BRKINT, "BRKINT" }, { IGNPAR, "IGNPAR" }, { PARMRK, "PARMRK" },
	{ INPCK, "INPCK" }, { ISTRIP, "ISTRIP" }, { INLCR, "INLCR" }, { IGNCR, "IGNCR" },
	{ ICRNL, "ICRNL" }, { IUCLC, "IUCLC" }, { IXON, "IXON" }, { IXANY, "IXANY" },
	{ IXOFF, "IXOFF" }, { IMAXBEL, "IMAXBEL" }, { IUTF8, "IUTF8" }, { 0, NULL },
};
static const struct flag_name oflag_names[] = {
	{ OPOST, "OPOST" }, { OLCUC, "OLCUC" }, { ONLCR, "ONLCR" }, { OCRNL, "OCRNL" },
	{ ONOCR, "ONOCR" }, { ONLRET, "ONLRET" }, { OFILL, "OFILL" }, { OFDEL, "OFDEL" },
	{ NLDLY, "NLDLY" }, { CRDLY, "CRDLY" }, { TABDLY, "TABDLY" }, { BSDLY, "BSDLY" },
	{ VTDLY, "VTDLY" }, { FFDLY, "FFDLY" }, { 0, NULL },
};
static const struct flag_name cflag_names[] = {
	{ CBAUD, "CBAUD" }, { CSIZE, "CSIZE" }, { CSTOPB, "CSTOPB" }, { CREAD, "CREAD" },
	{ PARENB, "PARENB" }, { PARODD, "PARODD" }, { HUPCL, "HUPCL" }, { CLOCAL, "CLOCAL" },
	{ CBAUDEX, "CBAUDEX" }, { CRTSCTS, "CRTSCTS" }, { 0, NULL },
};
static const struct flag_name lflag_names[] = {
	{ ISIG, "ISIG" }, { ICANON, "ICANON" }, { ECHO, "ECHO" }, { ECHOE, "ECHOE" },
	{ ECHOK, "ECHOK" }, { ECHONL, "ECHONL" }, { NOFLSH, "NOFLSH" }, { TOSTOP, "TOSTOP" },
	{ ECHOCTL, "ECHOCTL" }, { ECHOPRT, "ECHOPRT" }, { ECHOKE, "ECHOKE" },
	{ FLUSHO, "FLUSHO" }, { PENDIN, "PENDIN" }, { IEXTEN, "IEXTEN" }, { EXTPROC, "EXTPROC" },
	{ 0, NULL },
};
static const struct { int index; const char *name; } cc_names[] = {
	{ VINTR, "VINTR" }, { VQUIT, "VQUIT" }, { VERASE, "VERASE" }, { VKILL, "VKILL" },
	{ VEOF, "VEOF" }, { VTIME, "VTIME" }, { VMIN, "VMIN" }, { VSWTC, "VSWTC" },
	{ VSTART, "VSTART" }, { VSTOP, "VSTOP" }, { VSUSP, "VSUSP" }, { VEOL, "VEOL" },
	{ VREPRINT, "VREPRINT" }, { VDISCARD, "VDISCARD" }, { VWERASE, "VWERASE" },
	{ VLNEXT, "VLNEXT" }, { VEOL2, "VEOL2" },
};

static void appendf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void appendf(char *buf, size_t size, const char *fmt, ...)
{
	size_t n = strlen(buf);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf + n, size - n, fmt, ap);
	va_end(ap);
}

/* "c_lflag 0x8a3b -> 0x8a30 (-ISIG -ICANON ...)": a single bit that went
 * away or came, a multi-bit field that changed, and what no name covers. */
static void diff_flags(char *buf, size_t size, const char *field, tcflag_t a, tcflag_t b,
		       const struct flag_name *names)
{
	tcflag_t left = a ^ b;

	if (!left)
		return;
	appendf(buf, size, "; %s 0x%x -> 0x%x (", field, (unsigned)a, (unsigned)b);
	for (const struct flag_name *f = names; f->name; f++) {
		if (!(left & f->mask))
			continue;
		if (!(f->mask & (f->mask - 1)))
			appendf(buf, size, "%c%s ", b & f->mask ? '+' : '-', f->name);
		else
			appendf(buf, size, "%s 0x%x -> 0x%x ", f->name, (unsigned)(a & f->mask),
				(unsigned)(b & f->mask));
		left &= ~f->mask;
	}
	if (left)
		appendf(buf, size, "other bits 0x%x ", (unsigned)left);
	buf[strlen(buf) - 1] = ')';
}

static const char *cc_name(int index, char *buf, size_t size)
{
	for (size_t i = 0; i < sizeof(cc_names) / sizeof(cc_names[0]); i++)
		if (cc_names[i].index == index)
			return cc_names[i].name;
	snprintf(buf, size, "%d", index);
	return buf;
}

void diff_termios(const struct termios *a, const struct termios *b, char *buf, size_t size)
{
	char idx[16];

	buf[0] = '\0';
	diff_flags(buf, size, "c_iflag", a->c_iflag, b->c_iflag, iflag_names);
	diff_flags(buf, size, "c_oflag", a->c_oflag, b->c_oflag, oflag_names);
	diff_flags(buf, size, "c_cflag", a->c_cflag, b->c_cflag, cflag_names);
	diff_flags(buf, size, "c_lflag", a->c_lflag, b->c_lflag, lflag_names);
	if (a->c_line != b->c_line)
		appendf(buf, size, "; c_line %u -> %u", a->c_line, b->c_line);
	for (int i = 0; i < NCCS; i++)
		if (a->c_cc[i] != b->c_cc[i])
			appendf(buf, size, "; c_cc[%s] %u -> %u", cc_name(i, idx, sizeof(idx)),
				a->c_cc[i], b->c_cc[i]);
	if (cfgetispeed(a) != cfgetispeed(b))
		appendf(buf, size, "; input speed 0x%x -> 0x%x", (unsigned)cfgetispeed(a),
			(unsigned)cfgetispeed(b));
	if (cfgetospeed(a) != cfgetospeed(b))
		appendf(buf, size, "; output speed 0x%x -> 0x%x", (unsigned)cfgetospeed(a),
			(unsigned)cfgetospeed(b));
}
