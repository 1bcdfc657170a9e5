// SPDX-License-Identifier: MIT
/*
 * vmmctl drgn: the C side only finds things (the socket, memvisor_drgn,
 * the guest image) and execs Python; drgn is a Python library.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "discover.h"
#include "drgn.h"

#define EXIT_FAIL	1
#define EXIT_USAGE	2

/* Debian's python3-drgn is for Debian's python3, whatever PATH says first. */
#define DEFAULT_PYTHON	"/usr/bin/python3"

/* The build tree we came from first, then where `make install` put them. */
static const char *const package_dirs[] = {
	MEMVISOR_SRCDIR "/tools/drgn",
	MEMVISOR_PYTHONDIR,
};

static const char *const image_paths[] = {
	MEMVISOR_BUILDDIR "/guestmm/guestmm.elf",
	MEMVISOR_PKGDATADIR "/guestmm.elf",
};

static const char *package_dir(void)
{
	char main_py[PATH_MAX];

	for (size_t i = 0; i < sizeof(package_dirs) / sizeof(package_dirs[0]); i++) {
		snprintf(main_py, sizeof(main_py), "%s/memvisor_drgn/__main__.py",
			 package_dirs[i]);
		if (access(main_py, R_OK) == 0)
			return package_dirs[i];
	}
	return NULL;
}

/* MEMVISOR_GUESTMM_ELF, unless set, names the first image found. */
static int set_default_image(void)
{
	if (getenv("MEMVISOR_GUESTMM_ELF"))
		return 0;
	for (size_t i = 0; i < sizeof(image_paths) / sizeof(image_paths[0]); i++)
		if (access(image_paths[i], R_OK) == 0)
			return setenv("MEMVISOR_GUESTMM_ELF", image_paths[i], 1);
	return 0;	/* the Python side asks for --kernel FILE */
}

static int prepend_pythonpath(const char *dir)
{
	const char *old = getenv("PYTHONPATH");
	char *path;
	int ret;

	if (!old || !*old)
		return setenv("PYTHONPATH", dir, 1);
	if (asprintf(&path, "%s:%s", dir, old) < 0)
		return -1;
	ret = setenv("PYTHONPATH", path, 1);
	free(path);
	return ret;
}

int drgn_exec(const char *socket, int argc, char **argv)
{
	const char *python = getenv("MEMVISOR_PYTHON");
	const char *dir = package_dir();
	char found[PATH_MAX];
	char **args;

	if (!dir) {
		fprintf(stderr, "vmmctl: drgn: memvisor_drgn is neither in %s nor in %s\n",
			package_dirs[0], package_dirs[1]);
		return EXIT_FAIL;
	}
	if (!socket) {
		if (discover_socket(found, sizeof(found), stderr))
			return EXIT_FAIL;
		socket = found;
	}
	if (!python || !*python)
		python = DEFAULT_PYTHON;
	args = calloc(argc + 6, sizeof(*args));
	if (!args || prepend_pythonpath(dir) || set_default_image()) {
		fprintf(stderr, "vmmctl: drgn: out of memory\n");
		return EXIT_FAIL;
	}
	args[0] = (char *)python;
	args[1] = "-m";
	args[2] = "memvisor_drgn";
	args[3] = "--socket";
	args[4] = (char *)socket;
	memcpy(args + 5, argv, argc * sizeof(*args));
	execv(python, args);
	fprintf(stderr, "vmmctl: drgn: cannot run %s: %s (set MEMVISOR_PYTHON to a python3 with drgn)\n",
		python, strerror(errno));
	free(args);
	return EXIT_FAIL;
}
