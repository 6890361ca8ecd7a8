# SPDX-License-Identifier: GPL-2.0
# One boot of the boot-parameter fuzzer (selftests/vm/bootfuzz.py): the
# host's model of nvm_zone=, mirrormem= and memhp_default_state= parsing
# says what this boot must show (nvmtest.expect_nvm=on|off|invalid,
# nvmtest.expect_mirror=KB|invalid, nvmtest.expect_memhp=STATE, and for
# each whether a refusal message is due: nvmtest.expect_*_msg=0|1);
# a refused value must be named in a message and change nothing.
. /nvmtest/lib.sh
t_begin

arg() { tr ' ' '\n' </proc/cmdline | sed -n "s/^$1=//p" | head -n 1; }
nvm=$(arg nvmtest.expect_nvm)
mirror=$(arg nvmtest.expect_mirror)
echo "# expected: nvm_zone $nvm, mirrored $mirror kB"

case $nvm in
on)
	t_eq "nvm_zone=on: boot_enabled" "$(cat /sys/kernel/mm/nvm/boot_enabled)" 1
	t_run "nvm_zone=on: the pmem range is ZONE_NVM" test "$(meminfo_kb NVMTotal)" -gt 200000
	;;
off|invalid)
	t_eq "nvm_zone $nvm: boot_enabled" "$(cat /sys/kernel/mm/nvm/boot_enabled)" 0
	t_eq "nvm_zone $nvm: no ZONE_NVM" "$(meminfo_kb NVMTotal)" 0
	t_run "nvm_zone $nvm: the pmem range stays a legacy pmem device" \
		grep -q '130000000-13fffffff : Persistent Memory (legacy)' /proc/iomem
	;;
*) t_fail "no nvmtest.expect_nvm on the command line" ;;
esac
if [ "$(arg nvmtest.expect_nvm_msg)" = 1 ]; then
	t_run "nvm_zone: a refused value is named in a message" \
		sh -c "dmesg | grep -q 'nvm_zone=.*: invalid value, expected \"on\" or \"off\"'"
else
	t_run "nvm_zone: no refusal message" \
		sh -c "! dmesg | grep -q 'nvm_zone=.*: invalid value'"
fi

case $mirror in
invalid)
	t_eq "mirrormem invalid: nothing mirrored" "$(meminfo_kb MirrorTotal)" 0
	t_eq "mirrormem invalid: no range registered" "$(cat /sys/kernel/mm/nvm/mirror/ranges)" ""
	;;
[0-9]*)
	t_eq "mirrormem: MirrorTotal is the ranges' size (kB)" "$(meminfo_kb MirrorTotal)" "$mirror"
	;;
*) t_fail "no nvmtest.expect_mirror on the command line" ;;
esac
if [ "$(arg nvmtest.expect_mirror_msg)" = 1 ]; then
	t_run "mirrormem: a refused value is named in a message" \
		sh -c "dmesg | grep -q 'mirrormem=: .*no range marked'"
else
	t_run "mirrormem: no refusal message" sh -c "! dmesg | grep -q 'mirrormem=: .*no range marked'"
fi
memhp=$(arg nvmtest.expect_memhp)
t_eq "memhp_default_state: auto_online_blocks" "$(cat $MEMDIR/auto_online_blocks)" "$memhp"
if [ "$(arg nvmtest.expect_memhp_msg)" = 1 ]; then
	t_run "memhp_default_state invalid: refused with a message" \
		sh -c "dmesg | grep -q 'memhp_default_state=.*: invalid value, ignored'"
else
	t_run "memhp_default_state: no refusal message" \
		sh -c "! dmesg | grep -q 'memhp_default_state=.*: invalid value'"
fi
t_run "nvmzone status works" nvmzone status
t_end
