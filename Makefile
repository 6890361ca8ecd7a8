# SPDX-License-Identifier: GPL-2.0
# nvmzone: one entry point for everything.  See README.md.
#
#   make run              boot the fork in the default VM shape, with a shell
#   make run RUN=script   run a script in the guest, print its output, exit with its status
#   make run SCENARIO=x   another VM shape (selftests/vm/scenarios/x.conf)
#   make test             install, build, run every test; ends with "N passed, N failed"
#   make tree             build/linux: the Debian base + linux/patches/series
#   make patches          export build/linux's base..HEAD into linux/patches
#   make kernel [DEBUG=1] the VM kernel (DEBUG=1: KASAN, lockdep, ... in build/linux-debug)
#   make initramfs        the VM's initramfs
#   make nvmzone          the nvmzone CLI (tools/nvmzone; make -C tools/nvmzone check runs its tests)
#   make util-linux       the VM's lsmem and chmem: Debian's util-linux + tools/util-linux/patches
#   make ndctl            the VM's ndctl and daxctl: ndctl v81 (Debian's orig tarball) + tools/ndctl/patches
#   make check            checkpatch --strict on linux/patches
#   make bisect [FROM=N]  build every patch of the series on its own (and CONFIG_ZONE_NVM=n)
#   make crossbuild       the series on arm64, armhf, ppc64el, s390x, riscv64, mips64el, alpha,
#                         hppa and amd64's defconfig (CROSS_ARCHES="arm64 ..." for some)
#   make bench            the fork against the unpatched base: ratios in build/bench/results.md
#   make soak [DURATION=s] the hot-plug soak alone (default 600 s), as in make test (40 s)
#   make upstream-baseline  the curated upstream mm selftests on the unpatched base:
#                         selftests/vm/upstream/baseline, what make test judges the fork by
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
DEBUG ?=
SCENARIO ?= demo
RUN ?=
export DEBUG

.PHONY: all deps tree patches kernel initramfs nvmzone util-linux ndctl test test-debug run check bisect crossbuild bench soak upstream-baseline clean

all: initramfs nvmzone

nvmzone: deps
	@$(MAKE) -s -C tools/nvmzone

util-linux: deps
	@scripts/util-linux.sh

ndctl: deps
	@scripts/ndctl.sh

deps:
	@scripts/deps.sh

tree: deps
	@scripts/tree.sh

patches:
	@scripts/patches.sh

kernel: tree
	@scripts/kernel.sh

initramfs: kernel
	@scripts/initramfs.sh

test:
	@scripts/test.sh

# make test, then the debug kernel (KASAN, lockdep) on nvm, nvm-initrd(-4g) and the soak
test-debug:
	@DEBUG_SCENARIOS="nvm nvm-initrd nvm-initrd-4g soak" scripts/test.sh

run: initramfs
	@scripts/run.sh "$(SCENARIO)" "$(RUN)"

check: tree
	@bash selftests/host/pipeline.sh | grep checkpatch || echo "check: the series is empty"

bisect: kernel
	@scripts/bisect.sh

crossbuild: tree
	@scripts/crossbuild.sh

bench: deps tree nvmzone util-linux
	@scripts/bench.sh

# make soak DURATION=3600: the hot-plug soak scenario alone, for that long
DURATION ?= 600
soak:
	@SCENARIOS=soak SOAK_DURATION=$(DURATION) scripts/test.sh

upstream-baseline: deps tree nvmzone util-linux
	@scripts/upstream-baseline.sh

clean:
	rm -rf build/vm build/test build/bench build/initramfs*.cpio build/initramfs*.d build/initramfs*.bench
	$(MAKE) -s -C tools/nvmzone clean
