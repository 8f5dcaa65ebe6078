/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for the 16550A model (devices/uart_16550.c): transmitted bytes
 * land in a pipe, and a fake interrupt line records every level change.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libfdt.h>

#include "devices/uart_16550.h"

#define UART_BASE	0x9000000ULL
#define UART_SPI	1U
#define GIC_PHANDLE	0x8001U

/* Register offsets and bits, spelled out here so the test does not trust
 * the implementation's own definitions. */
enum { RBR = 0, THR = 0, DLL = 0, IER = 1, DLM = 1, IIR = 2, FCR = 2,
       LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7 };

#define LSR_DR		0x01
#define LSR_OE		0x02
#define LSR_IDLE	0x60	/* THRE | TEMT */
#define IIR_NONE	0x01
#define IIR_THRI	0x02
#define IIR_RDI		0x04
#define IIR_FIFO	0xc0

/* ---- fixture ----------------------------------------------------------- */

struct fake_irq {
	int levels[64];		/* every level driven, in order */
	unsigned int changes;
	unsigned int bad_spi;	/* calls with a wrong SPI number */
	int fail;		/* make set_level refuse */
};

static int fake_set_level(void *opaque, unsigned int spi, int level)
{
	struct fake_irq *irq = opaque;

	if (spi != UART_SPI)
		irq->bad_spi++;
	if (irq->fail)
		return -EIO;
	if (irq->changes < 64)
		irq->levels[irq->changes] = level;
	irq->changes++;
	return 0;
}

struct fixture {
	struct uart_16550 u;
	struct fake_irq irq;
	int out[2];		/* out[0]: what the UART transmitted */
};

static int fixture_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct irq_line line = { .set_level = fake_set_level, .spi = UART_SPI };

	if (!f || pipe2(f->out, O_NONBLOCK)) {
		free(f);
		return -1;
	}
	line.opaque = &f->irq;
	if (uart_16550_init(&f->u, UART_BASE, f->out[1], &line)) {
		close(f->out[0]);
		close(f->out[1]);
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int fixture_teardown(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(f->irq.bad_spi, 0);
	uart_16550_destroy(&f->u);
	close(f->out[0]);
	close(f->out[1]);
	free(f);
	return 0;
}

static uint8_t rd(struct fixture *f, uint64_t off)
{
	uint8_t val = 0xee;

	assert_int_equal(f->u.dev.ops->mmio_read(&f->u.dev, off, &val, 1), 0);
	return val;
}

static void wr(struct fixture *f, uint64_t off, uint8_t val)
{
	assert_int_equal(f->u.dev.ops->mmio_write(&f->u.dev, off, &val, 1), 0);
}

/* Everything the UART has written to out_fd since the last call. */
static size_t drain_output(struct fixture *f, char *buf, size_t size)
{
	ssize_t n = read(f->out[0], buf, size);

	if (n < 0) {
		assert_int_equal(errno, EAGAIN);
		return 0;
	}
	return (size_t)n;
}

static int irq_level(const struct fixture *f)
{
	return f->irq.changes ? f->irq.levels[f->irq.changes - 1] : 0;
}

static void receive_all(struct fixture *f, const char *s)
{
	unsigned int len = (unsigned int)strlen(s);

	assert_int_equal(uart_16550_receive(&f->u, (const uint8_t *)s, len), len);
}

/* ---- reset state ------------------------------------------------------- */

static void test_init_device(void **state)
{
	struct fixture *f = *state;

	assert_string_equal(f->u.dev.name, "uart");
	assert_int_equal(f->u.dev.base, UART_BASE);
	assert_int_equal(f->u.dev.size, 0x1000);
	assert_ptr_equal(f->u.dev.priv, &f->u);
	assert_non_null(f->u.dev.ops);
	assert_non_null(f->u.dev.ops->mmio_read);
	assert_non_null(f->u.dev.ops->mmio_write);
	assert_non_null(f->u.dev.ops->fdt_emit);
	assert_null(f->u.dev.next);
	assert_int_equal(uart_16550_init(NULL, UART_BASE, -1, NULL), -EINVAL);
}

static void test_reset_values(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(rd(f, IER), 0);
	assert_int_equal(rd(f, IIR), IIR_NONE);
	assert_int_equal(rd(f, LCR), 0);
	assert_int_equal(rd(f, MCR), 0);
	assert_int_equal(rd(f, LSR), LSR_IDLE);
	/* No loopback: the modem inputs say DCD, DSR and CTS are asserted. */
	assert_int_equal(rd(f, MSR), 0xb0);
	assert_int_equal(f->irq.changes, 0);
}

/* ---- transmit ---------------------------------------------------------- */

static void test_thr_output(void **state)
{
	struct fixture *f = *state;
	char buf[16];
	const char *msg = "hi\n";

	for (const char *p = msg; *p; p++) {
		wr(f, THR, (uint8_t)*p);
		/* The transmitter never fills up. */
		assert_int_equal(rd(f, LSR), LSR_IDLE);
	}
	assert_int_equal(drain_output(f, buf, sizeof(buf)), 3);
	assert_memory_equal(buf, msg, 3);
	/* Nothing came back into the receiver. */
	assert_int_equal(rd(f, LSR) & LSR_DR, 0);
	assert_int_equal(f->irq.changes, 0);
}

static void test_thr_write_failure_drops_byte(void **state)
{
	struct fixture *f = *state;
	char buf[4];

	/* The read end of a pipe cannot be written: the byte must vanish. */
	f->u.out_fd = f->out[0];
	wr(f, THR, 'x');
	assert_int_equal(rd(f, LSR), LSR_IDLE);

	f->u.out_fd = -1;
	wr(f, THR, 'y');
	assert_int_equal(rd(f, LSR), LSR_IDLE);

	f->u.out_fd = f->out[1];
	wr(f, THR, 'z');
	assert_int_equal(drain_output(f, buf, sizeof(buf)), 1);
	assert_int_equal(buf[0], 'z');
}

static void test_thr_full_pipe_does_not_hang(void **state)
{
	struct fixture *f = *state;
	char buf[4096];
	size_t total = 0, n;
	unsigned int i;

	/* out_fd is non-blocking: once the pipe is full, writes fail (EAGAIN)
	 * and the bytes are dropped rather than stalling the vCPU. */
	assert_int_equal(fcntl(f->out[1], F_SETPIPE_SZ, 4096), 4096);
	for (i = 0; i < 3 * 4096; i++)
		wr(f, THR, (uint8_t)i);
	while ((n = drain_output(f, buf, sizeof(buf))) > 0)
		total += n;
	assert_int_equal(total, 4096);
	assert_int_equal(rd(f, LSR), LSR_IDLE);
}

/* ---- loopback ---------------------------------------------------------- */

static void test_loopback_echoes_thr(void **state)
{
	struct fixture *f = *state;
	char buf[4];

	wr(f, MCR, 0x10);
	wr(f, THR, 'A');
	wr(f, THR, 'B');
	assert_int_equal(drain_output(f, buf, sizeof(buf)), 0);
	assert_int_equal(rd(f, LSR), LSR_IDLE | LSR_DR);
	assert_int_equal(rd(f, RBR), 'A');
	assert_int_equal(rd(f, RBR), 'B');
	assert_int_equal(rd(f, LSR), LSR_IDLE);

	/* Out of loopback, bytes go to the fd again. */
	wr(f, MCR, 0x00);
	wr(f, THR, 'C');
	assert_int_equal(drain_output(f, buf, sizeof(buf)), 1);
	assert_int_equal(buf[0], 'C');
	assert_int_equal(rd(f, LSR), LSR_IDLE);
}

static void test_loopback_msr_mirrors_mcr(void **state)
{
	struct fixture *f = *state;
	static const struct { uint8_t mcr, msr; } map[] = {
		{ 0x10, 0x00 },
		{ 0x11, 0x20 },		/* DTR  -> DSR */
		{ 0x12, 0x10 },		/* RTS  -> CTS */
		{ 0x14, 0x40 },		/* OUT1 -> RI */
		{ 0x18, 0x80 },		/* OUT2 -> DCD */
		{ 0x1a, 0x90 },		/* what Linux's 8250 probe checks */
		{ 0x1f, 0xf0 },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		wr(f, MCR, map[i].mcr);
		assert_int_equal(rd(f, MCR), map[i].mcr);
		assert_int_equal(rd(f, MSR), map[i].msr);
	}
	wr(f, MCR, 0x0b);
	assert_int_equal(rd(f, MSR), 0xb0);
	/* MCR bits 5-7 do not exist on a 16550A. */
	wr(f, MCR, 0xe3);
	assert_int_equal(rd(f, MCR), 0x03);
}

static void test_loopback_disconnects_input(void **state)
{
	struct fixture *f = *state;

	wr(f, MCR, 0x10);
	assert_int_equal(uart_16550_receive(&f->u, (const uint8_t *)"xy", 2), 0);
	assert_int_equal(rd(f, LSR), LSR_IDLE);
	wr(f, MCR, 0x00);
	receive_all(f, "xy");
	assert_int_equal(rd(f, RBR), 'x');
}

static void test_loopback_overrun(void **state)
{
	struct fixture *f = *state;
	unsigned int i;

	wr(f, MCR, 0x10);
	for (i = 0; i < UART_16550_RX_BUF; i++)
		wr(f, THR, (uint8_t)i);
	assert_int_equal(rd(f, LSR), LSR_IDLE | LSR_DR);
	wr(f, THR, 0xff);			/* no room left */
	assert_int_equal(rd(f, LSR), LSR_IDLE | LSR_DR | LSR_OE);
	assert_int_equal(rd(f, LSR), LSR_IDLE | LSR_DR);	/* OE clears on read */
	for (i = 0; i < UART_16550_RX_BUF; i++)
		assert_int_equal(rd(f, RBR), (uint8_t)i);
	assert_int_equal(rd(f, LSR), LSR_IDLE);
}

/* ---- plain registers --------------------------------------------------- */

static void test_divisor_latch_round_trip(void **state)
{
	struct fixture *f = *state;
	char buf[4];

	wr(f, IER, 0x05);
	wr(f, LCR, 0x83);			/* DLAB, 8N1 */
	assert_int_equal(rd(f, LCR), 0x83);
	wr(f, DLL, 0x0c);
	wr(f, DLM, 0x01);
	assert_int_equal(rd(f, DLL), 0x0c);
	assert_int_equal(rd(f, DLM), 0x01);
	/* Divisor writes neither transmitted nor touched IER. */
	assert_int_equal(drain_output(f, buf, sizeof(buf)), 0);

	wr(f, LCR, 0x03);
	assert_int_equal(rd(f, IER), 0x05);
	wr(f, THR, 'q');
	assert_int_equal(drain_output(f, buf, sizeof(buf)), 1);

	wr(f, LCR, 0x80);
	assert_int_equal(rd(f, DLL), 0x0c);
	assert_int_equal(rd(f, DLM), 0x01);
	wr(f, LCR, 0x00);
}

static void test_divisor_latch_hides_rbr(void **state)
{
	struct fixture *f = *state;

	receive_all(f, "k");
	wr(f, LCR, 0x80);
	rd(f, DLL);				/* must not consume the byte */
	wr(f, LCR, 0x00);
	assert_int_equal(rd(f, LSR), LSR_IDLE | LSR_DR);
	assert_int_equal(rd(f, RBR), 'k');
}

static void test_scratch_holds_value(void **state)
{
	struct fixture *f = *state;

	wr(f, SCR, 0x55);
	assert_int_equal(rd(f, SCR), 0x55);
	wr(f, SCR, 0xaa);
	assert_int_equal(rd(f, SCR), 0xaa);
	wr(f, LCR, 0x80);			/* DLAB does not affect SCR */
	assert_int_equal(rd(f, SCR), 0xaa);
}

static void test_ier_upper_bits_read_zero(void **state)
{
	struct fixture *f = *state;

	wr(f, IER, 0xf0);
	assert_int_equal(rd(f, IER), 0x00);
	wr(f, IER, 0x4d);			/* XScale's UUE bit must not stick */
	assert_int_equal(rd(f, IER), 0x0d);
}

static void test_lsr_msr_writes_ignored(void **state)
{
	struct fixture *f = *state;

	wr(f, LSR, 0x1f);
	wr(f, MSR, 0x0f);
	assert_int_equal(rd(f, LSR), LSR_IDLE);
	assert_int_equal(rd(f, MSR), 0xb0);
}

/* ---- FIFO control ------------------------------------------------------ */

static void test_fifo_iir_bits(void **state)
{
	struct fixture *f = *state;

	wr(f, FCR, 0x01);
	assert_int_equal(rd(f, IIR), IIR_FIFO | IIR_NONE);
	wr(f, FCR, 0xc7);			/* trigger level 14, clear both */
	assert_int_equal(rd(f, IIR), IIR_FIFO | IIR_NONE);
	wr(f, FCR, 0x00);
	assert_int_equal(rd(f, IIR), IIR_NONE);
	/* Without the enable bit the rest of FCR is not programmed. */
	wr(f, FCR, 0xc0);
	assert_int_equal(rd(f, IIR), IIR_NONE);
}

static void test_fifo_clear_rx(void **state)
{
	struct fixture *f = *state;

	wr(f, FCR, 0x01);
	wr(f, IER, 0x01);
	receive_all(f, "abc");
	assert_int_equal(irq_level(f), 1);
	wr(f, FCR, 0x03);			/* clear receive FIFO */
	assert_int_equal(rd(f, LSR), LSR_IDLE);
	assert_int_equal(rd(f, IIR), IIR_FIFO | IIR_NONE);
	assert_int_equal(irq_level(f), 0);

	/* Clearing the transmit FIFO alone leaves received data alone. */
	receive_all(f, "d");
	wr(f, FCR, 0x05);
	assert_int_equal(rd(f, RBR), 'd');

	/* Switching the FIFOs off resets them too. */
	receive_all(f, "e");
	wr(f, FCR, 0x00);
	assert_int_equal(rd(f, LSR), LSR_IDLE);
}

/* ---- receive and interrupts -------------------------------------------- */

static void test_receive_raises_and_drain_lowers_irq(void **state)
{
	struct fixture *f = *state;

	wr(f, FCR, 0x01);
	wr(f, IER, 0x01);
	assert_int_equal(f->irq.changes, 0);

	receive_all(f, "ab");
	assert_int_equal(f->irq.changes, 1);
	assert_int_equal(irq_level(f), 1);
	assert_int_equal(rd(f, LSR), LSR_IDLE | LSR_DR);
	assert_int_equal(rd(f, IIR), IIR_FIFO | IIR_RDI);
	assert_int_equal(rd(f, IIR), IIR_FIFO | IIR_RDI);	/* not cleared by reading */

	assert_int_equal(rd(f, RBR), 'a');
	assert_int_equal(irq_level(f), 1);
	assert_int_equal(rd(f, RBR), 'b');
	assert_int_equal(irq_level(f), 0);
	assert_int_equal(rd(f, LSR), LSR_IDLE);
	assert_int_equal(rd(f, IIR), IIR_FIFO | IIR_NONE);

	/* Exactly one rise and one fall: set_level only on a change. */
	assert_int_equal(f->irq.changes, 2);
	assert_int_equal(f->irq.levels[0], 1);
	assert_int_equal(f->irq.levels[1], 0);
}

static void test_receive_without_ier_no_irq(void **state)
{
	struct fixture *f = *state;

	receive_all(f, "z");
	assert_int_equal(rd(f, LSR), LSR_IDLE | LSR_DR);
	assert_int_equal(rd(f, IIR), IIR_NONE);
	assert_int_equal(f->irq.changes, 0);

	/* Enabling the interrupt with data waiting raises it at once. */
	wr(f, IER, 0x01);
	assert_int_equal(irq_level(f), 1);
	wr(f, IER, 0x00);
	assert_int_equal(irq_level(f), 0);
	assert_int_equal(rd(f, RBR), 'z');
}

static void test_rbr_empty_reads_harmless(void **state)
{
	struct fixture *f = *state;

	rd(f, RBR);
	assert_int_equal(rd(f, LSR), LSR_IDLE);
	receive_all(f, "1");
	assert_int_equal(rd(f, RBR), '1');
}

static void test_thri_latch(void **state)
{
	struct fixture *f = *state;

	/* Enabling ETBEI with THR empty raises the interrupt at once. */
	wr(f, IER, 0x02);
	assert_int_equal(irq_level(f), 1);
	assert_int_equal(rd(f, IIR), IIR_THRI);
	/* Reading IIR acknowledged it. */
	assert_int_equal(irq_level(f), 0);
	assert_int_equal(rd(f, IIR), IIR_NONE);

	/* Rewriting IER without a 0->1 edge does not re-raise it. */
	wr(f, IER, 0x02);
	assert_int_equal(irq_level(f), 0);

	/* Each transmitted byte leaves THR empty again. */
	wr(f, THR, 'a');
	assert_int_equal(irq_level(f), 1);
	wr(f, THR, 'b');
	assert_int_equal(irq_level(f), 1);
	assert_int_equal(rd(f, IIR), IIR_THRI);
	assert_int_equal(irq_level(f), 0);

	/* Disabling ETBEI lowers the line; the 0->1 edge raises it again
	 * (Linux's startup checks that THRE re-asserts this way). */
	wr(f, THR, 'c');
	assert_int_equal(irq_level(f), 1);
	wr(f, IER, 0x00);
	assert_int_equal(irq_level(f), 0);
	assert_int_equal(rd(f, IIR), IIR_NONE);
	wr(f, IER, 0x02);
	assert_int_equal(irq_level(f), 1);
	assert_int_equal(rd(f, IIR), IIR_THRI);
	assert_int_equal(irq_level(f), 0);
}

static void test_thri_masked_latch_survives_iir_read(void **state)
{
	struct fixture *f = *state;

	/* A byte written while ETBEI is off latches THRE; reading IIR then does
	 * not report it, so must not clear it. */
	wr(f, THR, 'a');
	assert_int_equal(rd(f, IIR), IIR_NONE);
	assert_int_equal(f->irq.changes, 0);
	wr(f, IER, 0x02);
	assert_int_equal(irq_level(f), 1);
	assert_int_equal(rd(f, IIR), IIR_THRI);
}

static void test_rx_has_priority_over_thri(void **state)
{
	struct fixture *f = *state;

	wr(f, IER, 0x03);
	assert_int_equal(irq_level(f), 1);
	receive_all(f, "r");
	assert_int_equal(irq_level(f), 1);

	/* IIR reports receive data and leaves the THRE latch alone. */
	assert_int_equal(rd(f, IIR), IIR_RDI);
	assert_int_equal(rd(f, IIR), IIR_RDI);
	assert_int_equal(rd(f, RBR), 'r');
	assert_int_equal(irq_level(f), 1);	/* THRE still pending */
	assert_int_equal(rd(f, IIR), IIR_THRI);
	assert_int_equal(irq_level(f), 0);
	assert_int_equal(rd(f, IIR), IIR_NONE);

	/* The line never dropped while one of the sources was pending. */
	assert_int_equal(f->irq.changes, 2);
}

static void test_ring_full(void **state)
{
	struct fixture *f = *state;
	uint8_t buf[UART_16550_RX_BUF + 10];
	unsigned int i;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 7);

	assert_int_equal(uart_16550_receive(&f->u, buf, sizeof(buf)), UART_16550_RX_BUF);
	assert_int_equal(uart_16550_receive(&f->u, buf, 1), 0);

	/* Popping makes room for exactly as many bytes; order survives the wrap. */
	for (i = 0; i < 3; i++)
		assert_int_equal(rd(f, RBR), buf[i]);
	assert_int_equal(uart_16550_receive(&f->u, buf + UART_16550_RX_BUF, 10), 3);
	for (i = 3; i < UART_16550_RX_BUF + 3; i++)
		assert_int_equal(rd(f, RBR), buf[i]);
	assert_int_equal(rd(f, LSR), LSR_IDLE);
	assert_int_equal(uart_16550_receive(&f->u, buf, 0), 0);
	assert_int_equal(uart_16550_receive(&f->u, NULL, 5), 0);
}

/* ---- what the guest must not be able to break --------------------------- */

static void test_bad_accesses_harmless(void **state)
{
	struct fixture *f = *state;
	const struct device_ops *ops = f->u.dev.ops;
	static const uint64_t offsets[] = { 0, 1, 2, 5, 7 };
	static const uint64_t outside[] = { 8, 9, 0x10, 0x7ff, 0xfff };
	static const unsigned int widths[] = { 2, 4, 8 };
	uint8_t data[8], ones[8];
	char buf[16];
	size_t i, j;

	memset(ones, 0xff, sizeof(ones));
	wr(f, SCR, 0x5a);
	wr(f, IER, 0x01);
	receive_all(f, "x");
	f->irq.changes = 0;

	/* Wide accesses to real registers read zero and write nothing. */
	for (i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
		for (j = 0; j < sizeof(widths) / sizeof(widths[0]); j++) {
			memset(data, 0xaa, sizeof(data));
			assert_int_equal(ops->mmio_read(&f->u.dev, offsets[i], data, widths[j]), 0);
			for (unsigned int k = 0; k < widths[j]; k++)
				assert_int_equal(data[k], 0);
			assert_int_equal(ops->mmio_write(&f->u.dev, offsets[i], ones, widths[j]), 0);
		}
	}
	/* Byte and wide accesses past the registers are inert too. */
	for (i = 0; i < sizeof(outside) / sizeof(outside[0]); i++) {
		memset(data, 0xaa, sizeof(data));
		assert_int_equal(ops->mmio_read(&f->u.dev, outside[i], data, 1), 0);
		assert_int_equal(data[0], 0);
		assert_int_equal(ops->mmio_write(&f->u.dev, outside[i], ones, 1), 0);
		assert_int_equal(ops->mmio_read(&f->u.dev, outside[i], data, 4), 0);
		assert_int_equal(ops->mmio_write(&f->u.dev, outside[i], ones, 4), 0);
	}

	assert_int_equal(drain_output(f, buf, sizeof(buf)), 0);
	assert_int_equal(rd(f, SCR), 0x5a);
	assert_int_equal(rd(f, IER), 0x01);
	assert_int_equal(rd(f, LCR), 0x00);
	assert_int_equal(rd(f, MCR), 0x00);
	assert_int_equal(rd(f, RBR), 'x');	/* the wide RBR reads popped nothing */
	assert_int_equal(f->irq.changes, 1);	/* only the drop just now */
	assert_int_equal(irq_level(f), 0);
}

static void test_irq_without_set_level(void **state)
{
	struct uart_16550 *u = calloc(1, sizeof(*u));
	struct irq_line line = { .set_level = NULL, .spi = 3 };
	uint8_t val = 0x03;

	(void)state;
	assert_non_null(u);
	for (int pass = 0; pass < 2; pass++) {
		/* Both an irq_line without set_level and no irq_line at all. */
		assert_int_equal(uart_16550_init(u, UART_BASE, -1, pass ? NULL : &line), 0);
		assert_int_equal(u->dev.ops->mmio_write(&u->dev, IER, &val, 1), 0);
		assert_int_equal(uart_16550_receive(u, (const uint8_t *)"a", 1), 1);
		assert_int_equal(u->dev.ops->mmio_read(&u->dev, IIR, &val, 1), 0);
		assert_int_equal(val, IIR_RDI);
		assert_int_equal(u->dev.ops->mmio_read(&u->dev, RBR, &val, 1), 0);
		assert_int_equal(val, 'a');
		uart_16550_destroy(u);
	}
	free(u);
}

static void test_irq_refused_is_retried(void **state)
{
	struct fixture *f = *state;

	f->irq.fail = 1;
	wr(f, IER, 0x01);
	receive_all(f, "ab");
	assert_int_equal(f->irq.changes, 0);
	f->irq.fail = 0;
	/* The next access drives the level the controller missed. */
	rd(f, LSR);
	assert_int_equal(f->irq.changes, 1);
	assert_int_equal(irq_level(f), 1);
}

/* ---- Linux's view ------------------------------------------------------ */

/*
 * The register dance Linux's 8250 driver does when it probes a port and
 * starts it, reduced to the answers it depends on: a working IER, the
 * loopback modem check, FIFO bits that mean 16550A, no EFR or other
 * extended-chip signatures, and THRE that re-asserts.
 */
static void test_linux_identifies_16550a(void **state)
{
	struct fixture *f = *state;
	uint8_t save, s1, s2, iir;

	/* IER holds its low nibble. */
	save = rd(f, IER);
	wr(f, IER, 0x00);
	assert_int_equal(rd(f, IER) & 0x0f, 0x00);
	wr(f, IER, 0x0f);
	assert_int_equal(rd(f, IER) & 0x0f, 0x0f);
	wr(f, IER, save);

	/* Loopback: RTS and OUT2 come back as CTS and DCD. */
	save = rd(f, MCR);
	wr(f, MCR, 0x1a);
	assert_int_equal(rd(f, MSR) & 0xf0, 0x90);
	wr(f, MCR, save);

	/* FIFO enable shows both IIR FIFO bits: a 16550A. */
	wr(f, LCR, 0xbf);
	wr(f, 2, 0x00);
	wr(f, LCR, 0x00);
	wr(f, FCR, 0x01);
	assert_int_equal(rd(f, IIR) >> 6, 3);

	/* No EFR behind LCR 0x80 or 0xbf: offset 2 still reads as IIR. */
	wr(f, LCR, 0x80);
	assert_int_not_equal(rd(f, 2), 0);
	wr(f, LCR, 0xbf);
	assert_int_not_equal(rd(f, 2), 0);

	/* Not a National SuperIO: the LOOP bit does not show up at offset 2. */
	wr(f, LCR, 0x00);
	s1 = rd(f, MCR);
	wr(f, LCR, 0xe0);
	s2 = rd(f, 2);
	assert_int_equal((s1 ^ s2) & 0x10, 0);
	wr(f, LCR, 0x00);
	wr(f, MCR, s1 ^ 0x10);
	wr(f, LCR, 0xe0);
	s2 = rd(f, 2);
	wr(f, LCR, 0x00);
	wr(f, MCR, s1);
	assert_int_equal((s1 ^ s2) & 0x10, 0);

	/* Not a 16750: the 64-byte FIFO bit never shows in IIR bit 5. */
	wr(f, FCR, 0x21);
	s1 = rd(f, IIR) >> 5;
	wr(f, FCR, 0x01);
	wr(f, LCR, 0x80);
	wr(f, FCR, 0x21);
	s2 = rd(f, IIR) >> 5;
	wr(f, LCR, 0x00);
	assert_int_equal(s1, 6);
	assert_int_equal(s2, 6);

	/* Startup: THRE interrupt fires, and fires again after IER is cycled. */
	assert_int_not_equal(rd(f, LSR), 0xff);
	wr(f, IER, 0x02);
	iir = rd(f, IIR);
	assert_int_equal(iir & 0x0f, IIR_THRI);
	wr(f, IER, 0x00);
	wr(f, IER, 0x02);
	iir = rd(f, IIR);
	assert_int_equal(iir & IIR_NONE, 0);
	wr(f, IER, 0x00);
	assert_int_equal(irq_level(f), 0);
}

/* ---- threads ----------------------------------------------------------- */

struct producer {
	struct uart_16550 *u;
	unsigned int total;
};

static void *produce(void *arg)
{
	struct producer *p = arg;
	unsigned int sent = 0;

	while (sent < p->total) {
		uint8_t chunk[7];
		unsigned int n = p->total - sent < 7 ? p->total - sent : 7;

		for (unsigned int i = 0; i < n; i++)
			chunk[i] = (uint8_t)(sent + i);
		sent += uart_16550_receive(p->u, chunk, n);
	}
	return NULL;
}

static void test_concurrent_receive_and_read(void **state)
{
	struct fixture *f = *state;
	struct producer p = { .u = &f->u, .total = 20000 };
	pthread_t thread;
	unsigned int got = 0;

	wr(f, IER, 0x01);
	assert_int_equal(pthread_create(&thread, NULL, produce, &p), 0);
	while (got < p.total) {
		if (rd(f, LSR) & LSR_DR)
			assert_int_equal(rd(f, RBR), (uint8_t)got++);
	}
	assert_int_equal(pthread_join(thread, NULL), 0);
	assert_int_equal(rd(f, LSR), LSR_IDLE);
	assert_int_equal(irq_level(f), 0);
}

/* ---- device tree ------------------------------------------------------- */

static void *empty_tree(void)
{
	void *fdt = calloc(1, 4096);

	assert_non_null(fdt);
	assert_int_equal(fdt_create_empty_tree(fdt, 4096), 0);
	assert_int_equal(fdt_setprop_u32(fdt, 0, "#address-cells", 2), 0);
	assert_int_equal(fdt_setprop_u32(fdt, 0, "#size-cells", 2), 0);
	return fdt;
}

static void assert_prop(const void *fdt, int node, const char *name,
			const void *want, int want_len)
{
	int len = -1;
	const void *got = fdt_getprop(fdt, node, name, &len);

	assert_non_null(got);
	assert_int_equal(len, want_len);
	assert_memory_equal(got, want, (size_t)want_len);
}

static void test_fdt_emit(void **state)
{
	struct fixture *f = *state;
	struct fdt_ctx ctx = { .gic_phandle = GIC_PHANDLE, .nr_cpus = 1 };
	static const uint8_t reg[] = {
		0x00, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00,
	};
	static const uint8_t clock[] = { 0x00, 0x1c, 0x20, 0x00 };	/* 1843200 */
	static const uint8_t irqs[] = {
		0, 0, 0, 0,			/* GIC_SPI */
		0, 0, 0, UART_SPI,
		0, 0, 0, 4,			/* level-high */
	};
	static const uint8_t parent[] = { 0x00, 0x00, 0x80, 0x01 };
	int node;

	ctx.fdt = empty_tree();
	assert_int_equal(f->u.dev.ops->fdt_emit(&f->u.dev, &ctx), 0);
	assert_int_equal(fdt_check_header(ctx.fdt), 0);

	node = fdt_path_offset(ctx.fdt, "/serial@9000000");
	assert_true(node >= 0);
	assert_int_equal(fdt_parent_offset(ctx.fdt, node), 0);
	assert_prop(ctx.fdt, node, "compatible", "ns16550a", 9);
	assert_prop(ctx.fdt, node, "reg", reg, sizeof(reg));
	assert_prop(ctx.fdt, node, "clock-frequency", clock, sizeof(clock));
	assert_prop(ctx.fdt, node, "interrupts", irqs, sizeof(irqs));
	assert_prop(ctx.fdt, node, "interrupt-parent", parent, sizeof(parent));

	/* A second node with the same name is refused by libfdt, and passed on. */
	assert_int_equal(f->u.dev.ops->fdt_emit(&f->u.dev, &ctx), -FDT_ERR_EXISTS);
	free(ctx.fdt);
}

static void test_fdt_emit_high_base(void **state)
{
	struct uart_16550 *u = calloc(1, sizeof(*u));
	struct irq_line line = { .spi = 33 };
	struct fdt_ctx ctx = { .gic_phandle = 1 };
	static const uint8_t reg[] = {
		0x00, 0x00, 0x00, 0x12, 0x34, 0x56, 0x70, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00,
	};
	static const uint8_t irqs[] = { 0, 0, 0, 0, 0, 0, 0, 33, 0, 0, 0, 4 };
	int node;

	(void)state;
	assert_non_null(u);
	assert_int_equal(uart_16550_init(u, 0x1234567000ULL, -1, &line), 0);
	ctx.fdt = empty_tree();
	assert_int_equal(u->dev.ops->fdt_emit(&u->dev, &ctx), 0);
	node = fdt_path_offset(ctx.fdt, "/serial@1234567000");
	assert_true(node >= 0);
	assert_prop(ctx.fdt, node, "reg", reg, sizeof(reg));
	assert_prop(ctx.fdt, node, "interrupts", irqs, sizeof(irqs));
	uart_16550_destroy(u);
	free(ctx.fdt);
	free(u);
}

static void test_fdt_emit_no_space(void **state)
{
	struct fixture *f = *state;
	struct fdt_ctx ctx = { .gic_phandle = GIC_PHANDLE };
	char *fdt = calloc(1, 4096);
	int sizes[] = { 128, 160, 200, 240 };

	assert_non_null(fdt);
	ctx.fdt = fdt;
	/* Run out of room at different points: every failure comes back. */
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		assert_int_equal(fdt_create_empty_tree(fdt, sizes[i]), 0);
		assert_int_equal(f->u.dev.ops->fdt_emit(&f->u.dev, &ctx), -FDT_ERR_NOSPACE);
	}
	free(fdt);
}

#define UART_TEST(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		UART_TEST(test_init_device),
		UART_TEST(test_reset_values),
		UART_TEST(test_thr_output),
		UART_TEST(test_thr_write_failure_drops_byte),
		UART_TEST(test_thr_full_pipe_does_not_hang),
		UART_TEST(test_loopback_echoes_thr),
		UART_TEST(test_loopback_msr_mirrors_mcr),
		UART_TEST(test_loopback_disconnects_input),
		UART_TEST(test_loopback_overrun),
		UART_TEST(test_divisor_latch_round_trip),
		UART_TEST(test_divisor_latch_hides_rbr),
		UART_TEST(test_scratch_holds_value),
		UART_TEST(test_ier_upper_bits_read_zero),
		UART_TEST(test_lsr_msr_writes_ignored),
		UART_TEST(test_fifo_iir_bits),
		UART_TEST(test_fifo_clear_rx),
		UART_TEST(test_receive_raises_and_drain_lowers_irq),
		UART_TEST(test_receive_without_ier_no_irq),
		UART_TEST(test_rbr_empty_reads_harmless),
		UART_TEST(test_thri_latch),
		UART_TEST(test_thri_masked_latch_survives_iir_read),
		UART_TEST(test_rx_has_priority_over_thri),
		UART_TEST(test_ring_full),
		UART_TEST(test_bad_accesses_harmless),
		cmocka_unit_test(test_irq_without_set_level),
		UART_TEST(test_irq_refused_is_retried),
		UART_TEST(test_linux_identifies_16550a),
		UART_TEST(test_concurrent_receive_and_read),
		UART_TEST(test_fdt_emit),
		cmocka_unit_test(test_fdt_emit_high_base),
		UART_TEST(test_fdt_emit_no_space),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
