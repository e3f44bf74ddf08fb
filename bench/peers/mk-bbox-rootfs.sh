#!/usr/bin/env bash
# Usage: mk-bbox-rootfs.sh [OUT.tar]   (default /var/tmp/cnm-bbox.tar)
# A busybox image for `docker import` / `podman import` (nothing can be pulled on these machines):
# busybox-static with a link per applet, /etc/passwd and /etc/group. Built in a temporary folder
# and renamed into place, so a reader never sees a half-written tarball.
set -euo pipefail
out=${1:-/var/tmp/cnm-bbox.tar}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
need_pkgs busybox-static
tmp=$(mktemp -d "$(dirname "$out")/bbox.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
r="$tmp/rootfs"
mkdir -p "$r"/{bin,etc,tmp,proc,sys,dev,root,sbin,usr/bin,usr/sbin}
cp /bin/busybox "$r/bin/busybox"
for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -sf busybox "$r/bin/$a"; done
echo 'root:x:0:0:root:/root:/bin/sh' > "$r/etc/passwd"
echo 'root:x:0:' > "$r/etc/group"
tar -C "$r" -cf "$tmp/bbox.tar" .
mv -f "$tmp/bbox.tar" "$out"
echo "built $out"
