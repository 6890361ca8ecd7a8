# SPDX-License-Identifier: GPL-2.0
#
# Sourced by tree.sh and patches.sh: which patch queue (QUEUE, default
# "linux"; "linux/next" is the port to the next base) and its tree.
# Needs $top and $prog (the caller's name for its messages); sets $queue
# and $tree (TREE overrides the queue's default tree).
queue=${QUEUE:-linux}
queue=${queue%/}
case "$queue" in
linux) tree=${TREE:-$top/build/linux} ;;
linux/next) tree=${TREE:-$top/build/linux-next} ;;
*) printf '%s: error: QUEUE must be linux or linux/next\n' "$prog" >&2; exit 1 ;;
esac
