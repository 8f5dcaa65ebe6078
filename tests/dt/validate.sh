#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Usage: validate.sh BUILD_DIR [BINDINGS_DIR]       (make dt-validate)
#
# Validates the device trees hvmm gives its guests, natively: BUILD_DIR/dt/mkdtb
# (tests/dt/mkdtb.c, built by make) writes the DTB of every configuration the
# boot tests use, and each DTB goes through
#   dtc          dtc -I dtb -O dts must print no warning;
#   dt-validate  Debian bookworm's dt-schema (2022.08) against the Linux 6.12
#                binding schemas (BINDINGS_DIR, default
#                ${CACHE_DIR:-.cache}/dt-bindings-6.12, from fetch-bindings.sh):
#                no error, and every compatible matches a schema;
#   dtcheck      tests/dt/dtcheck.c: what dt-validate cannot check here
#                (/firmware/sdei has no YAML schema in 6.12; 2022.08's
#                chosen.yaml is wrong about 64-bit initrd addresses; rules the
#                bindings give only in prose).
# Those two gaps, and hvmm's own /chosen/hvmm,boot-count (deliberate: "hvmm"
# is no registered vendor prefix and chosen.yaml admits no extra property, so
# no name for it would pass), are the only messages let through (waived()).
# Canaries then break one property at a time and expect the matching check
# to catch it, so a check that silently checks nothing fails too.
#
# Only the binding files for hvmm's nodes and their $refs are processed
# (about a second); DT_FULL_SCHEMAS=1 processes all of 6.12's bindings
# (about a minute) to confirm that gives the same result.
# Prints one line per DTB and check, ends with "dt: N passed, M failed".
set -uo pipefail

me=${0##*/}
[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: $me BUILD_DIR [BINDINGS_DIR]" >&2; exit 2; }
B=$1
bindings=${2:-${CACHE_DIR:-.cache}/dt-bindings-6.12}
here=$(cd "$(dirname "$0")" && pwd)
out=$B/dt
mkdtb=$out/mkdtb
dtcheck=$out/dtcheck

passed=0 failed=0
# ok NAME / not_ok NAME [DETAIL-FILE]: one result line; details indented after it.
ok() { echo "ok - $1"; passed=$((passed + 1)); }
not_ok() {
	echo "not ok - $1"
	# (dt-validate quotes every vendor prefix when a property has none of them)
	[ $# -lt 2 ] || sed -E 's/^(.{300}).+/\1 [...]/; s/^/#   /' "$2" | head -n 40
	failed=$((failed + 1))
}
finish() {
	echo "dt: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}

for tool in dtc fdtput fdtget dt-mk-schema dt-validate; do
	command -v "$tool" >/dev/null 2>&1 || { not_ok "$tool is missing (make deps installs device-tree-compiler and dt-schema)"; finish; }
done
for tool in "$mkdtb" "$dtcheck"; do
	[ -x "$tool" ] || { not_ok "$tool is missing (make dt-validate builds it)"; finish; }
done
[ -s "$bindings/.fetched" ] || { not_ok "no 6.12 bindings in $bindings (make deps fetches them)"; finish; }
rm -rf "$out/dtb" "$out/log"
mkdir -p "$out/dtb" "$out/log"

# ---- the binding schemas -----------------------------------------------------

# The bindings of the nodes hvmm writes; binding-closure.py adds their $refs and
# the select-everything schemas (vendor-prefixes.yaml, ...). The root, /cpus,
# /memory and /chosen schemas are dt-schema's own. /firmware/sdei has none in
# 6.12 (arm/firmware/sdei.txt): dtcheck covers it.
seeds="arm/linux,dummy-virt.yaml arm/cpus.yaml arm/psci.yaml cpu/idle-states.yaml
timer/arm,arch_timer.yaml interrupt-controller/arm,gic-v3.yaml
interrupt-controller/arm,gic.yaml serial/8250.yaml virtio/mmio.yaml"
schema=$out/processed-schema.json
schema_log=$out/log/dt-mk-schema.log
# shellcheck disable=SC2086
if ! /usr/bin/python3 "$here/binding-closure.py" "$bindings" $seeds >"$out/bindings.txt" 2>"$schema_log"; then
	not_ok "schemas: the bindings of hvmm's nodes are not all in $bindings" "$schema_log"
	finish
fi
if [ "${DT_FULL_SCHEMAS:-0}" = 1 ]; then
	what="all 6.12 bindings"
	(cd "$bindings" && dt-mk-schema -j .) >"$schema" 2>"$schema_log"
else
	what="$(wc -l <"$out/bindings.txt") binding files for hvmm's nodes and their \$refs"
	(cd "$bindings" && xargs dt-mk-schema -j) <"$out/bindings.txt" >"$schema" 2>"$schema_log"
fi
status=$?
# dt-mk-schema leaves out (with "ignoring, error in schema") a schema this
# dt-schema cannot process. All of 6.12 has some (bindings of other hardware
# using what 2022.08 does not know); none of hvmm's or their $refs may be hit,
# and processing just those must print nothing.
hit=$(sed 's|^|/|' "$out/bindings.txt" | grep -F -f - "$schema_log")
if [ "$status" -ne 0 ] || [ ! -s "$schema" ] || [ -n "$hit" ] ||
	{ [ "${DT_FULL_SCHEMAS:-0}" != 1 ] && [ -s "$schema_log" ]; }; then
	not_ok "schemas: dt-mk-schema $(dt-mk-schema -V 2>/dev/null) on $what (status $status)" "$schema_log"
	finish
fi
ok "schemas: dt-mk-schema $(dt-mk-schema -V 2>/dev/null) processed $what ($(sed -n 's/^deb //p' "$bindings/.fetched"))"

# ---- the device trees ----------------------------------------------------------

# NAME MKDTB-ARGS: the hvmm runs of the boot tests (Linux with an
# initrd, bare-metal guests without), and the variants it does not boot: the
# other idle-state choices and power_state format, a GICv2 host, a reset.
initrd="--initrd-size 0x2a0000"
configs=(
	"linux-1cpu|-c 1 -m 256 $initrd -p 'quiet hvmm.test=smp'"
	"linux-2cpu|-c 2 -m 256 $initrd -p 'quiet hvmm.test=smp'"
	"linux-3cpu|-c 3 -m 256 $initrd -p 'quiet hvmm.test=lifecycle'"
	"linux-4cpu|-c 4 -m 256 $initrd -p 'quiet hvmm.test=smp'"
	"linux-hotadd-2of4|-c 2 --max-cpus 4 -m 256 $initrd -p 'quiet hvmm.test=hotadd'"
	"linux-reboot|-c 2 --max-cpus 4 -m 256 $initrd --boot-count 2 -p 'quiet hvmm.test=hotadd'"
	"bm-1cpu|-c 1 -m 64"
	"bm-2cpu|-c 2 -m 64"
	"bm-4cpu-sdei|-c 4 -m 64"
	"bm-3of4|-c 3 --max-cpus 4 -m 64"
	"bm-no-sdei|-c 2 -m 64 --no-sdei"
	"bm-in-kernel-psci|-c 2 -m 64 --in-kernel-psci"
	"bm-smc|-c 2 -m 64 --psci-conduit smc"
	"bm-smc-4cpu|-c 4 -m 64 --psci-conduit smc"
	"bm-in-kernel-psci-smc|-c 1 -m 64 --in-kernel-psci --psci-conduit smc"
	"linux-smc|-c 2 -m 256 $initrd --psci-conduit smc -p 'quiet hvmm.test=conduit'"
	"pstate-extended|-c 2 -m 64 --psci-suspend-format extended"
	"pstate-original|-c 2 -m 64 --psci-suspend-format original"
	"idle-standby|-c 2 -m 64 --idle-states standby"
	"idle-powerdown|-c 2 -m 64 --idle-states powerdown"
	"idle-powerdown-original|-c 2 -m 64 --idle-states powerdown --psci-suspend-format original"
	"idle-none|-c 2 -m 64 --idle-states none"
	"idle-all|-c 2 -m 64 --idle-states all"
	"virtio-3|-c 2 -m 256 $initrd --virtio 3 -p 'quiet root=/dev/vda'"
	"nodefaults|-c 1 -m 64 --nodefaults -p 'console=ttyS0'"
	"gicv2-1cpu|--gic v2 -c 1 -m 256 $initrd"
	"gicv2-4cpu|--gic v2 -c 4 -m 64"
	"gicv2-2of4|--gic v2 -c 2 --max-cpus 4 -m 64 --no-sdei"
	"gicv2-8cpu|--gic v2 -c 8 -m 64 --idle-states none"
)

# waived FILE: drop from dt-validate's output FILE the two messages that are
# gaps of this dt-schema rather than problems of the tree (dtcheck checks both
# properties instead):
#  - /firmware/sdei matching no schema: 6.12 describes it in sdei.txt only;
#  - chosen.yaml of dt-schema 2022.08 typing linux,initrd-start/-end as one
#    cell (newer dt-schema: an address of one or two cells, as Linux reads it).
waived() {
	awk '
	function flush() {
		if (rec != "" &&
		    rec !~ /^[^\n]*: \/firmware\/sdei: failed to match any schema with compatible: \[.arm,sdei-1\.0.\]$/ &&
		    rec !~ /^[^\n]*: chosen: linux,initrd-(start|end):0: \[[0-9]+, [0-9]+\] is too long\n\tFrom schema: [^\n]*\/dtschema\/schemas\/chosen\.yaml$/ &&
		    rec !~ /^[^\n]*: chosen: .hvmm,boot-count. does not match any of the regexes: [^\n]*\n\tFrom schema: [^\n]*\/(vendor-prefixes|chosen)\.yaml$/)
			print rec
		rec = ""
	}
	/^\t/ { rec = rec "\n" $0; next }
	{ flush(); rec = $0 }
	END { flush() }' "$1"
}

# validate DTB LOG: dt-validate on one DTB, its remaining messages in LOG.
# dt-validate exits 0 even when it reports errors, so any message fails; a
# malformed tree can make it eat memory without end, hence the limits.
validate() {
	local raw=$2.raw status
	(ulimit -v 4194304; timeout 120 dt-validate -m -s "$schema" "$1") >"$raw" 2>&1
	status=$?
	waived "$raw" >"$2"
	[ "$status" -eq 0 ] || echo "dt-validate exited with status $status" >>"$2"
	[ ! -s "$2" ]
}

# dtc_check DTB LOG: dtc must decompile it without a warning.
dtc_check() {
	dtc -I dtb -O dts -o /dev/null "$1" >"$2" 2>&1 && [ ! -s "$2" ]
}

# own_check DTB LOG
own_check() {
	"$dtcheck" "$1" >"$2" 2>&1
}

for c in "${configs[@]}"; do
	name=${c%%|*}
	dtb=$out/dtb/$name.dtb
	log=$out/log/$name
	if ! eval "\"\$mkdtb\" ${c#*|} -o \"\$dtb\"" >"$log.mkdtb" 2>&1; then
		not_ok "mkdtb $name" "$log.mkdtb"
		continue
	fi
	if dtc_check "$dtb" "$log.dtc"; then ok "dtc $name"; else not_ok "dtc $name" "$log.dtc"; fi
	if validate "$dtb" "$log.dt-validate"; then ok "dt-validate $name"; else not_ok "dt-validate $name" "$log.dt-validate"; fi
	if own_check "$dtb" "$log.dtcheck"; then ok "dtcheck $name"; else not_ok "dtcheck $name" "$log.dtcheck"; fi
done

# ---- canaries: each check must catch a broken tree ----------------------------

# canary NAME CHECK PATTERN BASE FDTPUT-ARGS...: copy BASE's DTB, change it with
# fdtput, and expect CHECK (dtc_check, validate, own_check) to fail on it with
# a message matching the extended regex PATTERN.
canary() {
	local name=$1 check=$2 pattern=$3 base=$4
	local dtb=$out/dtb/canary-$name.dtb log=$out/log/canary-$name
	shift 4
	if ! cp "$out/dtb/$base.dtb" "$dtb" 2>"$log.setup" || ! fdtput "$dtb" "$@" 2>>"$log.setup"; then
		not_ok "canary $name: cannot break $base.dtb" "$log.setup"
		return
	fi
	if ! "$check" "$dtb" "$log" && grep -Eq -- "$pattern" "$log"; then
		ok "canary $name: $check catches it"
	else
		echo "expected a message matching: $pattern" >>"$log"
		not_ok "canary $name: $check does not catch it" "$log"
	fi
}

# The GIC's node, whatever it is called.
gic_node() {
	fdtget -l "$out/dtb/$1.dtb" / | grep -E '^(intc|interrupt-controller)@' | head -n 1
}
gic3=/$(gic_node bm-2cpu)
gic2=/$(gic_node gicv2-4cpu)
canary serial-unknown-prop validate "'bogus-prop' was unexpected" bm-2cpu -t s /serial@9000000 bogus-prop x
canary psci-no-method validate "'method' is a required property" bm-2cpu -d /psci method
canary timer-no-interrupts validate "'interrupts' is a required property" bm-2cpu -d /timer interrupts
canary virtio-no-interrupts validate "'interrupts' is a required property" virtio-3 -d /virtio_mmio@9010200 interrupts
canary gicv3-no-reg validate "'reg' is a required property" bm-2cpu -d "$gic3" reg
canary gicv2-not-controller validate "'interrupt-controller' is a required property" gicv2-4cpu \
	-d "$gic2" interrupt-controller
canary idle-state-no-latency validate "'entry-latency-us' is a required property" idle-all \
	-d /cpus/idle-states/cpu-standby entry-latency-us
canary cpu-two-regs validate "cpu@0: reg: .* is too long" bm-2cpu -t x /cpus/cpu@0 reg 0 0 0 1
# With all of 6.12's bindings, soc/renesas/renesas-soc.yaml's compatible pattern
# '^(?!renesas,.+-.+).+$' lets dt-validate -m take any compatible as documented.
if [ "${DT_FULL_SCHEMAS:-0}" = 1 ]; then
	echo "# canary cpu-unknown-compatible skipped: renesas-soc.yaml documents every compatible"
else
	canary cpu-unknown-compatible validate "cpu@0: failed to match any schema" bm-2cpu \
		-t s /cpus/cpu@0 compatible hvmm-test,no-such-cpu
fi
canary memory-no-type validate "'device_type' is a required property" bm-2cpu -d /memory@40000000 device_type
canary chosen-unknown-prop validate "chosen: ('[^']*', )*'bogus'.* match any of the regexes" bm-2cpu -t s /chosen bogus x
canary sdei-bad-method own_check 'method "foo"' bm-2cpu -t s /firmware/sdei method foo
canary psci-bad-method validate "method(:0)?: 'foo' is not one of" bm-smc -t s /psci method foo
canary sdei-other-conduit own_check 'method "hvc" differs from /psci.s "smc"' bm-smc -t s /firmware/sdei method hvc
canary initrd-reversed own_check "initrd-end .* is not above" linux-2cpu -t x /chosen linux,initrd-end 0 0x40000000
canary cpu-no-enable-method own_check "cpu@1: no enable-method" bm-2cpu -d /cpus/cpu@1 enable-method
canary psci-reg-no-unit dtc_check "unit_address_vs_reg" bm-2cpu -t x /psci reg 0 0 0 0x1000

finish
