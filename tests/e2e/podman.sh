#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# podman: a real container runtime drives meshredir-cni. Debian 12's podman
# (4.3) with its CNI network backend runs a container from a local busybox
# rootfs (no registry) on a network whose .conflist chains bridge (ptp on a
# kernel without bridges) and host-local with meshredir-cni; storage,
# runroot and configuration live in this script's temporary directory.
# podman cannot pass io.kubernetes.cri.pod-annotations (it passes no
# runtimeConfig but the capabilities it knows, portMappings and the like),
# so the entry says "configureWithoutAnnotations": true and its
# transparentProxy (Kuma's defaults) configures every container of the
# network. Checked: the namespace podman made is configured as
# `meshredir apply` of the same YAML configures another; the container's
# own TCP connection to a TEST-NET address lands on the outbound listener
# in its namespace, with that address as its original destination;
# `podman rm` runs DEL: the namespace, held open past the container, is
# left unconfigured and without its interface.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-cni.sh"
pretty "$TEST on kernel $MR_KERNEL"
if ! command -v podman >/dev/null; then
	log "# skip: podman is not installed (tests/deps installs podman, crun, conmon)"
	exit 0
fi
# podman and crun need the kernel's cgroups, even with --cgroups disabled.
if [ ! -e /proc/self/cgroup ]; then
	log "# skip: this kernel has no cgroups (CONFIG_CGROUPS), without which crun starts no container"
	exit 0
fi
MR_CNI=${MR_CNI:-$(dirname "$MR_TOOL")/meshredir-cni}
mr_load

# podman's state in a tmpfs of its own: the guest's / is read-only, and a
# container's mounts must go when the script does.
mkdir -p "$WORK/pm"
mount -t tmpfs -o mode=755 mr-podman "$WORK/pm"
P=$WORK/pm
unmount_pm() {
	local rc=$?
	podman rm -af -t 0 >/dev/null 2>&1
	umount -R "$P" 2>/dev/null
	[ -n "$cgroup" ] && umount "$cgroup" 2>/dev/null
	(exit $rc)
	cleanup
}
trap unmount_pm EXIT
mkdir -p "$P/bin" "$P/net.d" "$P/run" "$P/root" "$P/tmp" "$P/rootfs/bin" "$P/rootfs/etc"
cp "$MR_CNI" "$P/bin/meshredir-cni"
cp /bin/busybox "$P/rootfs/bin/busybox"
for a in sh sleep nc; do ln -s busybox "$P/rootfs/bin/$a"; done
echo 'root:x:0:0::/:/bin/sh' >"$P/rootfs/etc/passwd"
mkdir -m 1777 "$P/rootfs/out"	# the application's answer, written as uid $APP_UID

cat >"$P/containers.conf" <<EOF
[network]
network_backend = "cni"
cni_plugin_dirs = ["$P/bin", "/usr/lib/cni"]
network_config_dir = "$P/net.d"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "none"
tmp_dir = "$P/tmp"
runtime = "crun"
EOF
cat >"$P/storage.conf" <<EOF
[storage]
driver = "vfs"
runroot = "$P/run"
graphroot = "$P/root"
EOF
export CONTAINERS_CONF=$P/containers.conf CONTAINERS_STORAGE_CONF=$P/storage.conf
# crun wants a cgroup file system there, even with --cgroups disabled.
cgroup=
if [ "$(stat -f -c %T /sys/fs/cgroup 2>/dev/null)" != cgroup2fs ]; then
	mount -t cgroup2 cgroup2 /sys/fs/cgroup && cgroup=/sys/fs/cgroup
fi

new_ns "$ID-probe"
cni_main "$ID-probe" mrpm0 "$P/ipam"
cat >"$P/net.d/10-mesh.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "mesh",
  "plugins": [
$CNI_MAIN,
    {
      "type": "meshredir-cni",
      "capabilities": {"io.kubernetes.cri.pod-annotations": true},
      "configureWithoutAnnotations": true,
      "transparentProxy": {}
    }
  ]
}
EOF

pretty "podman run: the container's namespace, made by podman, configured by meshredir-cni"
# The container waits for the sidecar, then connects as the application.
rc=0
podman run -d --name "$ID-c" --network mesh --cgroups disabled --user $APP_UID:$APP_UID \
	--rootfs "$P/rootfs" \
	/bin/sh -c 'while [ ! -e /go ]; do sleep 0.1; done; nc -w 5 198.51.100.1 80 </dev/null >/out/line.tmp; mv /out/line.tmp /out/line; sleep 600' \
	>"$WORK/podman.log" 2>&1 || rc=$?
pid=$(podman inspect -f '{{.State.Pid}}' "$ID-c" 2>>"$WORK/podman.log") || pid=
if [ "$rc" = 0 ] && [ -n "$pid" ] && [ "$pid" != 0 ] && [ -e "/proc/$pid/ns/net" ]; then
	ok "podman run: container $ID-c runs as PID $pid"
else
	fail "podman run failed (exit $rc, pid '$pid'): $(tail -n 5 "$WORK/podman.log")"
	finish
fi
# Named, for the helpers; the name also holds it open past the container.
pod=$ID-pod
touch "/run/netns/$pod"
mount --bind "/proc/$pid/ns/net" "/run/netns/$pod"
NAMESPACES+=("$pod")
addr=$(pp ip -4 -o addr show dev eth0 | awk '{ print $4 }')
[[ $addr == 192.0.2.1[0-9]/24 ]] && ok "host-local gave the container $addr on eth0" ||
	fail "expected 192.0.2.1x/24 on the container's eth0, seen '$addr'"

new_ns "$ID-twin"
mr "$ID-twin" apply - <<<'{}' >/dev/null
a=$("$MR_TOOL" --pid "$pid" show --format yaml 2>&1) b=$(mr "$ID-twin" show --format yaml 2>&1)
if [ "$a" = "$b" ] && [[ $a == *"port: 15001"* ]]; then
	ok "meshredir --pid $pid: configured as meshredir apply of Kuma's defaults configures its twin"
else
	fail "podman's namespace and the apply twin differ: '$a' vs '$b'"
fi

pretty "the container's own connection lands on the sidecar in its namespace"
validate_out=$("$MR_TOOL" --pid "$pid" validate --timeout 3 2>&1) && ok "validate: $validate_out" ||
	fail "validate failed in podman's namespace: $validate_out"
start_server "$pod" sidecar 15001,15006 --uid $PROXY_UID
touch "$P/rootfs/go"
for i in $(seq 100); do
	[ -e "$P/rootfs/out/line" ] && break
	sleep 0.1
done
line=
[ -e "$P/rootfs/out/line" ] && read -r line <"$P/rootfs/out/line"
check_landing "container $ID-c (uid $APP_UID): nc 198.51.100.1 80" "$line" sidecar 15001 198.51.100.1:80
# The proxy's own connection is not redirected: nothing answers 198.51.100.1.
try "$pod" 198.51.100.1 80 --uid $PROXY_UID --timeout 2
[ "$RC" != 0 ] && [[ $LINE != sidecar* ]] && ok "as the proxy (uid $PROXY_UID) not redirected: $LINE" ||
	fail "expected uid $PROXY_UID's connection not to land on the sidecar, seen '$LINE' (exit $RC)"

pretty "podman rm: DEL leaves the namespace unconfigured"
kill "$(cat "$WORK/sidecar.$pod.pid")"
if podman rm -f -t 0 "$ID-c" >>"$WORK/podman.log" 2>&1; then
	ok "podman rm -f $ID-c"
else
	fail "podman rm failed: $(tail -n 5 "$WORK/podman.log")"
fi
assert_not_configured "$pod" "after podman rm"
links=$(pp ip -o link show | awk -F': ' '{ print $2 }' | tr '\n' ' ')
[ "$links" = "lo " ] && ok "and eth0 is gone: podman ran DEL through the chain" ||
	fail "expected only lo in $pod after podman rm, seen '$links'"

finish
