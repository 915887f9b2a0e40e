/* SPDX-License-Identifier: Apache-2.0 */
/*
 * OCI lifecycle hooks (config.json "hooks"). hooks.c explains where each
 * kind runs. A hook fails when it exits with a status other than 0, is
 * killed by a signal, or outlives its timeout. The error then names the
 * kind, the index and the path, for example
 *   hooks.createRuntime[1] "/usr/bin/net-setup": exited with status 2, output: "no bridge"
 */
#ifndef LIBCT_HOOKS_H
#define LIBCT_HOOKS_H

#include "internal.h"
#include "state.h"

/* The largest config.json that start and delete read back for the hooks,
 * the same limit that create applies. */
#define CT_HOOKS_CONFIG_MAX (16 * 1024 * 1024)

enum ct_hook_kind {
	CT_HOOK_PRESTART,
	CT_HOOK_CREATE_RUNTIME,
	CT_HOOK_CREATE_CONTAINER,
	CT_HOOK_START_CONTAINER,
	CT_HOOK_POSTSTART,
	CT_HOOK_POSTSTOP,
};

/* Returns the config.json name of kind, such as "createRuntime". */
const char *ct_hook_kind_name(enum ct_hook_kind kind);
const struct spec_hook_list *ct_hooks_of(const struct spec_hooks *hooks, enum ct_hook_kind kind);

/* Runs the hooks of one kind in order, each with state as JSON on stdin,
 * and stops at the first that fails. */
int ct_hooks_run(struct libct_context *context, const struct spec_hooks *hooks, enum ct_hook_kind kind,
                 const struct spec_state *state, struct libct_error *err);
/* Runs every hook of one kind and logs each failure as a warning, as the
 * runtime spec requires for poststop hooks. */
void ct_hooks_run_warn(struct libct_context *context, const struct spec_hooks *hooks, enum ct_hook_kind kind,
                       const struct spec_state *state);

/* init, after the mounts and before pivot_root: has the runtime run the
 * prestart and createRuntime hooks, then runs the createContainer hooks. */
int ct_hooks_run_create(struct ct_init *init, struct libct_error *err);
/* init, after `start` connected: runs the startContainer hooks. */
int ct_hooks_run_start(struct ct_init *init, struct libct_error *err);

/* Reads the copy of config.json that create stored in the state directory. */
int ct_hooks_load_config(int dir_fd, struct spec_config **ret_config, struct libct_error *err);
/* Fills a state for the hooks from the stored state; the strings stay
 * owned by stored. */
void ct_hooks_state_from(const struct ct_state *stored, enum libct_status status,
                         struct spec_state *ret_state);

#endif
