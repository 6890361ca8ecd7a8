# SPDX-License-Identifier: GPL-2.0
# The curated upstream mm selftests (selftests/vm/upstream/tests), judged
# against the stock baseline (selftests/vm/upstream/baseline):
#  - a test that passes on stock must pass here;
#  - a test that fails or skips on stock too is reported as a diagnostic
#    with the baseline's reason, and is not counted either way;
#  - a test that fails on stock but passes here is a pass;
#  - a test missing from the baseline fails (record it first).
# A kselftest_harness program is judged case by case ("migration/
# migration.shared_anon").
# Every test's own result is printed as "# upstream-result NAME RESULT
# SECONDS", which "make upstream-baseline" reads on the base kernel.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. /nvmtest/lib.sh
t_begin

U=/nvmtest/upstream
cd $U/vm || exit 1
fork=0
[ -d /sys/kernel/mm/nvm ] && fork=1
if [ $fork = 1 ]; then
	t_run "ZONE_NVM in use beside the tests (256 MiB on node 1)" \
		test "$(zone_pages 1 NVM managed)" -gt 0
	t_run "mirrored memory in use beside the tests" \
		test "$(meminfo_kb MirrorTotal)" -gt 0
fi

# mem-on-off-test needs hot-pluggable memory: a Movable pc-dimm on node 1
before=$(block_ids)
t_run "hot-add a 1 GiB pc-dimm on node 1 (QMP)" hostctl hotadd up1 1G 1
t_run "its blocks come online in ZONE_MOVABLE" wait_for 60 \
	'test "$(block_ids | grep -cvxF "$before")" = $((1073741824 / $(block_size))) &&
	 for b in $(block_ids | grep -vxF "$before"); do
		grep -qx online $MEMDIR/memory$b/state && grep -qx Movable $MEMDIR/memory$b/valid_zones || exit 1
	 done'

mkdir -p huge
mount -t hugetlbfs none huge
echo 128 >/proc/sys/vm/nr_hugepages
t_run "128 huge pages reserved" test "$(cat /proc/sys/vm/nr_hugepages)" = 128

# baseline NAME: "RESULT REASON..." of the stock run, or nothing
baseline() { awk -v n="$1" '$1 == n { $1 = ""; sub(/^ /, ""); print; exit }' $U/baseline; }

# judge NAME RESULT SECONDS EXTRA: one result against the baseline
judge() {
	local name=$1 res=$2 secs=$3 extra=$4 base want why
	echo "# upstream-result $name $res $secs$extra"
	base=$(baseline "$name")
	want=${base%% *}
	why=${base#"$want"}
	why=${why# }
	if [ -z "$base" ]; then
		tail -n 20 /tmp/up.log | t_diag
		t_fail "upstream $name: $res, and no stock baseline (make upstream-baseline)"
	elif [ "$want" = pass ]; then
		if [ "$res" = pass ]; then
			t_ok "upstream $name (${secs}s$extra)"
		else
			tail -n 30 /tmp/up.log | t_diag
			t_fail "upstream $name: $res, passes on stock"
		fi
	elif [ "$res" = pass ]; then
		t_ok "upstream $name (${secs}s; $want on stock: $why)"
	else
		echo "# upstream $name: $res, as on stock ($why); not counted"
	fi
}

while read -r name tmo cmd; do
	case "$name" in ""|"#"*) continue ;; esac
	# every test starts from the same state
	echo 128 >/proc/sys/vm/nr_hugepages
	s=$(date +%s)
	timeout -s KILL "$tmo" $cmd >/tmp/up.log 2>&1 </dev/null
	rc=$?
	secs=$(($(date +%s) - s))
	[ $rc != 137 ] || echo "timed out after ${tmo}s" >>/tmp/up.log
	if grep -q '^#  RUN ' /tmp/up.log; then
		# a kselftest_harness program: each case on its own, named by its
		# RUN line (a skipped case's result line has no name in 6.1);
		# a case of the baseline that did not run here fails
		# (6.1 reports a case whose fixture setup skipped as "ok", after
		# a "#      SKIP" line: that is a skip too)
		awk '/^#  RUN / { c = $3; sk = 0 }
		     /^# +SKIP / { sk = 1 }
		     /^ok [0-9]+ / { print c, (sk || $0 ~ /# SKIP/ ? "skip" : "pass"); c = "?" }
		     /^not ok [0-9]+ / { print c, "fail"; c = "?" }' /tmp/up.log >/tmp/up.cases
		while read -r c res; do
			judge "$name/$c" "$res" "$secs" ""
		done </tmp/up.cases
		awk -v p="$name/" 'index($1, p) == 1 && $2 == "pass" { print $1 }' $U/baseline |
			while read -r c; do
				grep -qx "${c#"$name/"} [a-z]*" /tmp/up.cases ||
					{ tail -n 20 /tmp/up.log | t_diag; t_fail "upstream $c: did not run (exit $rc), passes on stock"; }
			done
		continue
	fi
	# other programs: exit 0 pass, 4 skip (kselftest), else fail; one
	# that reports only skipped tests is a skip.  khugepaged exits with
	# its number of failed checks, so 4 is a failure there.
	nskip=$(grep -cE '^(ok [0-9]+ .*# SKIP|\[SKIP\])' /tmp/up.log)
	nok=$(grep -cE '^ok [0-9]+ ' /tmp/up.log)
	case $rc in
	0) res=pass
	   [ "$nskip" = 0 ] || [ "$nskip" -lt "$nok" ] || res=skip ;;
	4) res=skip
	   [ "$name" != khugepaged ] || res=fail ;;
	*) res=fail ;;
	esac
	# what failed, for the log (khugepaged prints its failures in red)
	[ $res = pass ] || grep -aE $'\e\\[31m|^not ok|FAIL|Unexpected|Expected' /tmp/up.log | head -n 10 | t_diag
	extra=
	[ "$nskip" = 0 ] || extra=" ($nskip of $nok cases skipped)"
	judge "$name" "$res" "$secs" "$extra"
done <$U/tests

echo 0 >/proc/sys/vm/nr_hugepages
umount huge
dimm_movable() {
	local b
	for b in $(block_ids | grep -vxF "$before"); do
		grep -qx Movable $MEMDIR/memory$b/valid_zones || return 1
	done
}
t_run "the pc-dimm's blocks are all in ZONE_MOVABLE after the tests" dimm_movable
[ $fork = 0 ] || t_run "ZONE_NVM still there" test "$(zone_pages 1 NVM managed)" -gt 0
t_end
