# SPDX-License-Identifier: GPL-2.0
#
# For the scenarios that act as an unprivileged user or as root of a user
# namespace; sourced after lib.sh. allow_userns switches unprivileged user
# namespaces on, and the EXIT trap puts the sysctls back before lib.sh's
# cleanup.

USERNS_SYSCTLS=(kernel/unprivileged_userns_clone user/max_user_namespaces)
declare -A SAVED=()
restore_sysctls() {
	local k
	for k in "${!SAVED[@]}"; do
		echo "${SAVED[$k]}" >"/proc/sys/$k" 2>/dev/null
	done
}
trap 'rc=$?; restore_sysctls; (exit $rc); cleanup' EXIT

# allow_userns: unprivileged user namespaces on, the old values saved.
allow_userns() {
	local k
	for k in "${USERNS_SYSCTLS[@]}"; do
		[ -e "/proc/sys/$k" ] || continue
		[ -n "${SAVED[$k]+set}" ] || SAVED[$k]=$(cat "/proc/sys/$k")
	done
	# Debian's kernels have kernel.unprivileged_userns_clone; upstream's do not.
	[ -e /proc/sys/kernel/unprivileged_userns_clone ] &&
		echo 1 >/proc/sys/kernel/unprivileged_userns_clone
	[ "$(cat /proc/sys/user/max_user_namespaces)" -gt 0 ] ||
		echo 64 >/proc/sys/user/max_user_namespaces
}

# "${UNPRIV[@]}" CMD...: CMD as uid and gid 1000, no groups, no capabilities.
# The programs it runs are user_bin's copies, which uid 1000 can reach.
UNPRIV=(setpriv --reuid "$APP_UID" --regid "$APP_UID" --clear-groups)
unpriv() { "${UNPRIV[@]}" "$@"; }

# unchrooted CMD...: CMD as root, with this same root, but not chrooted. The
# kernel refuses a user namespace to a chrooted process, even root's
# (create_user_ns(): current_chrooted()), and tests/qemu/run runs scripts
# in `chroot /host`. As switch_root does, in a new mount namespace /host is
# moved onto the namespace's root, which then is ours.
unchrooted() {
	if [ /proc/1/root -ef / ]; then
		"$@"
		return
	fi
	[ /proc/1/root/host -ef / ] || { echo "unchrooted: / is not /host of pid 1" >&2; return 1; }
	# A path, or busybox's chroot would run its own applet of that name.
	set -- "$(command -v "$1")" "${@:2}"
	chroot /proc/1/root /bin/busybox unshare -m /bin/busybox sh -c \
		'/bin/busybox mount --make-rprivate / && cd /host &&
		 /bin/busybox mount --move . / && exec /bin/busybox chroot . "$@"' sh "$@"
}
