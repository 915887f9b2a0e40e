/* SPDX-License-Identifier: Apache-2.0 */
#include <stddef.h>

#include "oci-features.h"
#include "json.h"
#include "mountopts.h"
#include "tables.h"

static void write_names(struct spec_json_writer *writer, const char *key, const struct spec_name_table *table)
{
	spec_json_writer_key(writer, key);
	spec_json_writer_begin_array(writer);
	for (size_t i = 0; i < table->n_entries; i++)
		spec_json_writer_string(writer, table->entries[i].name);
	spec_json_writer_end_array(writer);
}

static void write_enabled(struct spec_json_writer *writer, const char *key, bool enabled)
{
	spec_json_writer_key(writer, key);
	spec_json_writer_begin_object(writer);
	spec_json_writer_key_bool(writer, "enabled", enabled);
	spec_json_writer_end_object(writer);
}

static void write_mount_options(struct spec_json_writer *writer)
{
	size_t count = 0;
	const struct spec_mount_option *options = spec_mount_option_table(&count);
	spec_json_writer_key(writer, "mountOptions");
	spec_json_writer_begin_array(writer);
	for (size_t i = 0; i < count; i++)
		spec_json_writer_string(writer, options[i].name);
	spec_json_writer_end_array(writer);
}

static void write_seccomp(struct spec_json_writer *writer, const struct spec_features_support *support)
{
	spec_json_writer_key(writer, "seccomp");
	spec_json_writer_begin_object(writer);
	spec_json_writer_key_bool(writer, "enabled", support->seccomp);
	if (support->seccomp) {
		write_names(writer, "actions", &spec_seccomp_actions);
		write_names(writer, "operators", &spec_seccomp_operators);
		if (support->seccomp_archs != NULL) {
			spec_json_writer_key(writer, "archs");
			spec_json_writer_strings(writer, support->seccomp_archs, support->n_seccomp_archs);
		} else {
			write_names(writer, "archs", &spec_seccomp_architectures);
		}
		write_names(writer, "knownFlags", &spec_seccomp_flags);
		if (support->seccomp_supported_flags != NULL) {
			spec_json_writer_key(writer, "supportedFlags");
			spec_json_writer_strings(writer, support->seccomp_supported_flags,
						 support->n_seccomp_supported_flags);
		} else {
			write_names(writer, "supportedFlags", &spec_seccomp_flags);
		}
	}
	spec_json_writer_end_object(writer);
}

static void write_cgroup(struct spec_json_writer *writer, const struct spec_features_support *support)
{
	spec_json_writer_key(writer, "cgroup");
	spec_json_writer_begin_object(writer);
	spec_json_writer_key_bool(writer, "v1", support->cgroup_v1);
	spec_json_writer_key_bool(writer, "v2", support->cgroup_v2);
	spec_json_writer_key_bool(writer, "systemd", support->cgroup_systemd);
	spec_json_writer_key_bool(writer, "systemdUser", support->cgroup_systemd_user);
	spec_json_writer_key_bool(writer, "rdma", support->cgroup_rdma);
	spec_json_writer_end_object(writer);
}

static void write_linux(struct spec_json_writer *writer, const struct spec_features_support *support)
{
	spec_json_writer_key(writer, "linux");
	spec_json_writer_begin_object(writer);
	write_names(writer, "namespaces", &spec_namespace_types);
	write_names(writer, "capabilities", &spec_capabilities_table);
	write_cgroup(writer, support);
	write_seccomp(writer, support);
	write_enabled(writer, "apparmor", support->apparmor);
	write_enabled(writer, "selinux", support->selinux);

	spec_json_writer_key(writer, "intelRdt");
	spec_json_writer_begin_object(writer);
	spec_json_writer_key_bool(writer, "enabled", support->intel_rdt);
	spec_json_writer_key_bool(writer, "schemata", support->intel_rdt_schemata);
	spec_json_writer_key_bool(writer, "monitoring", support->intel_rdt_monitoring);
	spec_json_writer_end_object(writer);

	spec_json_writer_key(writer, "mountExtensions");
	spec_json_writer_begin_object(writer);
	write_enabled(writer, "idmap", support->idmap_mounts);
	spec_json_writer_end_object(writer);
	write_enabled(writer, "netDevices", support->net_devices);

	spec_json_writer_key(writer, "memoryPolicy");
	spec_json_writer_begin_object(writer);
	write_names(writer, "modes", &spec_memory_policy_modes);
	write_names(writer, "flags", &spec_memory_policy_flags);
	spec_json_writer_end_object(writer);
	spec_json_writer_end_object(writer);
}

int spec_features_json(const struct spec_features_support *support, char **ret_json, size_t *ret_len,
		       struct libct_error *err)
{
	struct spec_json_writer *writer = spec_json_writer_new(true);

	spec_json_writer_begin_object(writer);
	spec_json_writer_key_string(writer, "ociVersionMin", SPEC_OCI_VERSION_MIN);
	spec_json_writer_key_string(writer, "ociVersionMax", SPEC_OCI_VERSION);
	write_names(writer, "hooks", &spec_hook_names);
	write_mount_options(writer);
	spec_json_writer_key(writer, "potentiallyUnsafeConfigAnnotations");
	spec_json_writer_strings(writer, support->unsafe_annotations, support->n_unsafe_annotations);
	write_linux(writer, support);
	if (support->annotations.n_entries > 0) {
		spec_json_writer_key(writer, "annotations");
		spec_json_writer_map(writer, &support->annotations);
	}
	spec_json_writer_end_object(writer);
	return spec_json_writer_finish(writer, ret_json, ret_len, err);
}
