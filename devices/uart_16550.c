/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A 16550A UART as Linux's 8250 driver sees it through of_serial
 * ("ns16550a", reg-shift 0, reg-io-width 1).
 *
 * The model is deliberately simple: the transmitter drains instantly (each
 * THR write goes straight to out_fd, so THRE and TEMT are always set), and
 * the receive side is a single ring, deeper than the chip's 16-byte FIFO,
 * that stands for the FIFO in every respect. Only the receive-data and
 * THR-empty interrupt sources exist; there are no line errors to report
 * except a loopback overrun, and modem inputs never change on their own.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <libfdt.h>

#include "uart_16550.h"

#define UART_MMIO_SIZE		0x1000U
#define UART_NR_REGS		8U

/* Register offsets (reg-shift 0). */
#define UART_RBR_THR_DLL	0	/* RBR read, THR write; DLL when DLAB */
#define UART_IER_DLM		1	/* IER; DLM when DLAB */
#define UART_IIR_FCR		2	/* IIR read, FCR write */
#define UART_LCR		3
#define UART_MCR		4
#define UART_LSR		5
#define UART_MSR		6
#define UART_SCR		7

#define IER_ERBFI		0x01	/* received data available */
#define IER_ETBEI		0x02	/* THR empty */
#define IER_MASK		0x0f	/* the upper nibble reads as zero */

#define IIR_NO_INT		0x01
#define IIR_THRI		0x02
#define IIR_RDI			0x04
#define IIR_FIFO_BITS		0xc0	/* both set on a 16550A with FIFOs on */

#define FCR_FIFO_ENABLE		0x01
#define FCR_CLEAR_RX		0x02
#define FCR_CLEAR_TX		0x04
#define FCR_SELF_CLEARING	(FCR_CLEAR_RX | FCR_CLEAR_TX)

#define LCR_DLAB		0x80

#define MCR_DTR			0x01
#define MCR_RTS			0x02
#define MCR_OUT1		0x04
#define MCR_OUT2		0x08
#define MCR_LOOP		0x10
#define MCR_MASK		0x1f	/* bits 5-7 read as zero on a 16550A */

#define LSR_DR			0x01
#define LSR_OE			0x02
#define LSR_THRE		0x20
#define LSR_TEMT		0x40

#define MSR_CTS			0x10
#define MSR_DSR			0x20
#define MSR_RI			0x40
#define MSR_DCD			0x80
/* Outside loopback the "cable" always says a peer is there and ready. */
#define MSR_CONNECTED		(MSR_DCD | MSR_DSR | MSR_CTS)

/* ---- receive ring ------------------------------------------------------ */

static unsigned int rx_space(const struct uart_16550 *u)
{
	return UART_16550_RX_BUF - u->rx_count;
}

static bool rx_push(struct uart_16550 *u, uint8_t byte)
{
	if (!rx_space(u))
		return false;
	u->rx[(u->rx_head + u->rx_count) % UART_16550_RX_BUF] = byte;
	u->rx_count++;
	return true;
}

static uint8_t rx_pop(struct uart_16550 *u)
{
	uint8_t byte;

	if (!u->rx_count)
		return 0;	/* an empty RBR reads as whatever; 0 is as good as any */
	byte = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % UART_16550_RX_BUF;
	u->rx_count--;
	return byte;
}

/* The ring is the receive FIFO as far as the guest can tell: a reset empties it. */
static void rx_fifo_reset(struct uart_16550 *u)
{
	u->rx_head = 0;
	u->rx_count = 0;
}

/* ---- interrupt --------------------------------------------------------- */

static bool rx_irq_pending(const struct uart_16550 *u)
{
	return (u->ier & IER_ERBFI) && u->rx_count;
}

static bool thri_irq_pending(const struct uart_16550 *u)
{
	return (u->ier & IER_ETBEI) && u->iir_thri_pending;
}

/* Drive the line only on a change; if the controller refuses, retry next time. */
static void uart_update_irq(struct uart_16550 *u)
{
	int level = rx_irq_pending(u) || thri_irq_pending(u);

	if (level == u->irq_level)
		return;
	if (u->irq.set_level && u->irq.set_level(u->irq.opaque, u->irq.spi, level))
		return;
	u->irq_level = level;
}

void uart_16550_irq_resync(struct uart_16550 *u)
{
	pthread_mutex_lock(&u->lock);
	if (u->irq.set_level)
		u->irq.set_level(u->irq.opaque, u->irq.spi, u->irq_level);
	pthread_mutex_unlock(&u->lock);
}

/* ---- transmit ---------------------------------------------------------- */

/* A byte the host refuses is dropped, not retried: a broken console must not
 * hang the guest. (A blocking fd that is merely slow still blocks.) */
static void tx_to_fd(int fd, uint8_t byte)
{
	ssize_t n;

	if (fd < 0)
		return;
	do {
		n = write(fd, &byte, 1);
	} while (n < 0 && errno == EINTR);
}

static void uart_transmit(struct uart_16550 *u, uint8_t byte)
{
	if (u->mcr & MCR_LOOP) {
		/* The serial output is wired back to the input; a full ring overruns. */
		if (!rx_push(u, byte))
			u->lsr |= LSR_OE;
	} else {
		tx_to_fd(u->out_fd, byte);
	}
	/* The transmitter drained at once, so THR is empty again. */
	u->iir_thri_pending = 1;
}

/* ---- registers --------------------------------------------------------- */

/* Modem status: in loopback the inputs are the MCR outputs, per the datasheet. */
static uint8_t msr_for_mcr(uint8_t mcr)
{
	uint8_t msr = 0;

	if (!(mcr & MCR_LOOP))
		return MSR_CONNECTED;
	if (mcr & MCR_RTS)
		msr |= MSR_CTS;
	if (mcr & MCR_DTR)
		msr |= MSR_DSR;
	if (mcr & MCR_OUT1)
		msr |= MSR_RI;
	if (mcr & MCR_OUT2)
		msr |= MSR_DCD;
	return msr;
}

static uint8_t iir_read(struct uart_16550 *u)
{
	uint8_t iir;

	if (rx_irq_pending(u)) {
		iir = IIR_RDI;
	} else if (thri_irq_pending(u)) {
		iir = IIR_THRI;
		/* Reading IIR acknowledges THR empty when it is what IIR reports. */
		u->iir_thri_pending = 0;
	} else {
		iir = IIR_NO_INT;
	}
	if (u->fcr & FCR_FIFO_ENABLE)
		iir |= IIR_FIFO_BITS;
	return iir;
}

static uint8_t lsr_read(struct uart_16550 *u)
{
	uint8_t lsr = u->lsr | LSR_THRE | LSR_TEMT;

	if (u->rx_count)
		lsr |= LSR_DR;
	u->lsr &= ~LSR_OE;	/* error bits clear when read */
	return lsr;
}

static uint8_t uart_reg_read(struct uart_16550 *u, unsigned int reg)
{
	bool dlab = u->lcr & LCR_DLAB;

	switch (reg) {
	case UART_RBR_THR_DLL:
		return dlab ? u->dll : rx_pop(u);
	case UART_IER_DLM:
		return dlab ? u->dlm : u->ier;
	case UART_IIR_FCR:
		return iir_read(u);
	case UART_LCR:
		return u->lcr;
	case UART_MCR:
		return u->mcr;
	case UART_LSR:
		return lsr_read(u);
	case UART_MSR:
		return u->msr;
	case UART_SCR:
		return u->scr;
	default:
		return 0;
	}
}

static void ier_write(struct uart_16550 *u, uint8_t val)
{
	uint8_t ier = val & IER_MASK;

	/* THR is always empty, so enabling its interrupt raises it at once. */
	if (!(u->ier & IER_ETBEI) && (ier & IER_ETBEI))
		u->iir_thri_pending = 1;
	u->ier = ier;
}

static void fcr_write(struct uart_16550 *u, uint8_t val)
{
	bool enable = val & FCR_FIFO_ENABLE;
	bool toggled = enable != (bool)(u->fcr & FCR_FIFO_ENABLE);

	/* Turning the FIFOs on or off resets them, as does the explicit bit. */
	if (toggled || (enable && (val & FCR_CLEAR_RX)))
		rx_fifo_reset(u);
	/* The transmit FIFO is always empty: nothing to clear. The other bits
	 * are only programmed while the enable bit is written as 1. */
	u->fcr = enable ? val & ~FCR_SELF_CLEARING : 0;
}

static void mcr_write(struct uart_16550 *u, uint8_t val)
{
	u->mcr = val & MCR_MASK;
	u->msr = msr_for_mcr(u->mcr);
}

static void uart_reg_write(struct uart_16550 *u, unsigned int reg, uint8_t val)
{
	bool dlab = u->lcr & LCR_DLAB;

	switch (reg) {
	case UART_RBR_THR_DLL:
		if (dlab)
			u->dll = val;
		else
			uart_transmit(u, val);
		break;
	case UART_IER_DLM:
		if (dlab)
			u->dlm = val;
		else
			ier_write(u, val);
		break;
	case UART_IIR_FCR:
		fcr_write(u, val);
		break;
	case UART_LCR:
		u->lcr = val;
		break;
	case UART_MCR:
		mcr_write(u, val);
		break;
	case UART_SCR:
		u->scr = val;
		break;
	default:
		/* LSR and MSR are read-only here (their writes are factory test only). */
		break;
	}
}

/* ---- device ops -------------------------------------------------------- */

/* Only byte accesses to the eight registers mean anything; the rest is inert. */
static bool is_register_access(uint64_t offset, unsigned int len)
{
	return len == 1 && offset < UART_NR_REGS;
}

static int uart_mmio_read(struct vm_device *dev, uint64_t offset, void *data, unsigned int len)
{
	struct uart_16550 *u = dev->priv;
	uint8_t *out = data;

	if (!is_register_access(offset, len)) {
		memset(data, 0, len);
		return 0;
	}

	pthread_mutex_lock(&u->lock);
	*out = uart_reg_read(u, (unsigned int)offset);
	uart_update_irq(u);
	pthread_mutex_unlock(&u->lock);
	return 0;
}

static int uart_mmio_write(struct vm_device *dev, uint64_t offset, const void *data, unsigned int len)
{
	struct uart_16550 *u = dev->priv;
	const uint8_t *in = data;

	if (!is_register_access(offset, len))
		return 0;

	pthread_mutex_lock(&u->lock);
	uart_reg_write(u, (unsigned int)offset, *in);
	uart_update_irq(u);
	pthread_mutex_unlock(&u->lock);
	return 0;
}

static int uart_fdt_emit(struct vm_device *dev, struct fdt_ctx *ctx)
{
	struct uart_16550 *u = dev->priv;
	int node = device_fdt_mmio_node(dev, ctx, "serial", "ns16550a", u->irq.spi, FDT_IRQ_LEVEL_HIGH);

	if (node < 0)
		return node;
	return fdt_setprop_u32(ctx->fdt, node, "clock-frequency", UART_16550_CLOCK_HZ);
}

static const struct device_ops uart_16550_ops = {
	.mmio_read = uart_mmio_read,
	.mmio_write = uart_mmio_write,
	.fdt_emit = uart_fdt_emit,
};

/* ---- public interface -------------------------------------------------- */

/* Register values as after a master reset. */
static void uart_reset(struct uart_16550 *u)
{
	u->ier = 0;
	u->lcr = 0;
	u->mcr = 0;
	u->lsr = LSR_THRE | LSR_TEMT;
	u->msr = msr_for_mcr(0);
	u->scr = 0;
	u->fcr = 0;
	/* The divisor is undefined after reset; 1 (115200 baud) spares any guest
	 * that derives the baud rate from it a division by zero. */
	u->dll = 1;
	u->dlm = 0;
	u->iir_thri_pending = 0;
	u->rx_head = 0;
	u->rx_count = 0;
	u->irq_level = 0;
}

int uart_16550_init(struct uart_16550 *u, uint64_t base, int out_fd, const struct irq_line *irq)
{
	int ret;

	if (!u)
		return -EINVAL;

	memset(u, 0, sizeof(*u));
	ret = pthread_mutex_init(&u->lock, NULL);
	if (ret)
		return -ret;

	u->dev.name = "uart";
	u->dev.base = base;
	u->dev.size = UART_MMIO_SIZE;
	u->dev.ops = &uart_16550_ops;
	u->dev.priv = u;
	u->out_fd = out_fd;
	if (irq)
		u->irq = *irq;
	uart_reset(u);
	return 0;
}

void uart_16550_destroy(struct uart_16550 *u)
{
	if (u)
		pthread_mutex_destroy(&u->lock);
}

unsigned int uart_16550_receive(struct uart_16550 *u, const uint8_t *buf, unsigned int len)
{
	unsigned int taken = 0;

	if (!u || !buf)
		return 0;

	pthread_mutex_lock(&u->lock);
	/* In loopback the serial input is disconnected: leave the bytes with the
	 * console, which offers them again once the guest leaves loopback. */
	if (!(u->mcr & MCR_LOOP)) {
		while (taken < len && rx_push(u, buf[taken]))
			taken++;
	}
	uart_update_irq(u);
	pthread_mutex_unlock(&u->lock);
	return taken;
}
