# SPDX-License-Identifier: GPL-2.0
#
# For the scenarios that write a CNI .conflist (cni.sh, podman.sh); sourced
# after lib.sh.

# cni_main NS BRIDGE IPAM_DIR: in CNI_MAIN, the list's first plugin, as
# lines of the "plugins" array: bridge (named BRIDGE, the gateway) or, on a
# kernel built without bridges (debug.config; probed in NS), ptp, which is
# veth alone; host-local hands out the standard topology's addresses, its
# state in IPAM_DIR.
cni_main() {
	local ns=$1 bridge=$2 dir=$3 main
	if n "$ns" ip link add mrprobe0 type bridge 2>/dev/null; then
		n "$ns" ip link del mrprobe0
		main="\"type\": \"bridge\", \"bridge\": \"$bridge\", \"isGateway\": true, \"ipMasq\": false"
	else
		main='"type": "ptp", "ipMasq": false'
		log "# this kernel has no bridge: the ptp plugin takes its place"
	fi
	IFS= read -r -d '' CNI_MAIN <<-EOF || true
	    {
	      $main,
	      "ipam": {
	        "type": "host-local",
	        "dataDir": "$dir",
	        "ranges": [
	          [{"subnet": "192.0.2.0/24", "rangeStart": "192.0.2.10", "gateway": "192.0.2.1"}],
	          [{"subnet": "2001:db8::/64", "rangeStart": "2001:db8::10", "gateway": "2001:db8::1"}]
	        ],
	        "routes": [{"dst": "0.0.0.0/0"}, {"dst": "::/0"}]
	      }
	    }
	EOF
	CNI_MAIN=${CNI_MAIN%$'\n'}
}
