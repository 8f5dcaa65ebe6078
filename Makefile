# hvmm: a kvmtool-style VMM for arm64 that serves PSCI from userspace.
#
#   make            build build/hvmm (static aarch64)
#   make deps       install Debian packages and fetch the guest kernel, busybox
#                   and the emulated host's python3
#   make test       unit tests, uAPI check, then boot tests in the emulated host
#   make bench      boot time and memory figures against their targets
#   make clean

include config.mk

.DEFAULT_GOAL := all
.DELETE_ON_ERROR:

B := $(BUILD_DIR)
# Present once make deps has run; everything that needs a dependency waits for it.
DEPS_STAMP := $(CACHE_DIR)/deps.stamp

# ---- hvmm ----------------------------------------------------------------

HVMM_SRCS := $(sort $(wildcard vmm/*.c vmm/control/*.c vmm/handler/*.c vmm/lazy/*.c devices/*.c devices/virtio/*.c firmware/*.c))
HVMM_OBJS := $(HVMM_SRCS:%.c=$(B)/target/%.o) $(B)/target/gen/syscall_names.o
HVMM      := $(B)/hvmm

all: $(HVMM) native-client examples

$(B)/target/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC_TARGET) $(TARGET_CFLAGS) -MMD -MP -c $< -o $@

# The sandbox names a forbidden system call from a table of the compiler's
# own <asm/unistd.h> (one for hvmm, one for the native unit tests).
$(B)/target/gen/syscall_names.c: vmm/syscall-names.sh | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	vmm/syscall-names.sh $(CC_TARGET) >$@
$(B)/native/gen/syscall_names.c: vmm/syscall-names.sh
	@mkdir -p $(dir $@)
	vmm/syscall-names.sh $(HOSTCC) >$@

$(B)/target/gen/%.o: $(B)/target/gen/%.c
	$(CC_TARGET) $(TARGET_CFLAGS) -c $< -o $@

$(HVMM): $(HVMM_OBJS)
	$(CC_TARGET) $(TARGET_CFLAGS) $(TARGET_LDFLAGS) $^ $(TARGET_LIBS) -o $@

-include $(HVMM_OBJS:.o=.d)

# ---- the client, built natively -------------------------------------------

# $(B)/native/hvmm: hvmm for the machine make runs on (HOSTCC), with every
# client subcommand (list, stop, ...) and no run, which needs arm64 KVM:
# the subcommand table takes run's entry from vmm/native/ instead of
# vmm/cmd_run.c. On an x86-64 machine it controls the VMs ./run.sh starts
# in the emulated arm64 host. tests/native-client.sh checks it.
NATIVE_CLIENT      := $(B)/native/hvmm
NATIVE_CLIENT_SRCS := vmm/main.c vmm/stdio_fds.c vmm/native/cmd_run_unsupported.c vmm/cmdline.c vmm/cmdline_opts.c vmm/log.c \
	vmm/lazy/config.c \
	vmm/handler/spec.c \
	$(filter-out vmm/control/ops.c vmm/control/server.c,$(sort $(wildcard vmm/control/*.c)))
NATIVE_CLIENT_OBJS := $(NATIVE_CLIENT_SRCS:%.c=$(B)/native/obj/%.o)

$(B)/native/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(NATIVE_CFLAGS) -MMD -MP -c $< -o $@

$(NATIVE_CLIENT): $(NATIVE_CLIENT_OBJS)
	$(HOSTCC) $(NATIVE_CFLAGS) $(NATIVE_LDFLAGS) $^ -o $@

native-client: $(NATIVE_CLIENT)

native-client-test: $(NATIVE_CLIENT)
	@tests/native-client.sh $(NATIVE_CLIENT)

-include $(NATIVE_CLIENT_OBJS:.o=.d)

.PHONY: native-client native-client-test

# ---- dependencies --------------------------------------------------------

# Debian packages, native and arm64 (multiarch). busybox for the guests is
# downloaded by guest/linux/fetch.sh rather than installed: installing the
# arm64 busybox-static would replace the machine's own busybox.
DEB_PACKAGES := gcc-aarch64-linux-gnu libc6-dev-arm64-cross \
	libfdt-dev:arm64 libelf-dev:arm64 libseccomp-dev:arm64 zlib1g-dev:arm64 libseccomp-dev \
	qemu-system-arm cpio xz-utils e2fsprogs libcmocka-dev device-tree-compiler libfdt1 libelf-dev dt-schema
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

deps:
	@missing=$$(for p in $(DEB_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; \
	done); \
	if ! dpkg --print-foreign-architectures | grep -qx arm64; then \
		echo "deps: adding the arm64 architecture"; \
		$(SUDO) dpkg --add-architecture arm64 && missing="$$missing update"; \
	fi; \
	if [ -n "$$missing" ]; then \
		echo "deps: installing$$(echo " $$missing" | sed 's/ update//')"; \
		$(SUDO) apt-get update -q && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
			$(DEB_PACKAGES); \
	fi
	@guest/linux/fetch.sh $(CACHE_DIR) || { \
		echo "deps: refreshing the package lists and trying again"; \
		$(SUDO) apt-get update -q && guest/linux/fetch.sh $(CACHE_DIR); }
	@tests/dt/fetch-bindings.sh $(CACHE_DIR) || { \
		echo "deps: refreshing the package lists and trying again"; \
		$(SUDO) apt-get update -q && tests/dt/fetch-bindings.sh $(CACHE_DIR); }
	@tests/boot/fetch-python.sh $(CACHE_DIR) || { \
		echo "deps: refreshing the package lists and trying again"; \
		$(SUDO) apt-get update -q && tests/boot/fetch-python.sh $(CACHE_DIR); }
	@mkdir -p $(CACHE_DIR) && touch $(DEPS_STAMP)

# make test and ./run.sh install what is missing by themselves.
$(DEPS_STAMP):
	$(MAKE) deps

# ---- guests --------------------------------------------------------------

GUEST_INITRAMFS := $(B)/guest-initramfs.cpio
GUEST_TEST_SCRIPTS := $(sort $(wildcard tests/boot/guest/*.sh))

# The kernel's virtio modules (guest/linux/fetch.sh), loaded by the init
# when the device tree has virtio-mmio devices.
GUEST_MODULES := $(addprefix $(CACHE_DIR)/linux/modules/,virtio_mmio.ko virtio_blk.ko virtio-rng.ko)

$(GUEST_INITRAMFS): guest/linux/init guest/linux/mkinitramfs.sh $(GUEST_TEST_SCRIPTS) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	guest/linux/mkinitramfs.sh $(BUSYBOX) $@ \
		$(foreach s,$(GUEST_TEST_SCRIPTS),$(s)=/tests/$(notdir $(s))) \
		$(foreach m,$(GUEST_MODULES),$(m)=/lib/modules/$(notdir $(m)))

# Bare-metal test guests: freestanding aarch64, linked to run from guest RAM.
BM_CFLAGS := -std=gnu11 -O2 -g -ffreestanding -nostdlib -fno-stack-protector -mstrict-align \
	-mgeneral-regs-only -fno-pie -no-pie -Wl,--no-warn-rwx-segments -Wl,--build-id=none -I. $(WARNINGS)
BM_COMMON := guest/baremetal/start.S guest/baremetal/lib.c guest/baremetal/smp.c \
	guest/baremetal/gic.c guest/baremetal/timer.c guest/baremetal/fdt.c \
	guest/baremetal/sdei.c guest/baremetal/sdei_entry.S guest/baremetal/tap_name.c guest/baremetal/bench.c
BM_GUESTS := hello psci_conformance sdei_conformance hostile idle console services smccc_handler lazy_mem apf \
	virtio_hostile
BM_ELFS := $(BM_GUESTS:%=$(B)/guest/%.elf)

BM_HEADERS := guest/baremetal/lib.h guest/baremetal/smccc_asm.h

$(B)/guest/%.elf: guest/baremetal/%.c $(BM_COMMON) guest/baremetal/baremetal.ld $(BM_HEADERS) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC_TARGET) $(BM_CFLAGS) -T guest/baremetal/baremetal.ld $(BM_COMMON) $< -o $@

# The asynchronous page-fault guest has its scheduler in files of its own.
BM_APF_SRCS := guest/baremetal/apf_sched.c guest/baremetal/apf_entry.S guest/baremetal/apf_hostile.c
$(B)/guest/apf.elf: guest/baremetal/apf.c $(BM_APF_SRCS) guest/baremetal/apf.h $(BM_COMMON) \
		guest/baremetal/baremetal.ld $(BM_HEADERS) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC_TARGET) $(BM_CFLAGS) -T guest/baremetal/baremetal.ld $(BM_COMMON) $(BM_APF_SRCS) $< -o $@

# The same guest as a headerless binary (loaded at RAM + 0x80000), and linked
# below RAM (a bad-input case: a segment outside RAM).
$(B)/guest/%.bin: $(B)/guest/%.elf
	$(CROSS_COMPILE)objcopy -O binary $< $@

$(B)/guest/%-lowlink.elf: guest/baremetal/%.c $(BM_COMMON) guest/baremetal/baremetal.ld $(BM_HEADERS)
	@mkdir -p $(dir $@)
	$(CC_TARGET) $(BM_CFLAGS) -T guest/baremetal/baremetal.ld -Wl,--defsym=LOAD_ADDR=0x10000000 \
		$(BM_COMMON) $< -o $@

# The 32-bit guest (--aarch32): A32 encodings assembled by the aarch64
# toolchain, position-independent, taken out as a raw binary.
$(B)/guest/hello32.bin: guest/baremetal32/hello32.S | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC_TARGET) -c $< -o $(B)/guest/hello32.o
	$(CROSS_COMPILE)objcopy -O binary -j .text $(B)/guest/hello32.o $@

guests: $(GUEST_INITRAMFS) $(BM_ELFS) $(B)/guest/hello32.bin

# Tools the boot tests run inside the emulated host.
TEST_TOOLS := $(B)/tools/ctlraw $(B)/tools/ptyrun $(B)/tools/smccc_exit $(B)/tools/fdtprop $(B)/tools/lazyimg
$(B)/tools/%: tests/tools/%.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC_TARGET) $(TARGET_CFLAGS) -static $< -o $@
# fdtprop reads the device trees hvmm dumps, with the libfdt hvmm links.
$(B)/tools/fdtprop: tests/tools/fdtprop.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC_TARGET) $(TARGET_CFLAGS) -static $< -lfdt -o $@

# ptyrun runs a program on a pty the way a user's terminal would: in the
# emulated host (above) and natively, sanitized, to drive ./run.sh. Its own
# tests (make ptyrun-test) drive tests/tools/ttyprobe.c.
PTYRUN_SRCS  := $(sort $(wildcard tests/tools/ptyrun*.c))
NATIVE_TOOLS := $(B)/native/ptyrun $(B)/native/ttyprobe

$(B)/tools/ptyrun: $(PTYRUN_SRCS) tests/tools/ptyrun.h | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC_TARGET) $(TARGET_CFLAGS) -static $(PTYRUN_SRCS) -o $@
$(B)/native/ptyrun: $(PTYRUN_SRCS) tests/tools/ptyrun.h
	@mkdir -p $(dir $@)
	$(HOSTCC) $(UNIT_CFLAGS) $(PTYRUN_SRCS) -o $@
$(B)/native/ttyprobe: tests/tools/ttyprobe.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(UNIT_CFLAGS) $< -o $@

native-tools: $(NATIVE_TOOLS)

ptyrun-test: $(NATIVE_TOOLS)
	@tests/tools/ptyrun-test.sh $(B)

.PHONY: native-tools ptyrun-test

# ---- unit tests (native, sanitized) --------------------------------------

.SECONDEXPANSION:

UNIT_SRCS_test_psci     := $(sort $(wildcard firmware/*.c)) \
	tests/unit/fake_host.c
UNIT_SRCS_test_sdei     := $(UNIT_SRCS_test_psci)
UNIT_SRCS_test_sdei_floor := $(UNIT_SRCS_test_psci)
UNIT_SRCS_test_fw_states := firmware/sdei_state.c firmware/psci_state.c
UNIT_SRCS_test_registry := $(UNIT_SRCS_test_psci)
UNIT_SRCS_test_services := $(UNIT_SRCS_test_psci)
UNIT_SRCS_test_apf      := $(UNIT_SRCS_test_psci) tests/unit/apf_fixture.c
UNIT_SRCS_test_apf_ppi  := $(UNIT_SRCS_test_apf)
# The SDEI platform events a VM gets, the async-pf ones among them.
UNIT_SRCS_test_sdei_events := vmm/sdei_events.c
UNIT_SRCS_test_uart     := devices/uart_16550.c devices/bus.c
UNIT_SRCS_test_bus      := devices/bus.c
# virtio: the transport and the virtqueue against hostile rings; the block
# and rng models on real files.
UNIT_SRCS_test_virtio   := devices/virtio/mmio.c devices/virtio/virtqueue.c devices/bus.c vmm/guest_mem.c \
	tests/unit/virtio_driver.c
UNIT_SRCS_test_virtio_models := $(UNIT_SRCS_test_virtio) devices/virtio/blk.c devices/virtio/rng.c devices/virtio/console.c
UNIT_SRCS_test_loader   := vmm/loader.c vmm/guest_mem.c
UNIT_SRCS_test_resident := vmm/resident.c vmm/log.c
UNIT_SRCS_test_cmdline  := vmm/cmdline.c vmm/cmdline_opts.c vmm/log.c vmm/control/proto.c vmm/handler/spec.c vmm/lazy/config.c
# --lazy-mem: the option, the page table and the fetch schedule (fake clock).
UNIT_SRCS_test_lazy     := vmm/lazy/config.c vmm/lazy/schedule.c vmm/lazy/tracker.c vmm/log.c
# The same on this machine's real userfaultfd, with the fetcher thread (no KVM).
UNIT_SRCS_test_lazy_uffd := $(filter-out vmm/lazy/vcpu_glue.c,$(sort $(wildcard vmm/lazy/*.c))) vmm/log.c \
	vmm/sandbox.c vmm/sandbox_policy.c vmm/console.c $(B)/native/gen/syscall_names.c
# --smccc-handler: the option's parser and the line protocol; the processes,
# run as real /bin/sh -c commands.
UNIT_SRCS_test_handler  := vmm/handler/spec.c vmm/handler/proto.c vmm/log.c firmware/smccc_call.c
UNIT_SRCS_test_handler_process := vmm/handler/process.c vmm/handler/handlers.c $(UNIT_SRCS_test_handler)
# The firmware service that hands those calls to the VMM, alone and in the registry.
UNIT_SRCS_test_user_service := firmware/user_service.c firmware/smccc_call.c
UNIT_SRCS_test_user_registry := $(UNIT_SRCS_test_psci)
# The control socket without the VMM's ops (vmm/control/ops.c), which need a VM.
UNIT_SRCS_test_control  := $(filter-out vmm/control/ops.c,$(sort $(wildcard vmm/control/*.c))) vmm/log.c
UNIT_SRCS_test_control_server := $(UNIT_SRCS_test_control) tests/unit/client_capture.c
UNIT_SRCS_test_control_socket := $(UNIT_SRCS_test_control) tests/unit/client_capture.c
UNIT_SRCS_test_fdt      := vmm/fdt.c vmm/gic_node.c vmm/timer.c vmm/psci_node.c vmm/sdei_node.c \
	firmware/smccc_call.c devices/uart_16550.c devices/bus.c
UNIT_SRCS_test_console  := vmm/console.c
UNIT_SRCS_test_guest_mem := vmm/guest_mem.c
UNIT_SRCS_test_file     := vmm/file.c
# The threaded firmware test runs under ThreadSanitizer, which ASan excludes.
UNIT_SRCS_test_firmware_threads := $(UNIT_SRCS_test_psci)
UNIT_CFLAGS_test_firmware_threads := -O1 -g $(CFLAGS_COMMON) -fsanitize=thread,undefined \
	-fno-sanitize-recover=undefined -fno-omit-frame-pointer
# The async-pf service raced by vCPU threads and the fetcher, under TSan too.
UNIT_SRCS_test_apf_threads := $(UNIT_SRCS_test_psci)
UNIT_CFLAGS_test_apf_threads := $(UNIT_CFLAGS_test_firmware_threads)
UNIT_SRCS_test_sandbox  := vmm/sandbox.c vmm/sandbox_policy.c vmm/console.c $(B)/native/gen/syscall_names.c
UNIT_SRCS_test_sandbox_order := $(UNIT_SRCS_test_sandbox)
# Without AddressSanitizer: its allocator would hide the C library's malloc,
# whose arenas the sandbox has to account for.
UNIT_SRCS_test_sandbox_stdio := $(UNIT_SRCS_test_sandbox) vmm/stdio_fds.c
UNIT_CFLAGS_test_sandbox_stdio := -O1 -g $(CFLAGS_COMMON) -fsanitize=undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
UNIT_TESTS := $(sort $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c)))
UNIT_BINS  := $(UNIT_TESTS:%=$(B)/unit/%)

$(B)/unit/%: tests/unit/%.c $$(UNIT_SRCS_%) $(wildcard tests/unit/*.h) $(wildcard */*.h */*/*.h)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(or $(UNIT_CFLAGS_$*),$(UNIT_CFLAGS)) $< $(UNIT_SRCS_$*) $(UNIT_LIBS) -o $@

unit: $(UNIT_BINS)
	@tests/run-unit.sh $(UNIT_BINS)

# The compat uAPI header against Debian's 6.12 headers (compile-time asserts).
uapi-check: | $(DEPS_STAMP)
	@mkdir -p $(B)
	$(CC_TARGET) $(CFLAGS_COMMON) -I$(UAPI_612_DIR) -Itests/uapi-shim -fsyntax-only tests/uapi_check.c
	@echo "uapi-check: vmm/kvm_compat.h matches the 6.12 uAPI headers"

# ---- example SMCCC handlers (examples/smccc-handlers/) ----------------------

# kv.c, built for arm64 like hvmm (static), for --smccc-handler in the
# emulated host (tests/boot/run.sh ships it with kv.py), and for this machine
# with the sanitizers, where tests/examples/kv-test.sh checks both handlers.
$(B)/examples/kv-handler: examples/smccc-handlers/kv.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC_TARGET) $(TARGET_CFLAGS) -static $< -o $@
$(B)/native/kv-handler: examples/smccc-handlers/kv.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(UNIT_CFLAGS) $< -o $@

examples: $(B)/examples/kv-handler

DEB_PACKAGES += python3
examples-test: $(B)/native/kv-handler
	@tests/examples/kv-test.sh $(B)/native/kv-handler

.PHONY: examples examples-test

# ---- fuzzing (native, clang libFuzzer) ------------------------------------

# libFuzzer targets for what guests and users feed hvmm (tests/fuzz/): the
# firmware behind SMCCC, the control protocol, the command line, the kernel
# loader. make fuzz runs each for FUZZ_SECONDS, one after another; make
# fuzz-smoke is the short run for the test suite ("fuzz: N passed, M failed").
DEB_PACKAGES += clang libclang-rt-14-dev
FUZZ_CC            ?= clang
FUZZ_SECONDS       ?= 60
FUZZ_SMOKE_SECONDS ?= 10
FUZZ_CFLAGS        ?= -O1 -g $(CFLAGS_COMMON) -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_SRCS_fuzz_firmware := $(UNIT_SRCS_test_psci) tests/fuzz/invariant.c
FUZZ_SRCS_fuzz_apf      := $(UNIT_SRCS_test_psci) tests/fuzz/invariant.c
FUZZ_SRCS_fuzz_control  := vmm/control/proto.c vmm/log.c tests/fuzz/invariant.c
FUZZ_SRCS_fuzz_cmdline  := vmm/cmdline.c vmm/cmdline_opts.c vmm/log.c vmm/control/proto.c vmm/handler/spec.c vmm/lazy/config.c tests/fuzz/invariant.c
FUZZ_SRCS_fuzz_loader   := vmm/loader.c vmm/guest_mem.c
FUZZ_SRCS_fuzz_handler_answer := vmm/handler/proto.c vmm/log.c firmware/smccc_call.c tests/fuzz/invariant.c
FUZZ_LIBS_fuzz_loader   := -lelf
# A hostile guest driving virtio-blk and virtio-rng through the transport.
FUZZ_SRCS_fuzz_virtio   := devices/virtio/mmio.c devices/virtio/virtqueue.c devices/virtio/blk.c devices/bus.c \
	devices/virtio/rng.c vmm/guest_mem.c tests/fuzz/invariant.c
FUZZ_LIBS_fuzz_virtio   := -l:libfdt.so.1
FUZZ_TARGETS := $(sort $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_BINS    := $(FUZZ_TARGETS:%=$(B)/fuzz/%)

$(B)/fuzz/%: tests/fuzz/%.c $$(FUZZ_SRCS_%) $(wildcard */*.h */*/*.h tests/fuzz/*.h tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $< $(FUZZ_SRCS_$*) $(FUZZ_LIBS_$*) -o $@

fuzz-build: $(FUZZ_BINS)

fuzz: $(FUZZ_BINS)
	@tests/fuzz/run.sh $(FUZZ_SECONDS) $(B) $(FUZZ_BINS)

fuzz-smoke: $(FUZZ_BINS)
	@tests/fuzz/run.sh $(FUZZ_SMOKE_SECONDS) $(B) $(FUZZ_BINS)

.PHONY: fuzz fuzz-build fuzz-smoke

# ---- device-tree validation (native) --------------------------------------

# The guest device tree of every configuration the boot tests use, written by
# tests/dt/mkdtb.c from hvmm's own fdt sources, checked with dtc, with
# dt-validate against the Linux 6.12 binding schemas (make deps fetches them)
# and with tests/dt/dtcheck.c ("dt: N passed, M failed").
DT_BINDINGS_DIR ?= $(CACHE_DIR)/dt-bindings-6.12
DT_SRCS_mkdtb   := $(UNIT_SRCS_test_fdt) devices/virtio/mmio.c devices/virtio/virtqueue.c devices/virtio/rng.c \
	vmm/guest_mem.c
DT_SRCS_dtcheck :=
DT_TOOLS := $(B)/dt/mkdtb $(B)/dt/dtcheck

$(B)/dt/%: tests/dt/%.c $$(DT_SRCS_%) $(wildcard */*.h) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(UNIT_CFLAGS) $< $(DT_SRCS_$*) -l:libfdt.so.1 -lpthread -o $@

dt-validate: $(DT_TOOLS) | $(DEPS_STAMP)
	@command -v dt-validate >/dev/null && [ -s $(DT_BINDINGS_DIR)/.fetched ] || $(MAKE) deps
	@tests/dt/validate.sh $(B) $(DT_BINDINGS_DIR)

.PHONY: dt-validate

# ---- hvmm with AddressSanitizer and UBSan (arm64, for one boot test) ------

# build/hvmm-asan: the sources of hvmm (HVMM_SRCS and the generated ones)
# built for arm64 with ASan, LeakSanitizer and UBSan, into their own object
# directory (make hvmm-asan; docs/sanitizers.md). The sanitizer
# runtimes cannot be linked statically, so this binary is dynamic: it needs
# the arm64 glibc, libasan and libubsan at run time (tests/boot/run.sh puts
# them into the emulated host), while the libraries of TARGET_LIBS that are
# not part of glibc (libfdt, libelf, libz, ...) come from their .a archives.
# tests/boot/parts/sanitizers.sh runs it. FORTIFY_SOURCE is left out: its
# checked string functions would bypass ASan's own interceptors.
DEB_PACKAGES += libc6-arm64-cross libasan8-arm64-cross libubsan1-arm64-cross libstdc++6-arm64-cross
HVMM_ASAN        := $(B)/hvmm-asan
# The same objects as hvmm's (HVMM_OBJS), generated sources included.
HVMM_ASAN_OBJS    = $(patsubst $(B)/target/%,$(B)/target-asan/%,$(HVMM_OBJS))
ASAN_TARGET_CFLAGS  ?= -O1 -g $(CFLAGS_COMMON) -fPIE -fstack-protector-strong $(SANITIZE)
ASAN_TARGET_LDFLAGS ?= -pie -Wl,-z,relro,-z,now,-z,noexecstack
# glibc's own libraries stay dynamic; everything else in TARGET_LIBS is static.
ASAN_GLIBC_LIBS  := -lpthread -lm -ldl -lrt -lc
ASAN_TARGET_LIBS  = -Wl,-Bstatic $(filter-out $(ASAN_GLIBC_LIBS),$(TARGET_LIBS)) \
	-Wl,-Bdynamic $(filter $(ASAN_GLIBC_LIBS),$(TARGET_LIBS))

$(B)/target-asan/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC_TARGET) $(ASAN_TARGET_CFLAGS) -MMD -MP -c $< -o $@

$(B)/target-asan/gen/%.o: $(B)/target/gen/%.c
	@mkdir -p $(dir $@)
	$(CC_TARGET) $(ASAN_TARGET_CFLAGS) -c $< -o $@

$(HVMM_ASAN): $(HVMM_ASAN_OBJS)
	$(CC_TARGET) $(ASAN_TARGET_CFLAGS) $(ASAN_TARGET_LDFLAGS) $^ $(ASAN_TARGET_LIBS) -o $@

hvmm-asan: $(HVMM_ASAN)

-include $(HVMM_ASAN_OBJS:.o=.d)

.PHONY: hvmm-asan

# ---- boot tests in the emulated host --------------------------------------

BOOT_INPUTS := $(HVMM) $(GUEST_INITRAMFS) $(BM_ELFS) $(B)/guest/hello.bin $(B)/guest/hello-lowlink.elf \
	$(B)/guest/hello32.bin \
	$(TEST_TOOLS) $(HVMM_ASAN) $(B)/examples/kv-handler
# Debian's arm64 python3.11 for the emulated host (tests/boot/fetch-python.sh).
PYTHON_ARM64 := $(CACHE_DIR)/python-arm64

# A cache made before make deps fetched python3 gets it here.
$(PYTHON_ARM64)/.fetched:
	$(MAKE) deps

# BOOT_PARTS=NAME...: only those groups of tests/boot/parts/ (for a quick look).
boot-tests: $(BOOT_INPUTS) | $(DEPS_STAMP) $(PYTHON_ARM64)/.fetched
	PYTHON_ARM64=$(PYTHON_ARM64) tests/boot/run.sh $(B) $(GUEST_KERNEL) $(BUSYBOX) $(BOOT_PARTS)

# ./run.sh from this machine on a terminal, and its forwarded control socket.
runsh-test: | $(DEPS_STAMP)
	@tests/runsh-test.sh $(B)

.PHONY: runsh-test

test: | $(DEPS_STAMP)
	@tests/run-all.sh

# The disk benchmark's guest tool, static for the guests' initramfs.
$(B)/bench/blkbench: tests/bench/blkbench.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC_TARGET) $(TARGET_CFLAGS) -static $< -o $@

bench: $(BOOT_INPUTS) $(B)/bench/blkbench | $(DEPS_STAMP)
	LKVM=$(LKVM) tests/bench/run.sh $(B) $(GUEST_KERNEL) $(BUSYBOX)

clean:
	rm -rf $(B)

.PHONY: all deps guests unit uapi-check boot-tests test bench clean
