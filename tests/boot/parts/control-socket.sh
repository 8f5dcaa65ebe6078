# Where the control socket goes for an hvmm started with neither
# XDG_RUNTIME_DIR nor HOME (an init script's), and a VM booting without a
# socket it cannot set up. Sourced by tests/boot/host-tests.sh.

cs_home=$HOME
cs_tmp=/tmp/cs-tmpdir
cs_dir=$cs_tmp/hvmm-$(id -u)
rm -rf "$cs_tmp" /tmp/cs-elsewhere
mkdir -p "$cs_tmp"
unset HOME XDG_RUNTIME_DIR
export TMPDIR=$cs_tmp

bg_start cs_fb run -k "$BM/idle.elf" -c 1 -m 64 --name cs_fb
bg_expect "bm: idling" 60 "control socket: hvmm with neither XDG_RUNTIME_DIR nor HOME boots"
[ -S "$cs_dir/cs_fb.sock" ] && [ "$(stat -c %a "$cs_dir")" = 700 ]
result "control socket: it listens in \$TMPDIR/hvmm-UID (0700)" $? "$out/cs_fb.err"
ctl cs_fb_list list
expect cs_fb_list "control socket: hvmm list, in the same environment, finds it there" \
	rc_and cs_fb_list 0 has_out cs_fb_list '^cs_fb$'
ctl cs_fb_stop stop --name cs_fb
bg_finish
expect cs_fb "control socket: hvmm stop ends it (status 4), without a warning" \
	sh -c "[ \"\$(cat $out/cs_fb.rc)\" = 4 ] && ! grep -q warning $out/cs_fb.err"

# A symlink planted where that directory goes: not followed, and the VM
# boots anyway, with one warning line.
rm -rf "$cs_dir"
mkdir -m 0700 /tmp/cs-elsewhere
ln -s /tmp/cs-elsewhere "$cs_dir"
hvmm_run cs_nosock run -k "$BM/hello.elf" -c 1 -m 64 --name cs_nosock
cs_line="hvmm: warning: no control socket ($cs_dir exists and is not a directory): control commands will not reach this VM"
rc_is cs_nosock 0 && has_out cs_nosock "hvmm-baremetal: hello" && [ "$(grep -c . "$out/cs_nosock.err")" -eq 1 ] &&
	grep -qxF "$cs_line" "$out/cs_nosock.err" && [ ! -e /tmp/cs-elsewhere/cs_nosock.sock ]
result "control socket: an unusable directory: the guest runs (status 0) after one warning line" $? \
	"$out/cs_nosock.out" "$out/cs_nosock.err"
ctl cs_nosock_list list
expect cs_nosock_list "control socket: hvmm list refuses that directory too (status 1)" \
	rc_and cs_nosock_list 1 has_err cs_nosock_list "exists and is not a directory"

rm -rf "$cs_tmp" /tmp/cs-elsewhere
unset TMPDIR
HOME=$cs_home
export HOME
