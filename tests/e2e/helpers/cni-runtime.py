#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# cni-runtime.py: drives the plugins of a .conflist as a container runtime
# (libcni) does, for tests/e2e/cni.sh, without a runtime in the guest.
#
#   cni-runtime.py ADD|CHECK|DEL CONFLIST NETNS CONTAINER_ID [ANNOTATIONS_JSON]
#
# Each plugin gets the CNI environment (CNI_COMMAND, CNI_CONTAINERID,
# CNI_NETNS, CNI_IFNAME=eth0, CNI_ARGS with the pod's name, CNI_PATH from
# the environment) and on stdin its own entry with the list's cniVersion
# and name, runtimeConfig for the capabilities it declares (the pod's
# annotations for io.kubernetes.cri.pod-annotations), and, after the first
# plugin of ADD and for every plugin of CHECK and DEL, the prevResult:
# inserted as the exact text the plugin before wrote (ADD) or the cached
# result of ADD (CHECK, DEL), so that a plugin's passthrough can be compared
# byte for byte. ADD runs the plugins in order, DEL in reverse and on past
# a failure, CHECK in order. Each plugin's stdout is kept in
# $CNI_RESULTS/<container>.<command>.<index>; the last plugin's output is
# printed; the exit status is the first failing plugin's.
import json
import os
import subprocess
import sys

ANNOTATIONS = "io.kubernetes.cri.pod-annotations"


def plugin_conf(conflist, plugin, annotations, prev_text):
    conf = dict(plugin)
    conf["cniVersion"] = conflist["cniVersion"]
    conf["name"] = conflist["name"]
    caps = plugin.get("capabilities", {})
    if caps.get(ANNOTATIONS) and annotations is not None:
        conf["runtimeConfig"] = {ANNOTATIONS: annotations}
    text = json.dumps(conf)
    if prev_text is not None:
        text = text[:-1] + ', "prevResult": ' + prev_text.strip() + "}"
    return text


def run(cmd, plugin, stdin, netns, cid):
    path = os.environ.get("CNI_PATH", "/usr/lib/cni")
    exe = None
    for d in path.split(":"):
        if os.access(os.path.join(d, plugin["type"]), os.X_OK):
            exe = os.path.join(d, plugin["type"])
            break
    if exe is None:
        return 1, '{"code": 5, "msg": "plugin %s not in CNI_PATH"}' % plugin["type"], ""
    env = dict(os.environ)
    env.update({
        "CNI_COMMAND": cmd,
        "CNI_CONTAINERID": cid,
        "CNI_NETNS": netns,
        "CNI_IFNAME": "eth0",
        "CNI_ARGS": "IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=%s" % cid,
        "CNI_PATH": path,
    })
    p = subprocess.run([exe], input=stdin.encode(), env=env, capture_output=True)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def main():
    cmd, listfile, netns, cid = sys.argv[1:5]
    annotations = json.loads(sys.argv[5]) if len(sys.argv) > 5 else None
    results = os.environ["CNI_RESULTS"]
    with open(listfile) as f:
        conflist = json.load(f)
    plugins = conflist["plugins"]
    cache = os.path.join(results, cid + ".cached")
    rc, out, prev = 0, "", None
    if cmd in ("CHECK", "DEL") and os.path.exists(cache):
        with open(cache) as f:
            prev = f.read()
    order = list(enumerate(plugins))
    if cmd == "DEL":
        order.reverse()
    for i, plugin in order:
        stdin = plugin_conf(conflist, plugin, annotations, prev)
        prc, out, err = run(cmd, plugin, stdin, netns, cid)
        with open(os.path.join(results, "%s.%s.%d" % (cid, cmd, i)), "w") as f:
            f.write(out)
        if err:
            sys.stderr.write(err)
        if prc != 0:
            rc = rc or prc
            if cmd != "DEL":
                break
        if cmd == "ADD":
            prev = out
    if cmd == "ADD" and rc == 0:
        with open(cache, "w") as f:
            f.write(out)
    if cmd == "DEL" and os.path.exists(cache):
        os.unlink(cache)
    sys.stdout.write(out)
    return rc


if __name__ == "__main__":
    sys.exit(main())
