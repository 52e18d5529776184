// SPDX-License-Identifier: GPL-2.0
/*
 * meshredir-cni install and uninstall: the plugin put on a node as
 * kuma-cni's installer puts itself, its binary copied into the CNI bin
 * directory and its entry appended to the "plugins" of the node's
 * .conflist, the one the runtime reads (the first of the directory), so
 * that it runs after the pod's network plugin; a single-plugin .conf
 * there made into such a list first. The file is edited as text
 * (cni_conflist.c): everything but the entry stays byte for byte, a second
 * install changes nothing, and uninstall takes out exactly what install
 * put in. Each file is replaced by rename(), so a runtime never reads half
 * of one.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cni_conf.h"
#include "cni_conflist.h"
#include "cni_install.h"
#include "file.h"
#include "kuma.h"

static const char usage_text[] =
"Usage: meshredir-cni install [--cni-bin-dir DIR] [--cni-conf-dir DIR]\n"
"                             [--conflist FILE] [--transparent-proxy JSON]\n"
"       meshredir-cni uninstall [--cni-bin-dir DIR] [--cni-conf-dir DIR]\n"
"                               [--conflist FILE]\n"
"       meshredir-cni version | help\n"
"\n"
"A chained CNI plugin (CNI 1.0.0 and 0.4.0) that configures a Kuma pod's\n"
"network namespace for meshredir as the runtime creates it. The runtime\n"
"runs it with CNI_COMMAND set (ADD, DEL, CHECK, VERSION); a pod whose\n"
"annotations (the io.kubernetes.cri.pod-annotations capability) lack\n"
"kuma.io/sidecar-injected: \"true\" is left alone. The annotation\n"
"traffic.kuma.io/transparent-proxy-config, Kuma's whole configuration as\n"
"YAML, is applied alone; without it, the plugin entry's \"transparentProxy\"\n"
"(Kuma's fields) under Kuma's per-field annotations. A runtime that passes\n"
"no annotations at all (podman) configures every namespace of the network\n"
"from \"transparentProxy\" if the entry says \"configureWithoutAnnotations\": true.\n"
"\n"
"  install     copy this binary into the CNI bin directory, and append the\n"
"              plugin to the \"plugins\" of the node's .conflist (or update\n"
"              its entry there); nothing changes if it is there already.\n"
"              A single-plugin .conf becomes a .conflist of the same name\n"
"              holding that plugin and this one; the .conf is kept beside\n"
"              it as NAME.conf.meshredir-orig\n"
"  uninstall   remove the entry and the binary again, and give back a\n"
"              .conf that install made into a .conflist\n"
"\n"
"  --cni-bin-dir DIR          where the runtime finds plugins (/opt/cni/bin)\n"
"  --cni-conf-dir DIR         the runtime's configuration directory\n"
"                             (/etc/cni/net.d); its first file is edited\n"
"  --conflist FILE            edit FILE instead\n"
"  --transparent-proxy JSON   the entry's \"transparentProxy\": Kuma's\n"
"                             transparent-proxy fields as a JSON object,\n"
"                             the defaults of every pod\n"
"\n"
"Exit status: 0 on success, 1 with one line on stderr.\n";

static int err_line(const char *fmt, const char *a, const char *b)
{
	fputs("meshredir-cni: ", stderr);
	fprintf(stderr, fmt, a, b);
	fputc('\n', stderr);
	return 1;
}

/* data as path's whole new content, by rename() of a file beside it. */
static int replace(const char *path, const void *data, size_t len, mode_t mode, char *err,
		   size_t errlen)
{
	char tmp[PATH_MAX];
	int fd, e;

	if (snprintf(tmp, sizeof(tmp), "%s.meshredir-tmp", path) >= (int)sizeof(tmp))
		return fail(err, errlen, "%s: path too long", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return fail(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
	if (write(fd, data, len) != (ssize_t)len || fchmod(fd, mode) || fsync(fd)) {
		e = errno;
		close(fd);
		unlink(tmp);
		return fail(err, errlen, "cannot write %s: %s", tmp, strerror(e));
	}
	close(fd);
	if (rename(tmp, path)) {
		e = errno;
		unlink(tmp);
		return fail(err, errlen, "cannot rename %s to %s: %s", tmp, path, strerror(e));
	}
	return 0;
}

/* replace(), keeping the permissions of mode_of (the file being replaced, or its origin). */
static int rewrite(const char *path, const char *mode_of, const void *data, size_t len,
		   char *err, size_t errlen)
{
	struct stat st;

	if (stat(mode_of, &st))
		return fail(err, errlen, "cannot stat %s: %s", mode_of, strerror(errno));
	return replace(path, data, len, st.st_mode & 07777, err, errlen);
}

static int cmp_names(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int config_file(const struct dirent *d)
{
	const char *dot = strrchr(d->d_name, '.');

	return d->d_name[0] != '.' && dot &&
	       (!strcmp(dot, ".conflist") || !strcmp(dot, ".conf") || !strcmp(dot, ".json"));
}

/* The file the runtime reads: the first configuration file by name, as libcni picks it. */
static int find_conflist(const char *dir, char *path, size_t len, char *err, size_t errlen)
{
	struct dirent **names;
	int n, i;

	n = scandir(dir, &names, config_file, cmp_names);
	if (n < 0)
		return fail(err, errlen, "--cni-conf-dir: cannot read %s: %s", dir, strerror(errno));
	if (!n)
		return fail(err, errlen,
			    "--cni-conf-dir: %s has no network configuration yet: install after the node's network plugin",
			    dir);
	snprintf(path, len, "%s/%s", dir, names[0]->d_name);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return 0;
}

static bool exists(const char *path)
{
	struct stat st;

	return !lstat(path, &st);
}

/* path with its extension (.conf, .json, .conflist) replaced by ext. */
static void with_ext(const char *path, const char *ext, char *out, size_t len)
{
	const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
	int stem = dot && (!slash || dot > slash) ? (int)(dot - path) : (int)strlen(path);

	snprintf(out, len, "%.*s%s", stem, path, ext);
}

static bool has_ext(const char *path, const char *ext)
{
	size_t n = strlen(path), e = strlen(ext);

	return n > e && !strcmp(path + n - e, ext);
}

/* Where install keeps a .conf it turned into a list: beside it, a name no runtime reads. */
#define ORIG_SUFFIX ".meshredir-orig"

/*
 * The .conf (or .json) that list was made from, and where it is kept: a
 * list of our own making has its original beside it.
 */
static bool original_of(const char *list, char *conf, char *kept, size_t len)
{
	static const char *const exts[] = { ".conf", ".json" };
	size_t i;

	if (!has_ext(list, ".conflist"))
		return false;
	for (i = 0; i < ARRAY_SIZE(exts); i++) {
		with_ext(list, exts[i], conf, len);
		if (snprintf(kept, len, "%s" ORIG_SUFFIX, conf) < (int)len && exists(kept))
			return true;
	}
	return false;
}

static int copy_self(const char *dir, bool remove, char *err, size_t errlen)
{
	char path[PATH_MAX], *data;
	struct stat a, b;
	size_t len;
	int ret;

	snprintf(path, sizeof(path), "%s/" PLUGIN_TYPE, dir);
	if (remove) {
		if (unlink(path) && errno != ENOENT)
			return fail(err, errlen, "cannot remove %s: %s", path, strerror(errno));
		return 0;
	}
	/* Already the binary running: installed there by a package. */
	if (!stat("/proc/self/exe", &a) && !stat(path, &b) && a.st_dev == b.st_dev &&
	    a.st_ino == b.st_ino)
		return 0;
	data = read_file("/proc/self/exe", &len, err, errlen);
	if (!data)
		return -1;
	ret = replace(path, data, len, 0755, err, errlen);
	free(data);
	return ret;
}

struct opts {
	const char *bin_dir, *conf_dir, *conflist, *tp;
};

static int parse_opts(int argc, char **argv, bool install, struct opts *o)
{
	static const char *const names[] = { "--cni-bin-dir", "--cni-conf-dir", "--conflist",
					     "--transparent-proxy" };
	const char **slots[] = { &o->bin_dir, &o->conf_dir, &o->conflist, &o->tp };
	const char *a, *eq, *val;
	size_t i, n;
	int k;

	o->bin_dir = "/opt/cni/bin";
	o->conf_dir = "/etc/cni/net.d";
	for (k = 2; k < argc; k++) {
		a = argv[k];
		eq = strchr(a, '=');
		n = eq ? (size_t)(eq - a) : strlen(a);
		for (i = 0; i < ARRAY_SIZE(names); i++)
			if (strlen(names[i]) == n && !strncmp(a, names[i], n))
				break;
		if (i == ARRAY_SIZE(names) || (!install && i == 3))
			return err_line("unknown flag \"%s\" of %s (see meshredir-cni help)", a,
					argv[1]);
		val = eq ? eq + 1 : k + 1 < argc ? argv[++k] : NULL;
		if (!val || !*val)
			return err_line("%s: a value is needed%s", names[i], "");
		*slots[i] = val;
	}
	return 0;
}

/* --transparent-proxy: a JSON object that meshredir apply would take. */
static int check_tp(const char *tp)
{
	struct tool_config cfg;
	struct kuma_extra x;
	char err[MR_ERR_LEN];
	struct json v = { tp, strlen(tp) };
	int ret = 0;

	if (json_check(tp, strlen(tp), err, sizeof(err)))
		return err_line("--transparent-proxy: not JSON: %s%s", err, "");
	v = json_trim(v);
	if (json_type(v) != JSON_OBJECT)
		return err_line("--transparent-proxy: expected a JSON object of Kuma's transparent-proxy fields%s%s",
				"", "");
	config_init(&cfg);
	kuma_extra_init(&x);
	if (kuma_parse("--transparent-proxy", tp, strlen(tp), &cfg, &x, err, sizeof(err)) ||
	    config_finish(&cfg, x.kuma_dp_uid, true, err, sizeof(err)))
		ret = err_line("%s%s", err, "");
	config_free(&cfg);
	return ret;
}

/*
 * install of a single-plugin .conf at conf: as kuma-cni's installer, a
 * list of that plugin and ours; unlike it, under the .conflist name beside
 * it, which libcni reads as a list, with the .conf kept aside for
 * uninstall. The list is in place before the .conf goes, and the .conf
 * sorts first: a runtime reads one or the other, whole.
 */
static int install_conf(const char *conf, const char *text, size_t len, const char *list,
			const char *entry, const struct opts *o)
{
	char target[PATH_MAX], kept[PATH_MAX], err[MR_ERR_LEN];
	char *out = NULL;
	int ret = 1;

	with_ext(conf, ".conflist", target, sizeof(target));
	if (snprintf(kept, sizeof(kept), "%s" ORIG_SUFFIX, conf) >= (int)sizeof(kept))
		return err_line("%s: path too long%s", conf, "");
	if (!has_ext(conf, ".conf") && !has_ext(conf, ".json"))
		return err_line("%s: a list without \"plugins\"%s", conf, "");
	/* A list beside it that is not ours belongs to someone: not overwritten. */
	if (exists(target) && !exists(kept))
		return err_line("%s is a single-plugin configuration, and %s exists already: name the one to chain with --conflist",
				conf, target);
	if (conflist_insert(list, strlen(list), entry, &out, err, sizeof(err)) < 0) {
		err_line("%s: %s", conf, err);
		goto out;
	}
	if (copy_self(o->bin_dir, false, err, sizeof(err))) {
		err_line("--cni-bin-dir: %s%s", err, "");
		goto out;
	}
	if (rewrite(kept, conf, text, len, err, sizeof(err)) ||
	    rewrite(target, conf, out, strlen(out), err, sizeof(err))) {
		err_line("%s%s", err, "");
		goto out;
	}
	if (unlink(conf)) {
		err_line("cannot remove %s: %s", conf, strerror(errno));
		goto out;
	}
	printf("meshredir-cni: %s made into %s and chained (kept as %s)\n", conf, target, kept);
	ret = 0;
out:
	free(out);
	return ret;
}

/*
 * uninstall of a list install made from a .conf: the .conf back as it was,
 * and the list gone, if the list is still that .conf's and ours; if
 * something else changed it since, the list stays, without our entry.
 */
static int uninstall_conf(const char *path, const char *text, const char *without,
			  const char *conf, const char *kept, const struct opts *o)
{
	char err[MR_ERR_LEN], *orig, *list = NULL;
	size_t len;
	int ret = 1;

	orig = read_file(kept, &len, err, sizeof(err));
	if (!orig)
		return err_line("%s%s", err, "");
	if (conf_to_conflist(orig, len, &list, err, sizeof(err))) {
		err_line("%s: %s", kept, err);
		goto out;
	}
	if (strcmp(list, without ? without : text)) {
		free(list);
		list = NULL;
		if (without && rewrite(path, path, without, strlen(without), err, sizeof(err))) {
			err_line("%s%s", err, "");
			goto out;
		}
		if (copy_self(o->bin_dir, true, err, sizeof(err))) {
			err_line("--cni-bin-dir: %s%s", err, "");
			goto out;
		}
		printf("meshredir-cni: removed from %s, which changed since install: kept, with the original %s in %s\n",
		       path, conf, kept);
		ret = 0;
		goto out;
	}
	/* The .conf first: it sorts before the list, so the runtime reads it at once. */
	if (rename(kept, conf)) {
		fprintf(stderr, "meshredir-cni: cannot rename %s to %s: %s\n", kept, conf,
			strerror(errno));
		goto out;
	}
	if (unlink(path)) {
		err_line("cannot remove %s: %s", path, strerror(errno));
		goto out;
	}
	if (copy_self(o->bin_dir, true, err, sizeof(err))) {
		err_line("--cni-bin-dir: %s%s", err, "");
		goto out;
	}
	printf("meshredir-cni: %s restored, %s removed\n", conf, path);
	ret = 0;
out:
	free(orig);
	free(list);
	return ret;
}

/*
 * uninstall where the .conf is back before the list install made of it:
 * its plugin wrote it again. It stays, as the plugin wants it; the list
 * and the old .conf go.
 */
static int uninstall_rewritten(const char *conf, const struct opts *o)
{
	char list[PATH_MAX], kept[PATH_MAX], err[MR_ERR_LEN];

	with_ext(conf, ".conflist", list, sizeof(list));
	if (snprintf(kept, sizeof(kept), "%s" ORIG_SUFFIX, conf) < (int)sizeof(kept) &&
	    exists(kept) && exists(list)) {
		if (unlink(list) || unlink(kept)) {
			fprintf(stderr, "meshredir-cni: cannot remove %s or %s: %s\n", list, kept,
				strerror(errno));
			return 1;
		}
		printf("meshredir-cni: %s and %s removed; %s, written again since install, stays\n",
		       list, kept, conf);
	} else {
		printf("meshredir-cni: nothing to change in %s, a single-plugin configuration\n",
		       conf);
	}
	if (copy_self(o->bin_dir, true, err, sizeof(err)))
		return err_line("--cni-bin-dir: %s%s", err, "");
	return 0;
}

static int install(int argc, char **argv, bool add)
{
	char path[PATH_MAX], err[MR_ERR_LEN], conf[PATH_MAX], kept[PATH_MAX];
	char *text = NULL, *out = NULL, *entry = NULL, *list = NULL;
	struct opts o = { 0 };
	size_t len;
	int ret = 1, r;

	if (parse_opts(argc, argv, add, &o) || (add && o.tp && check_tp(o.tp)))
		return 1;
	if (o.conflist) {
		snprintf(path, sizeof(path), "%s", o.conflist);
		/* A .conf named that install made into a list: the list, as kuma-cni finds it. */
		with_ext(o.conflist, ".conflist", conf, sizeof(conf));
		if (!exists(path) && (has_ext(path, ".conf") || has_ext(path, ".json")) &&
		    exists(conf))
			snprintf(path, sizeof(path), "%s", conf);
	} else if (find_conflist(o.conf_dir, path, sizeof(path), err, sizeof(err))) {
		return err_line("%s%s", err, "");
	}
	text = read_file(path, &len, err, sizeof(err));
	if (!text)
		return err_line("%s%s", err, "");
	r = conf_to_conflist(text, len, &list, err, sizeof(err));
	if (r < 0) {
		err_line("%s: %s", path, err);
		goto out;
	}
	entry = cni_plugin_entry(o.tp);
	if (r == 0 && add) {
		ret = install_conf(path, text, len, list, entry, &o);
		goto out;
	}
	if (r == 0) {
		ret = uninstall_rewritten(path, &o);
		goto out;
	}
	if (add)
		r = conflist_insert(text, len, entry, &out, err, sizeof(err));
	else
		r = conflist_remove(text, len, &out, err, sizeof(err));
	if (r < 0) {
		err_line("%s: %s", path, err);
		goto out;
	}
	if (!add && original_of(path, conf, kept, sizeof(conf))) {
		ret = uninstall_conf(path, text, out, conf, kept, &o);
		goto out;
	}
	/* The binary first: the entry must never name a plugin that is not there. */
	if (add && copy_self(o.bin_dir, false, err, sizeof(err))) {
		err_line("--cni-bin-dir: %s%s", err, "");
		goto out;
	}
	if (r == 0 && rewrite(path, path, out, strlen(out), err, sizeof(err))) {
		err_line("%s%s", err, "");
		goto out;
	}
	if (!add && copy_self(o.bin_dir, true, err, sizeof(err))) {
		err_line("--cni-bin-dir: %s%s", err, "");
		goto out;
	}
	printf("meshredir-cni: %s %s\n", r ? "nothing to change in" :
	       add ? "chained into" : "removed from", path);
	ret = 0;
out:
	free(text);
	free(out);
	free(entry);
	free(list);
	return ret;
}

int cni_install_main(int argc, char **argv, const char *version)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	if (!cmd) {
		fputs(usage_text, stderr);
		return 1;
	}
	if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
		printf("meshredir-cni %s (CNI 0.4.0, 1.0.0)\n", version);
		return 0;
	}
	if (!strcmp(cmd, "install") || !strcmp(cmd, "uninstall"))
		return install(argc, argv, !strcmp(cmd, "install"));
	return err_line("unknown command \"%s\" (see meshredir-cni help)%s", cmd, "");
}
