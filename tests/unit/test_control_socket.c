/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for where control sockets live (vmm/control/socket.c): the
 * directory each environment picks, the fallback in ${TMPDIR:-/tmp} when
 * neither XDG_RUNTIME_DIR nor HOME is set, the checks that keep another
 * user's directory out, the client finding a VM there, and which failures
 * of the server's start a VM can run past. Each test gets its own temporary
 * directory and points TMPDIR at it, so none touches the real /tmp/hvmm-UID.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "client_capture.h"
#include "vmm/control/client.h"
#include "vmm/control/proto.h"
#include "vmm/control/server.h"
#include "vmm/control/socket.h"

struct env {
	char root[64];               /* TMPDIR, and the other variables' targets */
	char fallback[128];          /* root/hvmm-UID */
	struct log log;
	struct control_server server;
	char err[256];
};

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(path);
}

/* Neither XDG_RUNTIME_DIR nor HOME: what an init script's hvmm sees. */
static void clear_env(const struct env *e)
{
	unsetenv("XDG_RUNTIME_DIR");
	unsetenv("HOME");
	setenv("TMPDIR", e->root, 1);
}

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	if (!e)
		return -1;
	snprintf(e->root, sizeof(e->root), "/tmp/hvmm-sock-XXXXXX");
	if (!mkdtemp(e->root))
		return -1;
	snprintf(e->fallback, sizeof(e->fallback), "%s/hvmm-%u", e->root, (unsigned int)geteuid());
	e->log.level = LOG_ERROR;
	clear_env(e);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	control_server_stop(&e->server);
	nftw(e->root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(e);
	return 0;
}

static int fake_stop(void *vmm, char *reply, size_t len)
{
	(void)vmm;
	snprintf(reply, len, "stopping");
	return 0;
}

static const struct control_ops ops = { .stop = fake_stop };

static int start(struct env *e, struct control_server *s, const char *name)
{
	return control_server_start(s, name, &ops, NULL, &e->log, e->err, sizeof(e->err));
}

/* ---- which directory ----------------------------------------------------- */

static void test_dir_from_environment(void **state)
{
	struct env *e = *state;
	char dir[CONTROL_SOCKET_DIR_MAX], err[256], expect[256];

	setenv("XDG_RUNTIME_DIR", e->root, 1);
	setenv("HOME", "/nonexistent", 1);
	assert_int_equal(control_socket_dir(dir, sizeof(dir), false, err, sizeof(err)), 0);
	snprintf(expect, sizeof(expect), "%s/hvmm", e->root);
	assert_string_equal(dir, expect);
	/* Not created unless asked. */
	assert_int_equal(access(expect, F_OK), -1);
	/* Empty XDG_RUNTIME_DIR counts as unset: ~/.hvmm. */
	setenv("XDG_RUNTIME_DIR", "", 1);
	setenv("HOME", e->root, 1);
	assert_int_equal(control_socket_dir(dir, sizeof(dir), true, err, sizeof(err)), 0);
	snprintf(expect, sizeof(expect), "%s/.hvmm", e->root);
	assert_string_equal(dir, expect);
	assert_int_equal(access(expect, F_OK), 0);
	unsetenv("XDG_RUNTIME_DIR");
	assert_int_equal(control_socket_dir(dir, sizeof(dir), false, err, sizeof(err)), 0);
	assert_string_equal(dir, expect);
	/* Neither, unset or empty: the fallback under TMPDIR, not created
	 * by a client, and none is not an error. */
	unsetenv("HOME");
	assert_int_equal(control_socket_dir(dir, sizeof(dir), false, err, sizeof(err)), 0);
	assert_string_equal(dir, e->fallback);
	assert_int_equal(access(e->fallback, F_OK), -1);
	setenv("HOME", "", 1);
	setenv("XDG_RUNTIME_DIR", "", 1);
	assert_int_equal(control_socket_dir(dir, sizeof(dir), false, err, sizeof(err)), 0);
	assert_string_equal(dir, e->fallback);
	/* No TMPDIR either: /tmp (what is there is not this test's business). */
	snprintf(expect, sizeof(expect), "/tmp/hvmm-%u", (unsigned int)geteuid());
	setenv("TMPDIR", "", 1);
	(void)control_socket_dir(dir, sizeof(dir), false, err, sizeof(err));
	assert_string_equal(dir, expect);
	unsetenv("TMPDIR");
	(void)control_socket_dir(dir, sizeof(dir), false, err, sizeof(err));
	assert_string_equal(dir, expect);
}

static void test_fallback_dir_created(void **state)
{
	struct env *e = *state;
	char dir[CONTROL_SOCKET_DIR_MAX], err[256];
	mode_t old = umask(0077);
	struct stat st;

	assert_int_equal(control_socket_dir(dir, sizeof(dir), true, err, sizeof(err)), 0);
	umask(old);
	assert_string_equal(dir, e->fallback);
	assert_int_equal(lstat(e->fallback, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(st.st_uid, geteuid());
	/* Once there, the server and the clients both accept it. */
	assert_int_equal(control_socket_dir(dir, sizeof(dir), true, err, sizeof(err)), 0);
	assert_int_equal(control_socket_dir(dir, sizeof(dir), false, err, sizeof(err)), 0);
}

/* ---- what is refused --------------------------------------------------------- */

/* Refused by the server (creating) and by a client (only looking) alike. */
static void assert_refused(const char *why, int expect_ret)
{
	char dir[CONTROL_SOCKET_DIR_MAX], err[256];

	assert_int_equal(control_socket_dir(dir, sizeof(dir), true, err, sizeof(err)), expect_ret);
	assert_non_null(strstr(err, why));
	err[0] = '\0';
	assert_int_equal(control_socket_dir(dir, sizeof(dir), false, err, sizeof(err)), expect_ret);
	assert_non_null(strstr(err, why));
}

static void test_fallback_wrong_mode_refused(void **state)
{
	struct env *e = *state;
	struct stat st;

	assert_int_equal(mkdir(e->fallback, 0700), 0);
	assert_int_equal(chmod(e->fallback, 0777), 0);
	assert_refused("writable by other users", -EPERM);
	assert_int_equal(chmod(e->fallback, 0730), 0);
	assert_refused("writable by other users", -EPERM);
	/* hvmm does not change it. */
	assert_int_equal(lstat(e->fallback, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0730);
	assert_int_equal(chmod(e->fallback, 0700), 0);
	assert_int_equal(rmdir(e->fallback), 0);
	/* Nor is a file where the directory should be. */
	fclose(fopen(e->fallback, "w"));
	assert_refused("is not a directory", -ENOTDIR);
}

/* A symlink planted at the fallback's path is refused, not followed, even
 * to a directory that would pass every check. */
static void test_fallback_symlink_refused(void **state)
{
	struct env *e = *state;
	char real[128], path[256];
	struct captured c;

	snprintf(real, sizeof(real), "%s/elsewhere", e->root);
	assert_int_equal(mkdir(real, 0700), 0);
	assert_int_equal(symlink(real, e->fallback), 0);
	assert_refused("is not a directory", -ENOTDIR);
	assert_int_not_equal(start(e, &e->server, "vm"), 0);
	assert_false(e->server.running);
	snprintf(path, sizeof(path), "%s/vm.sock", real);
	assert_int_equal(access(path, F_OK), -1);
	CLIENT(&c, "list");
	assert_int_equal(c.status, 1);
	assert_string_equal(c.out, "");
	assert_non_null(strstr(c.err, "is not a directory"));
}

/* Only the fallback, whose path any user can take first, is checked by the
 * clients; XDG_RUNTIME_DIR and HOME are the user's own. */
static void test_client_checks_only_fallback(void **state)
{
	struct env *e = *state;
	char dir[CONTROL_SOCKET_DIR_MAX], err[256];

	setenv("XDG_RUNTIME_DIR", e->root, 1);
	snprintf(dir, sizeof(dir), "%s/hvmm", e->root);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(chmod(dir, 0777), 0);
	assert_int_equal(control_socket_dir(dir, sizeof(dir), false, err, sizeof(err)), 0);
	assert_int_equal(control_socket_dir(dir, sizeof(dir), true, err, sizeof(err)), -EPERM);
	assert_non_null(strstr(err, "writable by other users"));
}

/* ---- the server and the client there ---------------------------------------- */

static void test_client_finds_vm_in_fallback(void **state)
{
	struct env *e = *state;
	char path[256];
	struct captured c;

	if (start(e, &e->server, "boot-vm"))
		fail_msg("start failed: %s", e->err);
	snprintf(path, sizeof(path), "%s/boot-vm.sock", e->fallback);
	assert_string_equal(e->server.path, path);
	CLIENT(&c, "list");
	assert_int_equal(c.status, 0);
	assert_string_equal(c.out, "boot-vm\n");
	assert_string_equal(c.err, "");
	CLIENT(&c, "stop", "--name", "boot-vm");
	assert_int_equal(c.status, 0);
	assert_string_equal(c.out, "stopping\n");
}

/* A VM runs without its socket after any failure but a live VM holding
 * its name (CONTROL_NAME_TAKEN): vmm_run decides by that value. */
static void test_start_failures(void **state)
{
	struct env *e = *state;
	struct control_server twin;
	char dir[128];
	int ret;

	/* The fallback is unusable. */
	assert_int_equal(mkdir(e->fallback, 0777), 0);
	assert_int_equal(chmod(e->fallback, 0777), 0);
	ret = start(e, &e->server, "vm");
	assert_int_equal(ret, -EPERM);
	assert_int_not_equal(ret, CONTROL_NAME_TAKEN);
	assert_false(e->server.running);
	control_server_stop(&e->server);
	/* XDG_RUNTIME_DIR names nothing there, or a file is in the way. */
	snprintf(dir, sizeof(dir), "%s/gone", e->root);
	setenv("XDG_RUNTIME_DIR", dir, 1);
	ret = start(e, &e->server, "vm");
	assert_int_equal(ret, -ENOENT);
	assert_non_null(strstr(e->err, "cannot create"));
	setenv("XDG_RUNTIME_DIR", e->root, 1);
	snprintf(dir, sizeof(dir), "%s/hvmm", e->root);
	fclose(fopen(dir, "w"));
	assert_int_equal(start(e, &e->server, "vm"), -ENOTDIR);
	unlink(dir);
	/* The name is a live VM's: the one failure that is fatal. */
	if (start(e, &e->server, "twin"))
		fail_msg("start failed: %s", e->err);
	assert_int_equal(start(e, &twin, "twin"), CONTROL_NAME_TAKEN);
	assert_string_equal(e->err, "a VM named 'twin' is already running");
	assert_false(twin.running);
	control_server_stop(&twin);
}

static void test_socket_path_length(void **state)
{
	char path[256], err[256];

	(void)state;
	assert_int_equal(control_socket_path(path, sizeof(path), "/tmp",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", err, sizeof(err)),
		-ENAMETOOLONG);
	assert_non_null(strstr(err, "longer than a UNIX socket allows"));
	assert_int_equal(control_socket_path(path, sizeof(path), "/tmp", "vm", err, sizeof(err)), 0);
	assert_string_equal(path, "/tmp/vm.sock");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dir_from_environment, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fallback_dir_created, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fallback_wrong_mode_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fallback_symlink_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_checks_only_fallback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_finds_vm_in_fallback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_start_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_socket_path_length, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
