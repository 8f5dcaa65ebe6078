# Build knobs for hvmm. Override any of them on the make command line.

# The aarch64 cross toolchain (Debian's gcc-aarch64-linux-gnu).
CROSS_COMPILE ?= aarch64-linux-gnu-
CC_TARGET     ?= $(CROSS_COMPILE)gcc
# The native compiler for unit tests and tools.
HOSTCC        ?= gcc

BUILD_DIR ?= build
# Downloaded guest pieces (kernel, busybox, 6.12 uAPI headers); not in git.
CACHE_DIR ?= .cache

GUEST_KERNEL ?= $(CACHE_DIR)/linux/Image
BUSYBOX      ?= $(CACHE_DIR)/busybox/busybox
UAPI_612_DIR ?= $(CACHE_DIR)/uapi-6.12
# The peer make bench measures hvmm against: kvmtool's lkvm, static for
# aarch64, kept beside the project's checkout.
LKVM         ?= ../shared/peers/lkvm-static

WARNINGS := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wformat=2 -Wundef -Wvla
HARDENING := -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fstack-clash-protection \
             -fPIE
CFLAGS_COMMON := -std=gnu11 -D_GNU_SOURCE -I. $(WARNINGS)

# hvmm itself: static-pie aarch64, hardened.
TARGET_CFLAGS  ?= -O2 -g $(CFLAGS_COMMON) $(HARDENING)
TARGET_LDFLAGS ?= -static-pie -Wl,-z,relro,-z,now,-z,noexecstack
TARGET_LIBS    := -lfdt -lelf -lz -lseccomp -lpthread

# The client-only hvmm for the build machine (make native-client): the same
# warnings and hardening, linked as a static PIE like hvmm.
NATIVE_CFLAGS  ?= -O2 -g $(CFLAGS_COMMON) $(HARDENING)
NATIVE_LDFLAGS ?= -static-pie -Wl,-z,relro,-z,now,-z,noexecstack

# Unit tests: native, with AddressSanitizer and UndefinedBehaviorSanitizer.
# Debian's native libfdt-dev conflicts with libfdt-dev:arm64; the headers are
# shared, so the native runtime library is linked by its file name.
SANITIZE   := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
UNIT_CFLAGS  ?= -O1 -g $(CFLAGS_COMMON) $(SANITIZE)
UNIT_LIBS    := -lcmocka -l:libfdt.so.1 -lelf -lseccomp -lpthread

# Emulated arm64 host used by the boot tests on non-arm64 machines.
EMUHOST_SMP ?= 2
EMUHOST_MEM ?= 3072
