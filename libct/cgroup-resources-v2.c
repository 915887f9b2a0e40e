/* SPDX-License-Identifier: Apache-2.0 */
/*
 * linux.resources on cgroup2: the v1-shaped fields of the runtime spec
 * converted to the cgroup2 files (memory.max, cpu.weight, io.max, ...).
 * docs/cgroups.md lists the conversions.
 */
#include <inttypes.h>
#include <string.h>

#include "cgroup-internal.h"

static void format_limit(int64_t value, char *buffer, size_t size)
{
	if (value < 0)
		(void)snprintf(buffer, size, "max");
	else
		(void)snprintf(buffer, size, "%" PRId64, value); /* always fits */
}

static int write_i64(const char *dir, const char *file, int64_t value, const char *field,
                     struct libct_error *err)
{
	char text[32];
	format_limit(value, text, sizeof(text));
	return ct_cgroup_write_field(dir, file, text, field, err);
}

static int unsupported_v2(const char *field, const char *reason, struct libct_error *err)
{
	return ct_error_set(err, ENOTSUP, "%s: not supported on cgroup2, %s", field, reason);
}

int ct_cgroup_v2_check_memory(const struct spec_memory *memory, struct libct_error *err)
{
	if (memory->swappiness.set)
		return unsupported_v2("linux.resources.memory.swappiness", "which has no memory.swappiness",
		                      err);
	if (memory->disable_oom_killer.set && memory->disable_oom_killer.value)
		return unsupported_v2("linux.resources.memory.disableOOMKiller",
		                      "which cannot disable the OOM killer", err);
	if (memory->use_hierarchy.set && !memory->use_hierarchy.value)
		return unsupported_v2("linux.resources.memory.useHierarchy",
		                      "where accounting is always hierarchical", err);
	if (memory->kernel_tcp.set)
		return unsupported_v2("linux.resources.memory.kernelTCP",
		                      "where memory.max covers TCP buffers and there is no separate limit",
		                      err);
	if (!memory->swap.set || memory->swap.value < 0)
		return 0;
	if (!memory->limit.set || memory->limit.value < 0)
		return ct_error_set(
		    err, EINVAL,
		    "linux.resources.memory.swap: cgroup2 limits swap apart from memory, so a "
		    "memory+swap limit needs a memory limit too");
	if (memory->swap.value < memory->limit.value)
		return ct_error_set(err, EINVAL,
		                    "linux.resources.memory.swap: %" PRId64
		                    " is below the memory limit %" PRId64 ", but it counts memory plus swap",
		                    memory->swap.value, memory->limit.value);
	return 0;
}

static int check_usage(const char *dir, const struct spec_memory *memory, struct libct_error *err)
{
	if (!memory->check_before_update.value || !memory->limit.set || memory->limit.value < 0)
		return 0;
	_cleanup_free_ char *text = NULL;
	int r = ct_cgroup_read(dir, "memory.current", &text, err);
	if (r < 0)
		return ct_error_prefix(err, "linux.resources.memory.checkBeforeUpdate");
	long long usage = strtoll(text, NULL, 10);
	if (usage > memory->limit.value)
		return ct_error_set(err, EBUSY,
		                    "linux.resources.memory.limit: %" PRId64
		                    " is below the current usage of %lld "
		                    "bytes, and checkBeforeUpdate is set",
		                    memory->limit.value, usage);
	return 0;
}

int ct_cgroup_v2_set_memory(const char *dir, const struct spec_memory *memory, struct libct_error *err)
{
	int r = ct_cgroup_v2_check_memory(memory, err);
	if (r == 0)
		r = check_usage(dir, memory, err);
	/* memory.swap.max limits swap alone: the spec's memory+swap minus the
	 * memory limit. */
	if (r == 0 && memory->swap.set) {
		int64_t swap = memory->swap.value < 0 ? -1 : memory->swap.value - memory->limit.value;
		r = write_i64(dir, "memory.swap.max", swap, "linux.resources.memory.swap", err);
	}
	if (r == 0 && memory->limit.set)
		r = write_i64(dir, "memory.max", memory->limit.value, "linux.resources.memory.limit", err);
	if (r == 0 && memory->reservation.set)
		r = write_i64(dir, "memory.low", memory->reservation.value,
		              "linux.resources.memory.reservation", err);
	return r;
}

int ct_cgroup_v2_set_pids(const char *dir, const struct spec_opt_i64 *limit, struct libct_error *err)
{
	return write_i64(dir, "pids.max", limit->value, "linux.resources.pids.limit", err);
}

uint64_t ct_cgroup_shares_to_weight(uint64_t shares)
{
	if (shares < 2)
		shares = 2;
	if (shares > 262144)
		shares = 262144;
	return 1 + (shares - 2) * 9999 / 262142;
}

int ct_cgroup_v2_check_cpu(const struct spec_cpu *cpu, struct libct_error *err)
{
	if (cpu->realtime_period.set || cpu->realtime_runtime.set)
		return unsupported_v2(cpu->realtime_period.set ? "linux.resources.cpu.realtimePeriod"
		                                               : "linux.resources.cpu.realtimeRuntime",
		                      "which has no realtime group scheduling", err);
	return 0;
}

/* Builds cpu.max ("$QUOTA $PERIOD") from the parts that are set and the
 * current value for the others, so an update of one keeps the other. */
static void cpu_max_value(const char *dir, const struct spec_cpu *cpu, char *buffer, size_t size)
{
	char quota[32] = "max";
	uint64_t period = 100000;
	_cleanup_free_ char *current = NULL;
	struct libct_error local = {0};
	if (ct_cgroup_read(dir, "cpu.max", &current, &local) == 0) {
		unsigned long long value = 0;
		if (sscanf(current, "%31s %llu", quota, &value) == 2)
			period = value;
	}
	if (cpu->quota.set)
		format_limit(cpu->quota.value > 0 ? cpu->quota.value : -1, quota, sizeof(quota));
	if (cpu->period.set)
		period = cpu->period.value;
	(void)snprintf(buffer, size, "%s %" PRIu64, quota, period); /* always fits */
}

int ct_cgroup_v2_set_cpu(const char *dir, const struct spec_cpu *cpu, struct libct_error *err)
{
	int r = ct_cgroup_v2_check_cpu(cpu, err);
	if (r == 0 && cpu->shares.set && cpu->shares.value > 0) {
		char text[32];
		(void)snprintf(text, sizeof(text), "%" PRIu64, ct_cgroup_shares_to_weight(cpu->shares.value));
		r = ct_cgroup_write_field(dir, "cpu.weight", text, "linux.resources.cpu.shares", err);
	}
	if (r == 0 && (cpu->quota.set || cpu->period.set)) {
		char text[64];
		cpu_max_value(dir, cpu, text, sizeof(text));
		struct libct_error local = {0};
		r = ct_cgroup_write_field(dir, "cpu.max", text, "linux.resources.cpu.quota", &local);
		/* The kernel keeps the burst at or below the quota: a lower
		 * quota needs the new burst first. */
		if (r == -EINVAL && cpu->burst.set) {
			char burst[32];
			(void)snprintf(burst, sizeof(burst), "%" PRIu64, cpu->burst.value);
			r = ct_cgroup_write_field(dir, "cpu.max.burst", burst, "linux.resources.cpu.burst",
			                          err);
			if (r == 0)
				r = ct_cgroup_write_field(dir, "cpu.max", text, "linux.resources.cpu.quota",
				                          err);
		} else if (r < 0 && err != NULL) {
			*err = local;
		}
	}
	if (r == 0 && cpu->burst.set) {
		char burst[32];
		(void)snprintf(burst, sizeof(burst), "%" PRIu64, cpu->burst.value);
		r = ct_cgroup_write_field(dir, "cpu.max.burst", burst, "linux.resources.cpu.burst", err);
	}
	if (r == 0 && cpu->idle.set)
		r = write_i64(dir, "cpu.idle", cpu->idle.value, "linux.resources.cpu.idle", err);
	return r;
}

int ct_cgroup_v2_set_cpuset(const char *dir, const struct spec_cpu *cpu, struct libct_error *err)
{
	int r = 0;
	if (cpu->cpus != NULL)
		r = ct_cgroup_write_field(dir, "cpuset.cpus", cpu->cpus, "linux.resources.cpu.cpus", err);
	if (r == 0 && cpu->mems != NULL)
		r = ct_cgroup_write_field(dir, "cpuset.mems", cpu->mems, "linux.resources.cpu.mems", err);
	return r;
}

/* ------------------------------------------------------------------ io */

uint64_t ct_cgroup_blkio_to_io_weight(uint64_t weight)
{
	if (weight < 10)
		weight = 10;
	if (weight > 1000)
		weight = 1000;
	return 1 + (weight - 10) * 9999 / 990;
}

int ct_cgroup_v2_check_io(const struct spec_block_io *io, struct libct_error *err)
{
	if (io->leaf_weight.set)
		return unsupported_v2("linux.resources.blockIO.leafWeight", "which has no leaf weights", err);
	for (size_t i = 0; i < io->n_weight_device; i++)
		if (io->weight_device[i].leaf_weight.set)
			return ct_error_set(
			    err, ENOTSUP,
			    "linux.resources.blockIO.weightDevice[%zu].leafWeight: not supported on "
			    "cgroup2, which has no leaf weights",
			    i);
	return 0;
}

/* The BFQ scheduler has io.bfq.weight, on the blkio scale (1 to 1000);
 * otherwise io.weight (1 to 10000) takes the converted weight. */
static int write_io_weight(const char *dir, const char *device, uint64_t weight, const char *field,
                           struct libct_error *err)
{
	char text[64];
	if (ct_cgroup_has_file(dir, "io.bfq.weight")) {
		(void)snprintf(text, sizeof(text), "%s%" PRIu64, device, weight);
		return ct_cgroup_write_field(dir, "io.bfq.weight", text, field, err);
	}
	(void)snprintf(text, sizeof(text), "%s%" PRIu64, device, ct_cgroup_blkio_to_io_weight(weight));
	return ct_cgroup_write_field(dir, "io.weight", text, field, err);
}

static int write_io_max(const char *dir, const struct spec_throttle_device *devices, size_t count,
                        const char *key, const char *field, struct libct_error *err)
{
	for (size_t i = 0; i < count; i++) {
		char text[96];
		char rate[32] = "max";
		/* 0 lifts the limit, as it does in v1. */
		if (devices[i].rate > 0)
			(void)snprintf(rate, sizeof(rate), "%" PRIu64, devices[i].rate);
		(void)snprintf(text, sizeof(text), "%" PRId64 ":%" PRId64 " %s=%s", devices[i].major,
		               devices[i].minor, key, rate);
		int r = ct_cgroup_write_field(dir, "io.max", text, field, err);
		if (r < 0)
			return r;
	}
	return 0;
}

int ct_cgroup_v2_set_io(const char *dir, const struct spec_block_io *io, struct libct_error *err)
{
	int r = ct_cgroup_v2_check_io(io, err);
	if (r == 0 && io->weight.set)
		r = write_io_weight(dir, "default ", io->weight.value, "linux.resources.blockIO.weight", err);
	for (size_t i = 0; r == 0 && i < io->n_weight_device; i++) {
		const struct spec_weight_device *device = &io->weight_device[i];
		if (!device->weight.set)
			continue;
		char prefix[48];
		(void)snprintf(prefix, sizeof(prefix), "%" PRId64 ":%" PRId64 " ", device->major,
		               device->minor);
		r = write_io_weight(dir, prefix, device->weight.value, "linux.resources.blockIO.weightDevice",
		                    err);
	}
	if (r == 0)
		r = write_io_max(dir, io->throttle_read_bps_device, io->n_throttle_read_bps_device, "rbps",
		                 "linux.resources.blockIO.throttleReadBpsDevice", err);
	if (r == 0)
		r = write_io_max(dir, io->throttle_write_bps_device, io->n_throttle_write_bps_device, "wbps",
		                 "linux.resources.blockIO.throttleWriteBpsDevice", err);
	if (r == 0)
		r = write_io_max(dir, io->throttle_read_iops_device, io->n_throttle_read_iops_device, "riops",
		                 "linux.resources.blockIO.throttleReadIOPSDevice", err);
	if (r == 0)
		r = write_io_max(dir, io->throttle_write_iops_device, io->n_throttle_write_iops_device,
		                 "wiops", "linux.resources.blockIO.throttleWriteIOPSDevice", err);
	return r;
}

/* ------------------------------------------------------------- hugetlb */

int ct_cgroup_set_hugetlb(const char *dir, bool unified, const struct spec_hugepage_limit *limits,
                          size_t count, struct libct_error *err)
{
	for (size_t i = 0; i < count; i++) {
		char size[32];
		int r = ct_cgroup_hugepage_name(limits[i].page_size, size, sizeof(size), i, err);
		if (r < 0)
			return r;
		char value[32];
		(void)snprintf(value, sizeof(value), "%" PRIu64, limits[i].limit);
		_cleanup_free_ char *field = ct_asprintf("linux.resources.hugepageLimits[%zu]", i);
		_cleanup_free_ char *file =
		    ct_asprintf(unified ? "hugetlb.%s.max" : "hugetlb.%s.limit_in_bytes", size);
		_cleanup_free_ char *rsvd =
		    ct_asprintf(unified ? "hugetlb.%s.rsvd.max" : "hugetlb.%s.rsvd.limit_in_bytes", size);
		/* The spec asks for the reservation limit where the kernel has
		 * it (Linux 5.7); the fault limit is set as well so that the
		 * two agree. */
		r = ct_cgroup_write_field(dir, file, value, field, err);
		if (r == 0 && ct_cgroup_has_file(dir, rsvd))
			r = ct_cgroup_write_field(dir, rsvd, value, field, err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---------------------------------------------------------------- rdma */

int ct_cgroup_set_rdma(const char *dir, const struct spec_rdma_entry *entries, size_t count,
                       struct libct_error *err)
{
	for (size_t i = 0; i < count; i++) {
		const struct spec_rdma_entry *entry = &entries[i];
		char text[256];
		int len = snprintf(text, sizeof(text), "%s", entry->device);
		if (entry->hca_handles.set)
			len += snprintf(text + len, sizeof(text) - (size_t)len, " hca_handle=%" PRIu64,
			                entry->hca_handles.value);
		if (entry->hca_objects.set)
			len += snprintf(text + len, sizeof(text) - (size_t)len, " hca_object=%" PRIu64,
			                entry->hca_objects.value);
		_cleanup_free_ char *field = ct_asprintf("linux.resources.rdma.%s", entry->device);
		int r = ct_cgroup_write_field(dir, "rdma.max", text, field, err);
		if (r < 0)
			return r;
	}
	return 0;
}
