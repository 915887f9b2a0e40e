/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctrun-config.h"
#include "internal.h"

#define DEFAULT_STATE_ROOT "/run/ctrun"

int libct_context_new(const struct libct_context_config *config, struct libct_context **ret_context,
		      struct libct_error *err)
{
	if (ret_context == NULL) {
		int mounts[LIBCT_VIEW_MOUNTS] = { -1, -1 };
		if (config != NULL && config->view_mounts != NULL)
			memcpy(mounts, config->view_mounts, sizeof(mounts));
		ct_close_view_mounts(mounts);
		return ct_error_set(err, EINVAL, "create context: no result pointer");
	}

	struct libct_context *context = ct_calloc(1, sizeof(*context));
	for (int i = 0; i < LIBCT_VIEW_MOUNTS; i++)
		context->view_mounts[i] = config != NULL && config->view_mounts != NULL ? config->view_mounts[i] : -1;
	const char *root = config != NULL && config->state_root != NULL ? config->state_root : DEFAULT_STATE_ROOT;
	if (root[0] == '\0') {
		ct_close_view_mounts(context->view_mounts);
		free(context);
		return ct_error_set(err, EINVAL, "create context: empty state root");
	}
	context->state_root = ct_strdup(root);
	if (config != NULL) {
		context->log = config->log;
		context->log_userdata = config->log_userdata;
		context->log_level = config->log_level;
		context->trace = config->trace;
		context->trace_userdata = config->trace_userdata;
		context->systemd_cgroup = config->systemd_cgroup;
	} else {
		context->log_level = LIBCT_LOG_WARNING;
	}
	*ret_context = context;
	return 0;
}

void libct_context_free(struct libct_context *context)
{
	if (context == NULL)
		return;
	ct_close_view_mounts(context->view_mounts);
	free(context->state_root);
	free(context);
}

void ct_log(struct libct_context *context, enum libct_log_level level, const char *fmt, ...)
{
	if (context == NULL || context->log == NULL || level > context->log_level)
		return;

	char line[LIBCT_ERROR_MESSAGE_MAX];
	va_list ap;
	va_start(ap, fmt);
	(void)vsnprintf(line, sizeof(line), fmt, ap); /* a truncated log line is still useful */
	va_end(ap);
	context->log(context->log_userdata, level, line);
}

const char *libct_version(void)
{
	return CTRUN_VERSION;
}

const char *libct_status_name(enum libct_status status)
{
	switch (status) {
	case LIBCT_STATUS_CREATING:
		return "creating";
	case LIBCT_STATUS_CREATED:
		return "created";
	case LIBCT_STATUS_RUNNING:
		return "running";
	case LIBCT_STATUS_STOPPED:
		return "stopped";
	case LIBCT_STATUS_PAUSED:
		return "paused";
	default:
		return "unknown";
	}
}
