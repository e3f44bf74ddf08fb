#!/bin/sh
# Usage: nsexec.sh NETNS CMD...
# `ip netns exec`, but with the cgroup v1/v2 hierarchies mounted again: `ip netns exec` mounts a
# fresh sysfs on /sys in its private mount namespace, which hides /sys/fs/cgroup, and dockerd then
# dies with "Devices cgroup isn't mounted".
ns="$1"; shift
exec ip netns exec "$ns" sh -c '
  if [ ! -d /sys/fs/cgroup/memory ]; then
    mount -t tmpfs -o mode=755 cgroup_root /sys/fs/cgroup
    for c in cpu cpuacct cpuset memory devices freezer blkio pids; do
      mkdir -p /sys/fs/cgroup/$c; mount -t cgroup -o $c cgroup /sys/fs/cgroup/$c
    done
    mkdir -p /sys/fs/cgroup/systemd /sys/fs/cgroup/unified
    mount -t cgroup -o none,name=systemd cgroup /sys/fs/cgroup/systemd
    mount -t cgroup2 cgroup2 /sys/fs/cgroup/unified
  fi
  exec "$@"' nsexec "$@"
