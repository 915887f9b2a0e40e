/* SPDX-License-Identifier: Apache-2.0 */
/*
 * update: new resource limits for a container, from a LinuxResources JSON
 * document (--resources FILE, or - for stdin) and from runc's individual
 * flags, which override the document's fields.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "ctrun.h"

#define RESOURCES_MAX_SIZE (1024 * 1024)

struct update_flags {
	const char *resources;
	const char *blkio_weight;
	const char *cpu_period;
	const char *cpu_quota;
	const char *cpu_share;
	const char *cpu_rt_period;
	const char *cpu_rt_runtime;
	const char *cpuset_cpus;
	const char *cpuset_mems;
	const char *memory;
	const char *memory_reservation;
	const char *memory_swap;
	const char *pids_limit;
	const char *l3_cache_schema;
	const char *mem_bw_schema;
};

/* Reads FILE, or stdin for "-", into a NUL-terminated buffer. */
static int read_document(const char *path, char **ret_data, size_t *ret_len)
{
	int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t len = 0, size = 4096;
	char *data = malloc(size);
	int r = 0;
	while (data != NULL) {
		if (len + 1 >= size) {
			size *= 2;
			char *bigger = size <= RESOURCES_MAX_SIZE ? realloc(data, size) : NULL;
			if (bigger == NULL) {
				r = size > RESOURCES_MAX_SIZE ? -EFBIG : -ENOMEM;
				break;
			}
			data = bigger;
		}
		ssize_t n = read(fd, data + len, size - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			r = -errno;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	if (fd != STDIN_FILENO)
		close(fd);
	if (data == NULL)
		return -ENOMEM;
	if (r < 0) {
		free(data);
		return r;
	}
	data[len] = '\0';
	*ret_data = data;
	*ret_len = len;
	return 0;
}

/* Parses a flag value: a size where sizes is true, else a plain integer.
 * "-1" is accepted where minus_one is true (unlimited swap, pids). */
static bool parse_value(const char *text, bool sizes, bool minus_one, int64_t *ret_value)
{
	if (minus_one && strcmp(text, "-1") == 0) {
		*ret_value = -1;
		return true;
	}
	if (sizes)
		return cli_parse_size(text, ret_value) == 0;
	char *end = NULL;
	errno = 0;
	long long value = strtoll(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || value < 0)
		return false;
	*ret_value = value;
	return true;
}

struct numeric_flag {
	const char *name;
	const char *text;
	bool sizes;
	bool minus_one;
	bool is_unsigned;
	void *target; /* struct spec_opt_i64 or struct spec_opt_u64 */
	bool *section_set;
};

static bool apply_numeric(const struct cli_syntax *syntax, const struct numeric_flag *flag, int *ret_status)
{
	int64_t value;
	if (flag->text == NULL)
		return true;
	if (!parse_value(flag->text, flag->sizes, flag->minus_one, &value)) {
		*ret_status = cli_usage_error(syntax, "invalid value \"%s\" for flag \"--%s\": expected %s",
					      flag->text, flag->name,
					      flag->sizes ? "a size such as 512k, 4m or 1g" : "a non-negative integer");
		return false;
	}
	if (flag->is_unsigned)
		*(struct spec_opt_u64 *)flag->target = (struct spec_opt_u64){ .set = true, .value = (uint64_t)value };
	else
		*(struct spec_opt_i64 *)flag->target = (struct spec_opt_i64){ .set = true, .value = value };
	if (flag->section_set != NULL)
		*flag->section_set = true;
	return true;
}

/* Copies the individual flags into resources. Returns false after printing
 * a usage error, with its exit status in *ret_status. */
static bool apply_flags(const struct cli_syntax *syntax, const struct update_flags *flags,
			struct spec_resources *resources, int *ret_status)
{
	struct spec_memory *memory = &resources->memory;
	struct spec_cpu *cpu = &resources->cpu;
	const struct numeric_flag numeric[] = {
		{"blkio-weight", flags->blkio_weight, false, false, true, &resources->block_io.weight,
		 &resources->block_io.set},
		{"cpu-period", flags->cpu_period, false, false, true, &cpu->period, &cpu->set},
		{"cpu-quota", flags->cpu_quota, false, true, false, &cpu->quota, &cpu->set},
		{"cpu-share", flags->cpu_share, false, false, true, &cpu->shares, &cpu->set},
		{"cpu-rt-period", flags->cpu_rt_period, false, false, true, &cpu->realtime_period, &cpu->set},
		{"cpu-rt-runtime", flags->cpu_rt_runtime, false, false, false, &cpu->realtime_runtime, &cpu->set},
		{"memory", flags->memory, true, true, false, &memory->limit, &memory->set},
		{"memory-reservation", flags->memory_reservation, true, true, false, &memory->reservation,
		 &memory->set},
		{"memory-swap", flags->memory_swap, true, true, false, &memory->swap, &memory->set},
		{"pids-limit", flags->pids_limit, false, true, false, &resources->pids_limit, &resources->pids_set},
	};
	for (size_t i = 0; i < sizeof(numeric) / sizeof(numeric[0]); i++)
		if (!apply_numeric(syntax, &numeric[i], ret_status))
			return false;

	if (flags->cpuset_cpus != NULL) {
		free(cpu->cpus);
		cpu->cpus = strdup(flags->cpuset_cpus);
		cpu->set = true;
	}
	if (flags->cpuset_mems != NULL) {
		free(cpu->mems);
		cpu->mems = strdup(flags->cpuset_mems);
		cpu->set = true;
	}
	resources->set = true;
	return true;
}

/* Builds the resources from --resources and the individual flags. */
static int load_resources(const struct cli_syntax *syntax, const struct update_flags *flags,
			  struct spec_resources **ret_resources)
{
	struct libct_error err = {0};
	struct spec_resources *resources = NULL;
	if (flags->resources != NULL) {
		char *data = NULL;
		size_t len = 0;
		const char *source = strcmp(flags->resources, "-") == 0 ? "stdin" : flags->resources;
		int r = read_document(flags->resources, &data, &len);
		if (r < 0) {
			cli_error("read resources from \"%s\": %s", source, strerror(-r));
			return CLI_EXIT_FAILURE;
		}
		r = spec_resources_parse(data, len, &resources, &err);
		free(data);
		if (r < 0) {
			cli_error("invalid resources in \"%s\": %s", source, err.message);
			return CLI_EXIT_FAILURE;
		}
	} else {
		resources = calloc(1, sizeof(*resources));
		if (resources == NULL)
			return cli_fail(-ENOMEM, NULL);
	}
	int status = CLI_EXIT_OK;
	if (!apply_flags(syntax, flags, resources, &status)) {
		spec_resources_free(resources);
		return status;
	}
	*ret_resources = resources;
	return CLI_EXIT_OK;
}

int cmd_update(const struct cli_globals *globals, int argc, char **argv)
{
	struct update_flags flags = {0};
	const struct cli_option options[] = {
		{"resources", 'r', CLI_OPTION_STRING, &flags.resources, "FILE",
		 "read a LinuxResources JSON document from FILE, or from stdin for -"},
		{"blkio-weight", 0, CLI_OPTION_STRING, &flags.blkio_weight, "N", "block IO weight, 10 to 1000"},
		{"cpu-period", 0, CLI_OPTION_STRING, &flags.cpu_period, "US", "CFS period in microseconds"},
		{"cpu-quota", 0, CLI_OPTION_STRING, &flags.cpu_quota, "US",
		 "CFS quota in microseconds per period, -1 for none"},
		{"cpu-share", 0, CLI_OPTION_STRING, &flags.cpu_share, "N", "CPU shares, a relative weight"},
		{"cpu-rt-period", 0, CLI_OPTION_STRING, &flags.cpu_rt_period, "US",
		 "realtime period in microseconds"},
		{"cpu-rt-runtime", 0, CLI_OPTION_STRING, &flags.cpu_rt_runtime, "US",
		 "realtime runtime in microseconds per period"},
		{"cpuset-cpus", 0, CLI_OPTION_STRING, &flags.cpuset_cpus, "LIST", "CPUs to run on, such as 0-3,7"},
		{"cpuset-mems", 0, CLI_OPTION_STRING, &flags.cpuset_mems, "LIST", "memory nodes to use, such as 0"},
		{"memory", 0, CLI_OPTION_STRING, &flags.memory, "SIZE",
		 "memory limit in bytes, or with a unit: 512k, 4m, 1g"},
		{"memory-reservation", 0, CLI_OPTION_STRING, &flags.memory_reservation, "SIZE",
		 "memory soft limit, as --memory"},
		{"memory-swap", 0, CLI_OPTION_STRING, &flags.memory_swap, "SIZE",
		 "limit of memory plus swap, as --memory; -1 for none"},
		{"pids-limit", 0, CLI_OPTION_STRING, &flags.pids_limit, "N", "most processes at once, -1 for none"},
		{"l3-cache-schema", 0, CLI_OPTION_STRING, &flags.l3_cache_schema, "SCHEMA",
		 "not supported: ctrun has no Intel RDT support"},
		{"mem-bw-schema", 0, CLI_OPTION_STRING, &flags.mem_bw_schema, "SCHEMA",
		 "not supported: ctrun has no Intel RDT support"},
		{NULL, 0, 0, NULL, NULL, NULL},
	};
	const struct cli_syntax syntax = {
		.command = "update",
		.operands = "ID",
		.summary = "Change the resource limits of container ID.",
		.details = "The flags override the fields of the --resources document; fields that\n"
			   "neither sets keep their values.\n",
		.options = options,
		.min_operands = 1,
		.max_operands = 1,
	};
	int first;

	enum cli_parse_result parsed = cli_parse(&syntax, argc, argv, &first);
	if (parsed != CLI_PARSE_OK)
		return cli_parse_exit_status(parsed);
	if (flags.l3_cache_schema != NULL || flags.mem_bw_schema != NULL) {
		cli_error("update container \"%s\": flag \"--%s\" is not supported: ctrun has no Intel RDT support",
			  argv[first], flags.l3_cache_schema != NULL ? "l3-cache-schema" : "mem-bw-schema");
		return CLI_EXIT_FAILURE;
	}

	struct spec_resources *resources = NULL;
	int status = load_resources(&syntax, &flags, &resources);
	if (status != CLI_EXIT_OK)
		return status;

	struct libct_context *context = cli_context_new(globals);
	if (context == NULL) {
		spec_resources_free(resources);
		return CLI_EXIT_FAILURE;
	}
	struct libct_error err = {0};
	int r = libct_container_update(context, argv[first], resources, &err);
	spec_resources_free(resources);
	libct_context_free(context);
	return r < 0 ? cli_fail(r, &err) : CLI_EXIT_OK;
}
