/* SPDX-License-Identifier: GPL-2.0-only */
/* What the control socket's commands do to the running VM: hvmm's
 * control_ops (server.h), acting on struct vmm and its current boot. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vmm/log.h"
#include "proto.h"
#include "server.h"
#include "vmm/vm.h"
#include "vmm/vmm.h"

#define DUMP_TIMEOUT_MS 2000

/* Run fn on the current VM under the lock; between boots there is none. */
#define WITH_VM(vmm, reply, len, body)						\
	do {									\
		int ret_;							\
		pthread_mutex_lock(&(vmm)->lock);				\
		if (!(vmm)->vm) {						\
			pthread_mutex_unlock(&(vmm)->lock);			\
			return reason_set(-EINVAL, reply, len, "the guest is restarting; try again");	\
		}								\
		ret_ = (body);							\
		pthread_mutex_unlock(&(vmm)->lock);				\
		return ret_;							\
	} while (0)

/* Also between boots (at start-up, during a guest reset): the boot being
 * set up ends as soon as it is adopted. */
static int ctl_stop(void *opaque, char *reply, size_t len)
{
	struct vmm *vmm = opaque;

	pthread_mutex_lock(&vmm->lock);
	vmm->stop_requested = true;
	if (vmm->vm)
		vm_request_stop(vmm->vm, VM_EXIT_HOST_STOP);
	pthread_mutex_unlock(&vmm->lock);
	snprintf(reply, len, "stopping %s\n", vmm->name);
	return 0;
}

static int do_pause(struct vmm *vmm, char *reply, size_t len)
{
	int ret = vm_pause(vmm->vm);

	if (ret == -EALREADY)
		return reason_set(-EINVAL, reply, len, "%s is already paused", vmm->name);
	if (ret)
		return reason_set(-EINVAL, reply, len, "%s is stopping", vmm->name);
	snprintf(reply, len, "paused %s\n", vmm->name);
	return 0;
}

static int ctl_pause(void *opaque, char *reply, size_t len)
{
	struct vmm *vmm = opaque;

	WITH_VM(vmm, reply, len, do_pause(vmm, reply, len));
}

static int do_resume(struct vmm *vmm, char *reply, size_t len)
{
	if (vm_resume(vmm->vm))
		return reason_set(-EINVAL, reply, len, "%s is neither paused nor suspended", vmm->name);
	snprintf(reply, len, "resumed %s\n", vmm->name);
	return 0;
}

static int ctl_resume(void *opaque, char *reply, size_t len)
{
	struct vmm *vmm = opaque;

	WITH_VM(vmm, reply, len, do_resume(vmm, reply, len));
}

/* Appends to reply at *n, never past len. */
__attribute__((format(printf, 4, 5)))
static void put(char *reply, size_t len, size_t *n, const char *fmt, ...)
{
	va_list ap;

	if (*n >= len)
		return;
	va_start(ap, fmt);
	*n += (size_t)vsnprintf(reply + *n, len - *n, fmt, ap);
	va_end(ap);
}

/* The reply being built, for vmm_format_calls. */
struct stat_text {
	char *reply;
	size_t len;
	size_t *n;
};

static void stat_line(void *opaque, const char *text)
{
	struct stat_text *t = opaque;

	put(t->reply, t->len, t->n, "%s", text);
}

static const char *vm_state_name(struct vm *vm)
{
	if (atomic_load(&vm->paused))
		return "paused";
	if (atomic_load(&vm->system_suspended))
		return "system-suspended";
	return "running";
}

static void stat_vcpus(struct vmm *vmm, char *reply, size_t len, size_t *n)
{
	struct vm *vm = vmm->vm;

	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		struct psci_cpu_stats st = { 0 };
		const char *state = "on";

		if (vm->fw_ready) {
			state = psci_cpu_state_name(psci_cpu_state(&vm->fw.psci, i));
			psci_cpu_stats(&vm->fw.psci, i, &st);
		}
		put(reply, len, n, "vcpu %u: %-9s mpidr 0x%llx standby %llu (%llu us) powerdown %llu (%llu us)\n",
		    i, state, (unsigned long long)vm->vcpus[i].mpidr,
		    (unsigned long long)st.count[PSCI_SUSPEND_STANDBY],
		    (unsigned long long)st.residency_us[PSCI_SUSPEND_STANDBY],
		    (unsigned long long)st.count[PSCI_SUSPEND_POWERDOWN],
		    (unsigned long long)st.residency_us[PSCI_SUSPEND_POWERDOWN]);
	}
}

/* --lazy-mem: what each vCPU's touches fetched, how long it waited, and
 * how many of its faults the asynchronous protocol took. */
static void stat_lazy(struct vmm *vmm, char *reply, size_t len, size_t *n)
{
	struct lazy_mem *lm = vmm->inputs.lazy;
	struct lazy_totals t;
	char text[160];

	if (!lm) {
		put(reply, len, n, "lazy-mem: off\n");
		return;
	}
	lazy_mem_totals(lm, &t);
	lazy_format_stats(text, sizeof(text), t.populated, t.blocked_ns, t.async);
	put(reply, len, n, "lazy-mem: %s\n", text);
	for (unsigned int i = 0; i < vmm->vm->nr_vcpus; i++) {
		struct lazy_vcpu_stats st;

		lazy_mem_stats(lm, i, &st);
		lazy_format_stats(text, sizeof(text), st.populated, st.blocked_ns, st.async);
		put(reply, len, n, "lazy-mem vcpu %u: %s\n", i, text);
	}
	for (unsigned int i = 0; firmware_apf_active(&vmm->vm->fw) && i < vmm->vm->nr_vcpus; i++) {
		struct apf_vcpu_counts c;

		if (firmware_apf_counts(&vmm->vm->fw, i, &c))
			continue;
		apf_counts_format(text, sizeof(text), &c);
		put(reply, len, n, "async-pf vcpu %u: %s\n", i, text);
	}
}

static const char *sdei_status_text(int status, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", status & 1 ? "registered" : "unregistered",
		 status & 2 ? ",enabled" : "", status & 4 ? ",running" : "");
	return buf;
}

static void stat_sdei(struct vmm *vmm, char *reply, size_t len, size_t *n)
{
	struct vm *vm = vmm->vm;
	struct sdei_event_info ev[SDEI_MAX_EVENTS + 8];
	unsigned int count;
	char st[48];

	if (!vm->fw_ready || !vm->fw.sdei) {
		put(reply, len, n, "sdei: off\n");
		return;
	}
	put(reply, len, n, "sdei: masked vCPUs:");
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		if (sdei_vcpu_masked(vm->fw.sdei, i))
			put(reply, len, n, " %u", i);
	put(reply, len, n, "\n");
	count = sdei_events(vm->fw.sdei, ev, sizeof(ev) / sizeof(ev[0]));
	if (count > sizeof(ev) / sizeof(ev[0]))
		count = sizeof(ev) / sizeof(ev[0]);
	for (unsigned int e = 0; e < count; e++) {
		put(reply, len, n, "sdei event %u: %s %s%s delivered %llu", ev[e].num,
		    ev[e].type == SDEI_EVENT_SHARED ? "shared" : "private",
		    ev[e].priority == SDEI_PRIORITY_CRITICAL ? "critical" : "normal",
		    ev[e].bound ? " bound" : "", (unsigned long long)ev[e].delivered);
		if (ev[e].type == SDEI_EVENT_SHARED) {
			put(reply, len, n, " %s\n", sdei_status_text(
			    sdei_event_status(vm->fw.sdei, ev[e].num, 0), st, sizeof(st)));
			continue;
		}
		for (unsigned int i = 0; i < vm->nr_vcpus; i++)
			put(reply, len, n, " cpu%u=%s", i, sdei_status_text(
			    sdei_event_status(vm->fw.sdei, ev[e].num, i), st, sizeof(st)));
		put(reply, len, n, "\n");
	}
}

static int do_stat(struct vmm *vmm, char *reply, size_t len)
{
	struct vm *vm = vmm->vm;
	size_t n = 0;

	put(reply, len, &n, "name: %s\nstate: %s\nboots: %u\nvcpus: %u\n", vmm->name, vm_state_name(vm),
	    vmm->boots, vm->nr_vcpus);
	stat_vcpus(vmm, reply, len, &n);
	stat_lazy(vmm, reply, len, &n);
	stat_sdei(vmm, reply, len, &n);
	put(reply, len, &n, "calls:%s\n", vm->fw_ready ? "" : " none (PSCI is served by KVM)");
	if (vm->fw_ready) {
		struct stat_text t = { reply, len, &n };

		vmm_format_calls(vmm, "  ", stat_line, &t);
	}
	return 0;
}

static int ctl_stat(void *opaque, char *reply, size_t len)
{
	struct vmm *vmm = opaque;

	WITH_VM(vmm, reply, len, do_stat(vmm, reply, len));
}

static int do_cpu_set_enabled(struct vmm *vmm, unsigned int cpu, bool enable, char *reply, size_t len)
{
	struct vm *vm = vmm->vm;
	int ret;

	if (cpu >= vm->nr_vcpus)
		return reason_set(-EINVAL, reply, len, "no vCPU %u: %s has vCPUs 0-%u (see --max-cpus)", cpu, vmm->name,
				 vm->nr_vcpus - 1);
	if (!vm->fw_ready)
		return reason_set(-EINVAL, reply, len, "vCPUs cannot be enabled or disabled with --in-kernel-psci");
	if (cpu == 0 && !enable)
		return reason_set(-EINVAL, reply, len, "vCPU 0 is the boot CPU; it cannot be disabled");
	ret = psci_cpu_set_enabled(&vm->fw.psci, cpu, enable);
	if (ret == -EALREADY)
		return reason_set(-EINVAL, reply, len, "vCPU %u is already %s", cpu, enable ? "enabled" : "disabled");
	if (ret == -EBUSY)
		return reason_set(-EINVAL, reply, len, "vCPU %u is %s; take it offline in the guest first "
				 "(echo 0 > /sys/devices/system/cpu/cpu%u/online)", cpu,
				 psci_cpu_state_name(psci_cpu_state(&vm->fw.psci, cpu)), cpu);
	if (ret)
		return reason_set(-EINVAL, reply, len, "vCPU %u: %s", cpu, strerror(-ret));
	vmm->cpu_enabled[cpu] = enable;
	snprintf(reply, len, "vCPU %u %s\n", cpu, enable ? "enabled" : "disabled");
	return 0;
}

static int ctl_cpu_set_enabled(void *opaque, unsigned int cpu, bool enable, char *reply, size_t len)
{
	struct vmm *vmm = opaque;

	WITH_VM(vmm, reply, len, do_cpu_set_enabled(vmm, cpu, enable, reply, len));
}

static int do_debug_dump(struct vmm *vmm, int cpu, char *reply, size_t len)
{
	struct vm *vm = vmm->vm;
	unsigned int first = cpu < 0 ? 0 : (unsigned int)cpu;
	unsigned int last = cpu < 0 ? vm->nr_vcpus - 1 : (unsigned int)cpu;
	size_t n = 0;

	if (cpu >= 0 && (unsigned int)cpu >= vm->nr_vcpus)
		return reason_set(-EINVAL, reply, len, "no vCPU %d: %s has vCPUs 0-%u", cpu, vmm->name, vm->nr_vcpus - 1);
	for (unsigned int i = first; i <= last && n < len; i++) {
		int ret = vcpu_dump_regs(&vm->vcpus[i], reply + n, len - n, DUMP_TIMEOUT_MS);

		if (ret)
			return reason_set(-EINVAL, reply, len, "vCPU %u: cannot read its registers: %s", i, strerror(-ret));
		n += strlen(reply + n);
	}
	return 0;
}

static int ctl_debug_dump(void *opaque, int cpu, char *reply, size_t len)
{
	struct vmm *vmm = opaque;

	WITH_VM(vmm, reply, len, do_debug_dump(vmm, cpu, reply, len));
}

static int do_sdei_signal(struct vmm *vmm, uint32_t event, int cpu, char *reply, size_t len)
{
	struct vm *vm = vmm->vm;
	int ret;

	if (!vm->fw_ready || !vm->fw.sdei)
		return reason_set(-EINVAL, reply, len, "%s has no SDEI (--no-sdei or --in-kernel-psci)", vmm->name);
	if (cpu >= 0 && (unsigned int)cpu >= vm->nr_vcpus)
		return reason_set(-EINVAL, reply, len, "no vCPU %d: %s has vCPUs 0-%u", cpu, vmm->name, vm->nr_vcpus - 1);
	ret = sdei_signal(vm->fw.sdei, event, cpu);
	if (ret == -ENOENT)
		return reason_set(-EINVAL, reply, len, "%s has no SDEI event %u (see hvmm stat)", vmm->name, event);
	if (ret == -EINVAL)
		return reason_set(-EINVAL, reply, len, cpu < 0 ? "event %u is private: say which vCPU with --vcpu N" :
				 "event %u is shared: its routing picks the vCPU; leave out --vcpu", event);
	if (ret)
		return reason_set(-EINVAL, reply, len, "event %u: %s", event, strerror(-ret));
	if (cpu >= 0)
		snprintf(reply, len, "event %u raised on vCPU %d\n", event, cpu);
	else
		snprintf(reply, len, "event %u raised\n", event);
	return 0;
}

static int ctl_sdei_signal(void *opaque, uint32_t event, int cpu, char *reply, size_t len)
{
	struct vmm *vmm = opaque;

	WITH_VM(vmm, reply, len, do_sdei_signal(vmm, event, cpu, reply, len));
}

static int do_probe_sandbox(struct vmm *vmm, enum control_probe probe, unsigned int cpu, char *reply,
			    size_t len)
{
	struct vm *vm = vmm->vm;
	int ret;

	if (cpu >= vm->nr_vcpus)
		return reason_set(-EINVAL, reply, len, "no vCPU %u: %s has vCPUs 0-%u", cpu, vmm->name, vm->nr_vcpus - 1);
	/* With the sandbox on, hvmm ends inside this call and never replies. */
	ret = vcpu_probe_sandbox(&vm->vcpus[cpu], (int)probe, DUMP_TIMEOUT_MS);
	if (ret)
		return reason_set(-EINVAL, reply, len, "vCPU %u: the probe did not run: %s", cpu, strerror(-ret));
	snprintf(reply, len, "vCPU %u: the %s probe went through: %s runs without its sandbox\n", cpu,
		 control_probe_name(probe), vmm->name);
	return 0;
}

static int ctl_probe_sandbox(void *opaque, enum control_probe probe, unsigned int cpu, char *reply, size_t len)
{
	struct vmm *vmm = opaque;

	WITH_VM(vmm, reply, len, do_probe_sandbox(vmm, probe, cpu, reply, len));
}

static int ctl_thread_start(void *opaque, char *err, size_t len)
{
	struct vmm *vmm = opaque;

	return vmm->inputs.sandbox ? sandbox_enter(&vmm->control_sandbox, err, len) : 0;
}

const struct control_ops vmm_control_ops = {
	.thread_start = ctl_thread_start,
	.stop = ctl_stop,
	.pause = ctl_pause,
	.resume = ctl_resume,
	.stat = ctl_stat,
	.cpu_set_enabled = ctl_cpu_set_enabled,
	.debug_dump = ctl_debug_dump,
	.sdei_signal = ctl_sdei_signal,
	.probe_sandbox = ctl_probe_sandbox,
};
