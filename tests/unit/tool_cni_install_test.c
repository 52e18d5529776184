// SPDX-License-Identifier: GPL-2.0
/*
 * meshredir-cni install and uninstall on a node whose network plugin wrote
 * a single-plugin .conf: made into a .conflist of that plugin and ours (as
 * kuma-cni's installer does), the same bytes after a second install, the
 * node as it was after uninstall; a bad .conf refused naming the file, the
 * directory untouched. Run in a directory of its own under /tmp.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "check.h"
#include "../../tools/cni_conflist.h"
#include "../../tools/cni_install.h"
#include "../../tools/file.h"
#include "../../tools/util.h"

static const char flannel[] =
"{\n"
"  \"name\": \"cbr0\",\n"
"  \"cniVersion\": \"0.4.0\",\n"
"  \"type\": \"flannel\",\n"
"\n"
"  \"delegate\": {\"hairpinMode\": true, \"isDefaultGateway\": true}\n"
"}\n";

/* flannel made into a list, and with our entry. */
static const char flannel_list[] =
"{\n"
"  \"cniVersion\": \"0.4.0\",\n"
"  \"name\": \"cbr0\",\n"
"  \"plugins\": [\n"
"    {\n"
"      \"name\": \"cbr0\",\n"
"      \"cniVersion\": \"0.4.0\",\n"
"      \"type\": \"flannel\",\n"
"\n"
"      \"delegate\": {\"hairpinMode\": true, \"isDefaultGateway\": true}\n"
"    }\n"
"  ]\n"
"}\n";
static const char flannel_chained[] =
"{\n"
"  \"cniVersion\": \"0.4.0\",\n"
"  \"name\": \"cbr0\",\n"
"  \"plugins\": [\n"
"    {\n"
"      \"name\": \"cbr0\",\n"
"      \"cniVersion\": \"0.4.0\",\n"
"      \"type\": \"flannel\",\n"
"\n"
"      \"delegate\": {\"hairpinMode\": true, \"isDefaultGateway\": true}\n"
"    },\n"
"    {\"type\": \"meshredir-cni\", \"capabilities\": {\"io.kubernetes.cri.pod-annotations\": true}}\n"
"  ]\n"
"}\n";

static void test_convert(void)
{
	const char *ptp = "{\"name\": \"n\", \"type\": \"ptp\"}";
	char err[MR_ERR_LEN], *out;

	CHECK_INT(conf_to_conflist(flannel, strlen(flannel), &out, err, sizeof(err)), 0);
	CHECK_STR(out, flannel_list);
	free(out);
	CHECK_INT(conf_to_conflist(flannel_list, strlen(flannel_list), &out, err, sizeof(err)), 1);
	CHECK(out == NULL);
	/* Without cniVersion, the list has none either. */
	CHECK_INT(conf_to_conflist(ptp, strlen(ptp), &out, err, sizeof(err)), 0);
	CHECK_STR(out, "{\n  \"name\": \"n\",\n  \"plugins\": [\n    {\"name\": \"n\", \"type\": \"ptp\"}\n  ]\n}\n");
	free(out);
	CHECK_INT(conf_to_conflist("{\"name\": \"n\"}", 13, &out, err, sizeof(err)), -1);
	CHECK_STR(err, "neither \"type\" (a single plugin) nor \"plugins\" (a list)");
	CHECK_INT(conf_to_conflist("{\"type\": \"ptp\"}", 15, &out, err, sizeof(err)), -1);
	CHECK_STR(err, "no \"name\": the network needs one to become a list");
	CHECK_INT(conf_to_conflist("[1]", 3, &out, err, sizeof(err)), -1);
	CHECK_STR(err, "not a JSON object");
	CHECK_INT(conf_to_conflist("{\"type\": ", 9, &out, err, sizeof(err)), -1);
}

static char dir[64], netd[128], bin[128];

static void put(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", netd, name);
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* The file's text, "" if there is none; static, valid until the next call. */
static const char *get(const char *name)
{
	static char *text;
	char path[256], err[MR_ERR_LEN];
	size_t len;

	free(text);
	snprintf(path, sizeof(path), "%s/%s", name[0] == '/' ? "" : netd, name);
	text = read_file(path, &len, err, sizeof(err));
	return text ? text : "";
}

/* The names in net.d, sorted, space-separated. */
static const char *names(void)
{
	static char out[512];
	struct dirent **d;
	int n, i;

	out[0] = '\0';
	n = scandir(netd, &d, NULL, alphasort);
	for (i = 0; i < n; i++) {
		if (d[i]->d_name[0] != '.')
			snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%s",
				 out[0] ? " " : "", d[i]->d_name);
		free(d[i]);
	}
	if (n >= 0)
		free(d);
	return out;
}

static char said[1024];

/* meshredir-cni CMD [--conflist FILE]: its exit status; stdout and stderr in said. */
static int run(const char *cmd, const char *conflist)
{
	char *argv[8] = { "meshredir-cni", (char *)cmd, "--cni-bin-dir", bin,
			  "--cni-conf-dir", netd };
	char path[256], out[] = "/tmp/mr-cni-install-out.XXXXXX";
	int argc = 6, fd, s1, s2, rc;
	ssize_t n;

	if (conflist) {
		snprintf(path, sizeof(path), "%s/%s", netd, conflist);
		argv[argc++] = "--conflist";
		argv[argc++] = path;
	}
	fd = mkstemp(out);
	fflush(stdout);
	fflush(stderr);
	s1 = dup(1);
	s2 = dup(2);
	dup2(fd, 1);
	dup2(fd, 2);
	rc = cni_install_main(argc, argv, "test");
	fflush(stdout);
	fflush(stderr);
	dup2(s1, 1);
	dup2(s2, 2);
	close(s1);
	close(s2);
	n = pread(fd, said, sizeof(said) - 1, 0);
	said[n > 0 ? n : 0] = '\0';
	if (n > 0 && said[n - 1] == '\n')
		said[n - 1] = '\0';
	close(fd);
	unlink(out);
	return rc;
}

static bool has_bin(void)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/meshredir-cni", bin);
	return !access(path, X_OK);
}

static void test_install_conf(void)
{
	char want[512];

	put("10-flannel.conf", flannel);
	CHECK_INT(run("install", NULL), 0);
	snprintf(want, sizeof(want),
		 "meshredir-cni: %s/10-flannel.conf made into %s/10-flannel.conflist and chained (kept as %s/10-flannel.conf.meshredir-orig)",
		 netd, netd, netd);
	CHECK_STR(said, want);
	CHECK_STR(names(), "10-flannel.conf.meshredir-orig 10-flannel.conflist");
	CHECK_STR(get("10-flannel.conflist"), flannel_chained);
	CHECK_STR(get("10-flannel.conf.meshredir-orig"), flannel);
	CHECK(has_bin());
	/* Twice: the same bytes, the same files. */
	CHECK_INT(run("install", NULL), 0);
	CHECK(strstr(said, "nothing to change in") != NULL);
	CHECK_STR(get("10-flannel.conflist"), flannel_chained);
	CHECK_STR(names(), "10-flannel.conf.meshredir-orig 10-flannel.conflist");
	/* Named as it was before: the list made of it. */
	CHECK_INT(run("install", "10-flannel.conf"), 0);
	CHECK(strstr(said, "nothing to change in") != NULL);
	CHECK_STR(get("10-flannel.conflist"), flannel_chained);
	/* Uninstall: the node as it was. */
	CHECK_INT(run("uninstall", NULL), 0);
	snprintf(want, sizeof(want), "meshredir-cni: %s/10-flannel.conf restored, %s/10-flannel.conflist removed",
		 netd, netd);
	CHECK_STR(said, want);
	CHECK_STR(names(), "10-flannel.conf");
	CHECK_STR(get("10-flannel.conf"), flannel);
	CHECK(!has_bin());
	/* The same by name. */
	CHECK_INT(run("install", "10-flannel.conf"), 0);
	CHECK_STR(get("10-flannel.conflist"), flannel_chained);
	CHECK_INT(run("uninstall", "10-flannel.conf"), 0);
	CHECK_STR(names(), "10-flannel.conf");
	CHECK_STR(get("10-flannel.conf"), flannel);
	/* The .conf written again by its plugin after install: made into the list anew. */
	CHECK_INT(run("install", NULL), 0);
	put("10-flannel.conf", flannel);
	CHECK_INT(run("install", NULL), 0);
	CHECK_STR(names(), "10-flannel.conf.meshredir-orig 10-flannel.conflist");
	CHECK_STR(get("10-flannel.conflist"), flannel_chained);
	/* Uninstall then: the .conf as its plugin wrote it last, nothing else. */
	put("10-flannel.conf", "{\"name\": \"cbr0\", \"type\": \"flannel\"}\n");
	CHECK_INT(run("uninstall", NULL), 0);
	CHECK(strstr(said, "written again since install, stays") != NULL);
	CHECK_STR(names(), "10-flannel.conf");
	CHECK_STR(get("10-flannel.conf"), "{\"name\": \"cbr0\", \"type\": \"flannel\"}\n");
	CHECK(!has_bin());
	put("10-flannel.conf", flannel);
	CHECK_INT(run("install", NULL), 0);
	/* A list changed since install stays, without our entry; the original too. */
	put("10-flannel.conflist", "{\"name\": \"cbr0\", \"plugins\": [{\"type\": \"flannel\"}, {\"type\": \"meshredir-cni\"}]}");
	CHECK_INT(run("uninstall", NULL), 0);
	CHECK(strstr(said, "which changed since install") != NULL);
	CHECK_STR(get("10-flannel.conflist"), "{\"name\": \"cbr0\", \"plugins\": [{\"type\": \"flannel\"}]}");
	CHECK_STR(names(), "10-flannel.conf.meshredir-orig 10-flannel.conflist");
	unlink(strcat(strcpy(want, netd), "/10-flannel.conflist"));
	unlink(strcat(strcpy(want, netd), "/10-flannel.conf.meshredir-orig"));
}

static void test_bad_conf(void)
{
	char want[512];

	put("05-bad.conf", "{\"name\": \"x\", \"cniVersion\": \"1.0.0\"}\n");
	CHECK_INT(run("install", NULL), 1);
	snprintf(want, sizeof(want),
		 "meshredir-cni: %s/05-bad.conf: neither \"type\" (a single plugin) nor \"plugins\" (a list)",
		 netd);
	CHECK_STR(said, want);
	put("05-bad.conf", "{\"name\": \"x\", \"type\": \"ptp\",\n");
	CHECK_INT(run("install", NULL), 1);
	snprintf(want, sizeof(want), "meshredir-cni: %s/05-bad.conf: line 2:", netd);
	CHECK(!strncmp(said, want, strlen(want)));
	CHECK_STR(names(), "05-bad.conf");
	CHECK(!has_bin());
	/* A list beside the .conf that install did not make is not overwritten. */
	put("05-bad.conf", "{\"name\": \"x\", \"type\": \"ptp\"}\n");
	put("05-bad.conflist", "{\"name\": \"y\", \"plugins\": []}\n");
	CHECK_INT(run("install", NULL), 1);
	snprintf(want, sizeof(want),
		 "meshredir-cni: %s/05-bad.conf is a single-plugin configuration, and %s/05-bad.conflist exists already: name the one to chain with --conflist",
		 netd, netd);
	CHECK_STR(said, want);
	CHECK_STR(names(), "05-bad.conf 05-bad.conflist");
	CHECK_STR(get("05-bad.conflist"), "{\"name\": \"y\", \"plugins\": []}\n");
	CHECK(!has_bin());
}

int main(void)
{
	char path[256];

	snprintf(dir, sizeof(dir), "/tmp/mr-cni-install.XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	snprintf(netd, sizeof(netd), "%s/net.d", dir);
	snprintf(bin, sizeof(bin), "%s/bin", dir);
	mkdir(netd, 0755);
	mkdir(bin, 0755);
	RUN(test_convert);
	RUN(test_install_conf);
	RUN(test_bad_conf);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (system(path))
		return 1;
	return check_report();
}
