/* SPDX-License-Identifier: GPL-2.0-only */
/* Running a boot: the vCPU threads, the console, pausing, and the one
 * place a VM's stop is decided (vm_run, vm_request_stop). */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "console.h"
#include "resident.h"
#include "vm.h"

static void vm_stop(struct vm *vm, enum vm_exit why, unsigned int guest_status)
{
	uint64_t one = 1;

	pthread_mutex_lock(&vm->stop_lock);
	if (!atomic_load(&vm->stopping)) {
		vm->exit = why;
		vm->guest_status = guest_status;
		atomic_store(&vm->stopping, true);
	}
	pthread_mutex_unlock(&vm->stop_lock);
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		vcpu_kick(&vm->vcpus[i]);
	if (write(vm->stop_fd, &one, sizeof(one)) < 0) {
		/* The counter cannot overflow from a few stops; nothing to do. */
	}
}

void vm_request_stop(struct vm *vm, enum vm_exit why)
{
	vm_stop(vm, why, 0);
}

void vm_request_guest_exit(struct vm *vm, unsigned int status)
{
	vm_stop(vm, VM_EXIT_GUEST_STATUS, status);
}

void vm_fail(struct vm *vm, const struct vcpu *vcpu, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&vm->stop_lock);
	if (!atomic_load(&vm->stopping)) {
		if (vcpu)
			snprintf(vm->exit_msg, sizeof(vm->exit_msg), "vCPU %u: %s", vcpu->id, msg);
		else
			snprintf(vm->exit_msg, sizeof(vm->exit_msg), "%s", msg);
	}
	pthread_mutex_unlock(&vm->stop_lock);
	vm_request_stop(vm, VM_EXIT_ERROR);
}

/* ---- pause, resume, system suspend ---- */

void vm_pause_point(struct vm *vm, struct vcpu *vcpu)
{
	pthread_mutex_lock(&vm->pause_lock);
	vm->nr_parked++;
	pthread_cond_broadcast(&vm->pause_cond);
	while (atomic_load(&vm->paused) && !atomic_load(&vm->stopping)) {
		/* Requests (register dumps) are served while parked. Checking for
		 * one under pause_lock closes the race with vm_pause_poke. */
		if (vcpu_has_request(vcpu)) {
			pthread_mutex_unlock(&vm->pause_lock);
			vcpu_service_requests(vcpu);
			pthread_mutex_lock(&vm->pause_lock);
			continue;
		}
		pthread_cond_wait(&vm->pause_cond, &vm->pause_lock);
	}
	vm->nr_parked--;
	pthread_mutex_unlock(&vm->pause_lock);
}

void vm_pause_poke(struct vm *vm)
{
	pthread_mutex_lock(&vm->pause_lock);
	pthread_cond_broadcast(&vm->pause_cond);
	pthread_mutex_unlock(&vm->pause_lock);
}

int vm_pause(struct vm *vm)
{
	pthread_mutex_lock(&vm->pause_lock);
	if (atomic_load(&vm->paused)) {
		pthread_mutex_unlock(&vm->pause_lock);
		return -EALREADY;
	}
	atomic_store(&vm->paused, true);
	pthread_mutex_unlock(&vm->pause_lock);
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		vcpu_kick(&vm->vcpus[i]);
	/* Done only once no vCPU runs guest code any more. */
	pthread_mutex_lock(&vm->pause_lock);
	while (vm->nr_parked < vm->nr_vcpus && !atomic_load(&vm->stopping))
		pthread_cond_wait(&vm->pause_cond, &vm->pause_lock);
	pthread_mutex_unlock(&vm->pause_lock);
	return atomic_load(&vm->stopping) ? -ESHUTDOWN : 0;
}

bool vm_system_wake(struct vm *vm)
{
	if (!atomic_exchange(&vm->system_suspended, false))
		return false;
	vcpu_request_system_wake(&vm->vcpus[atomic_load(&vm->suspended_vcpu)]);
	return true;
}

int vm_resume(struct vm *vm)
{
	bool woke = vm_system_wake(vm);

	pthread_mutex_lock(&vm->pause_lock);
	if (!atomic_load(&vm->paused)) {
		pthread_mutex_unlock(&vm->pause_lock);
		return woke ? 0 : -EALREADY;
	}
	atomic_store(&vm->paused, false);
	pthread_cond_broadcast(&vm->pause_cond);
	pthread_mutex_unlock(&vm->pause_lock);
	return 0;
}

/* ---- the console ---- */

/* Console bytes not yet taken by the UART or hvc0 (its buffer was full). */
struct console_backlog {
	uint8_t buf[512];
	size_t len;
};

static void console_feed(struct vm *vm, struct console_backlog *b)
{
	const struct virtio_set *vs = vm->in->virtio;
	unsigned int took = vs && vs->console ? virtio_console_receive(vs->console, b->buf, (unsigned int)b->len)
					      : uart_16550_receive(&vm->uart, b->buf, (unsigned int)b->len);

	memmove(b->buf, b->buf + took, b->len - took);
	b->len -= took;
}

/* Returns false once stdin has nothing more to give. */
static bool console_read(struct vm *vm, struct console *con, struct console_backlog *b)
{
	uint8_t in[256];
	bool quit = false;
	ssize_t n = read(con->in_fd, in, sizeof(in) < sizeof(b->buf) - b->len - 1 ?
			 sizeof(in) : sizeof(b->buf) - b->len - 1);

	if (n < 0)
		return errno == EINTR || errno == EAGAIN;
	if (n == 0)
		return false;
	b->len += console_filter(con, in, (size_t)n, b->buf + b->len, &quit);
	if (quit) {
		log_info(&vm->log, "Ctrl-A x: stopping the guest");
		vm_request_stop(vm, VM_EXIT_HOST_STOP);
	}
	/* Console input is the documented wake-up source of a suspended system. */
	if (b->len && vm_system_wake(vm))
		log_info(&vm->log, "console input: waking the guest from system suspend");
	console_feed(vm, b);
	return true;
}

/* Milliseconds until --timeout's deadline: -1 without one, 0 once passed. */
static int vm_ms_to_deadline(const struct vm *vm)
{
	struct timespec ts;
	uint64_t now, left_ms;

	if (!vm->in->deadline_ns)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	if (now >= vm->in->deadline_ns)
		return 0;
	left_ms = (vm->in->deadline_ns - now + 999999) / 1000000;
	return left_ms > INT_MAX ? INT_MAX : (int)left_ms;
}

/* The one line goes out with the exit status, unless another stop won. */
static void vm_time_out(struct vm *vm)
{
	pthread_mutex_lock(&vm->stop_lock);
	if (!atomic_load(&vm->stopping))
		snprintf(vm->exit_msg, sizeof(vm->exit_msg),
			 "--timeout %u: the guest was still running after %u s; stopped it",
			 vm->cfg->timeout_s, vm->cfg->timeout_s);
	pthread_mutex_unlock(&vm->stop_lock);
	vm_request_stop(vm, VM_EXIT_TIMEOUT);
}

static void vm_serve_console(struct vm *vm, struct console *con, int sig_fd)
{
	struct console_backlog backlog = { .len = 0 };
	bool stdin_open = true;

	while (!atomic_load(&vm->stopping)) {
		int left = vm_ms_to_deadline(vm), wait = -1;
		bool room = backlog.len + 1 < sizeof(backlog.buf);
		struct pollfd pfd[3 + HANDLER_MAX] = {
			{ .fd = vm->stop_fd, .events = POLLIN },
			{ .fd = sig_fd, .events = POLLIN },
			{ .fd = stdin_open && room ? con->in_fd : -1, .events = POLLIN },
		};
		/* And the --smccc-handler programs hanging up (exiting). */
		unsigned int nh = handler_set_pollfds(vm->in->handlers, pfd + 3);
		int n;

		if (left == 0) {
			vm_time_out(vm);
			break;
		}
		/* With bytes waiting for the UART, look again soon. */
		if (backlog.len)
			wait = 10;
		if (left > 0 && (wait < 0 || left < wait))
			wait = left;
		n = poll(pfd, 3 + nh, wait);
		if (n < 0 && errno != EINTR)
			break;
		if (backlog.len)
			console_feed(vm, &backlog);
		if (n > 0 && (pfd[1].revents & POLLIN)) {
			struct signalfd_siginfo si;

			if (read(sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
				log_info(&vm->log, "signal %u: stopping the guest", si.ssi_signo);
			vm_request_stop(vm, VM_EXIT_HOST_STOP);
		}
		if (n > 0 && (pfd[2].revents & (POLLIN | POLLHUP | POLLERR)))
			stdin_open = console_read(vm, con, &backlog);
		if (n > 0 && nh)
			vm_check_handlers(vm);
	}
}

enum vm_exit vm_run(struct vm *vm, struct console *con, int sig_fd)
{
	int ret;

	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		ret = vcpu_pool_run(vm->in->vcpus, &vm->vcpus[i]);
		if (ret) {
			vm_fail(vm, &vm->vcpus[i], "no thread to run it: %s", strerror(-ret));
			break;
		}
	}
	/* Setting up is over until the next boot: its code need not stay mapped. */
	resident_drop_code(&vm->log);
	vm_serve_console(vm, con, sig_fd);
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		if (vm->vcpus[i].thread_started) {
			vcpu_kick(&vm->vcpus[i]);
			vm_pause_poke(vm);
			vcpu_pool_wait(vm->in->vcpus, &vm->vcpus[i]);
			vm->vcpus[i].thread_started = false;
		}
	}
	return vm->exit;
}
