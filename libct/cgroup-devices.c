/* SPDX-License-Identifier: Apache-2.0 */
/*
 * linux.resources.devices: the rule list with the default devices, its
 * translation to the v1 devices controller (devices.allow and devices.deny)
 * and to a cgroup2 BPF_PROG_TYPE_CGROUP_DEVICE program built from raw
 * instructions. docs/cgroups.md describes the semantics.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <linux/bpf.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup-internal.h"

#define ACCESS_ALL (CT_DEVICE_READ | CT_DEVICE_WRITE | CT_DEVICE_MKNOD)
#define FIELD      "linux.resources.devices"

/*
 * Devices that every container may use whatever its rules are. They come
 * after the config's rules, so a config that starts with "deny all" still
 * gets a working /dev/null and terminal. mknod of any device stays allowed, because
 * opening the node is what the rules control.
 */
static const struct ct_device_rule default_rules[] = {
    {true, 'c', -1, -1, CT_DEVICE_MKNOD}, /* mknod of any character device */
    {true, 'b', -1, -1, CT_DEVICE_MKNOD}, /* mknod of any block device */
    {true, 'c', 1, 3, ACCESS_ALL},        /* /dev/null */
    {true, 'c', 1, 5, ACCESS_ALL},        /* /dev/zero */
    {true, 'c', 1, 7, ACCESS_ALL},        /* /dev/full */
    {true, 'c', 1, 8, ACCESS_ALL},        /* /dev/random */
    {true, 'c', 1, 9, ACCESS_ALL},        /* /dev/urandom */
    {true, 'c', 5, 0, ACCESS_ALL},        /* /dev/tty */
    {true, 'c', 5, 1, ACCESS_ALL},        /* /dev/console */
    {true, 'c', 5, 2, ACCESS_ALL},        /* /dev/ptmx */
    {true, 'c', 136, -1, ACCESS_ALL},     /* /dev/pts/N */
};

size_t ct_cgroup_default_device_count(void)
{
	return sizeof(default_rules) / sizeof(default_rules[0]);
}

static bool is_reset(const struct ct_device_rule *rule)
{
	return rule->type == 'a' && rule->major == -1 && rule->minor == -1 && rule->access == ACCESS_ALL;
}

static int parse_rule(const struct spec_device_rule *spec, size_t index, struct ct_device_rule *ret_rule,
                      struct libct_error *err)
{
	const char *type = spec->type != NULL ? spec->type : "a";
	if (strcmp(type, "a") != 0 && strcmp(type, "c") != 0 && strcmp(type, "b") != 0)
		return ct_error_set(err, EINVAL,
		                    FIELD "[%zu].type: invalid value \"%s\", expected \"a\", \"c\" or \"b\"",
		                    index, type);
	const char *access = spec->access != NULL ? spec->access : "rwm";
	unsigned bits = 0;
	for (const char *c = access; *c != '\0'; c++) {
		unsigned bit = *c == 'r'   ? CT_DEVICE_READ
		               : *c == 'w' ? CT_DEVICE_WRITE
		               : *c == 'm' ? CT_DEVICE_MKNOD
		                           : 0;
		if (bit == 0)
			return ct_error_set(err, EINVAL,
			                    FIELD
			                    "[%zu].access: invalid value \"%s\", expected letters of \"rwm\"",
			                    index, access);
		bits |= bit;
	}
	/* Go callers write an absent access as "", which the runtime spec
	 * treats as all of them. */
	if (bits == 0)
		bits = ACCESS_ALL;

	int64_t major = spec->major.set ? spec->major.value : -1;
	int64_t minor = spec->minor.set ? spec->minor.value : -1;
	if (major < -1 || major > UINT32_MAX || minor < -1 || minor > UINT32_MAX)
		return ct_error_set(err, EINVAL,
		                    FIELD "[%zu]: invalid device number %" PRId64 ":%" PRId64
		                          ", expected -1 (any) or a number",
		                    index, major, minor);
	*ret_rule = (struct ct_device_rule){spec->allow, type[0], major, minor, bits};
	return 0;
}

int ct_cgroup_device_rules(const struct spec_resources *resources, struct ct_device_rule **ret_rules,
                           size_t *ret_count, struct libct_error *err)
{
	size_t n_defaults = sizeof(default_rules) / sizeof(default_rules[0]);
	/* A partial rule of type "a" becomes one "c" and one "b" rule. */
	_cleanup_free_ struct ct_device_rule *rules =
	    ct_calloc(2 * resources->n_devices + n_defaults, sizeof(*rules));
	size_t count = 0;
	for (size_t i = 0; i < resources->n_devices; i++) {
		struct ct_device_rule rule;
		int r = parse_rule(&resources->devices[i], i, &rule, err);
		if (r < 0)
			return r;
		if (rule.type == 'a' && !is_reset(&rule)) {
			rule.type = 'c';
			rules[count++] = rule;
			rule.type = 'b';
		}
		rules[count++] = rule;
	}
	memcpy(rules + count, default_rules, sizeof(default_rules));
	*ret_count = count + n_defaults;
	*ret_rules = ct_steal_pointer(&rules);
	return 0;
}

/* ------------------------------------------------------------------ v1 */

/*
 * The v1 controller keeps a default (allow or deny) and a set of
 * exceptions. "a" sets the default and clears the exceptions; a rule
 * against the default adds an exception, and a rule in the direction of the
 * default takes access away from the exceptions it covers. The kernel
 * removes only exceptions with the same numbers, so a rule that falls
 * inside a wider exception (deny c 1:3 after allow c 1:*) has no v1 form.
 */
struct v1_state {
	bool allow_by_default;
	struct ct_device_rule *exceptions;
	size_t n_exceptions;
};

static bool number_covers(int64_t outer, int64_t inner)
{
	return outer == -1 || outer == inner;
}

static bool numbers_overlap(int64_t a, int64_t b)
{
	return a == -1 || b == -1 || a == b;
}

static void add_exception(struct v1_state *state, const struct ct_device_rule *rule)
{
	for (size_t i = 0; i < state->n_exceptions; i++) {
		struct ct_device_rule *ex = &state->exceptions[i];
		if (ex->type == rule->type && ex->major == rule->major && ex->minor == rule->minor) {
			ex->access |= rule->access;
			return;
		}
	}
	state->exceptions =
	    ct_realloc(state->exceptions, (state->n_exceptions + 1) * sizeof(*state->exceptions));
	state->exceptions[state->n_exceptions] = *rule;
	state->exceptions[state->n_exceptions++].allow = !state->allow_by_default;
}

/* Returns -1 when rule overlaps an exception that it does not cover. */
static int remove_exceptions(struct v1_state *state, const struct ct_device_rule *rule)
{
	for (size_t i = 0; i < state->n_exceptions; i++) {
		struct ct_device_rule *ex = &state->exceptions[i];
		if (ex->type != rule->type || (ex->access & rule->access) == 0 ||
		    !numbers_overlap(ex->major, rule->major) || !numbers_overlap(ex->minor, rule->minor))
			continue;
		if (!number_covers(rule->major, ex->major) || !number_covers(rule->minor, ex->minor))
			return -1;
		ex->access &= ~rule->access;
	}
	return 0;
}

static void format_rule(const struct ct_device_rule *rule, char *buffer, size_t size)
{
	char major[24] = "*";
	char minor[24] = "*";
	if (rule->major >= 0)
		(void)snprintf(major, sizeof(major), "%" PRId64, rule->major); /* always fits */
	if (rule->minor >= 0)
		(void)snprintf(minor, sizeof(minor), "%" PRId64, rule->minor);
	(void)snprintf(buffer, size, "%c %s:%s %s%s%s", rule->type, major, minor,
	               (rule->access & CT_DEVICE_READ) ? "r" : "",
	               (rule->access & CT_DEVICE_WRITE) ? "w" : "",
	               (rule->access & CT_DEVICE_MKNOD) ? "m" : "");
}

int ct_cgroup_v1_device_lines(const struct ct_device_rule *rules, size_t count, size_t n_config,
                              struct ct_device_line **ret_lines, size_t *ret_count, struct libct_error *err)
{
	struct v1_state state = {0};
	for (size_t i = 0; i < count; i++) {
		const struct ct_device_rule *rule = &rules[i];
		if (is_reset(rule)) {
			state.allow_by_default = rule->allow;
			state.n_exceptions = 0;
		} else if (rule->allow != state.allow_by_default) {
			add_exception(&state, rule);
		} else if (remove_exceptions(&state, rule) < 0 && i < n_config) {
			char text[64];
			format_rule(rule, text, sizeof(text));
			free(state.exceptions);
			return ct_error_set(
			    err, ENOTSUP,
			    FIELD ": the %s rule \"%s\" lies inside a wider earlier rule, which the "
			          "cgroup v1 devices controller cannot express",
			    rule->allow ? "allow" : "deny", text);
		}
		/* A default rule that cannot be expressed is left out: it
		 * would only take back some of what the config allows. */
	}

	struct ct_device_line *lines = ct_calloc(state.n_exceptions + 1, sizeof(*lines));
	lines[0] = (struct ct_device_line){state.allow_by_default ? "devices.allow" : "devices.deny", "a"};
	size_t n = 1;
	for (size_t i = 0; i < state.n_exceptions; i++) {
		const struct ct_device_rule *ex = &state.exceptions[i];
		if (ex->access == 0)
			continue;
		lines[n].file = ex->allow ? "devices.allow" : "devices.deny";
		format_rule(ex, lines[n++].rule, sizeof(lines[0].rule));
	}
	free(state.exceptions);
	*ret_lines = lines;
	*ret_count = n;
	return 0;
}

/* Returns whether devices.list already shows the allow list of lines, so
 * that an update with unchanged rules writes nothing. The list shows the
 * exceptions only in deny-by-default mode. */
static bool list_matches(const char *dir, const struct ct_device_line *lines, size_t n_lines)
{
	if (strcmp(lines[0].file, "devices.deny") != 0)
		return false;
	_cleanup_free_ char *list = NULL;
	if (ct_cgroup_read(dir, "devices.list", &list, NULL) < 0)
		return false;

	size_t n_listed = 0;
	char *save = NULL;
	for (char *line = strtok_r(list, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		bool found = false;
		for (size_t i = 1; i < n_lines && !found; i++)
			found = strcmp(lines[i].rule, line) == 0;
		if (!found)
			return false;
		n_listed++;
	}
	return n_listed == n_lines - 1;
}

/* devices.allow and devices.deny, each opened at its first line. The
 * kernel takes each write(2) as one rule, so one fd serves every line. */
struct device_files {
	int allow_fd;
	int deny_fd;
};

static int write_device_line(const char *dir, struct device_files *files, const struct ct_device_line *line,
                             struct libct_error *err)
{
	bool allow = strcmp(line->file, "devices.allow") == 0;
	int *fd = allow ? &files->allow_fd : &files->deny_fd;
	_cleanup_free_ char *path = ct_asprintf("%s/%s", dir, line->file);
	if (*fd < 0)
		*fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	size_t len = strlen(line->rule);
	ssize_t n = *fd < 0 ? -1 : write(*fd, line->rule, len);
	if (n < 0)
		return ct_error_sys(err, errno, "write \"%s\" to \"%s\"", line->rule, path);
	if ((size_t)n != len)
		return ct_error_set(err, EIO, "write \"%s\" to \"%s\": short write of %zd bytes", line->rule,
		                    path, n);
	return 0;
}

int ct_cgroup_v1_set_devices(const char *dir, const struct ct_device_rule *rules, size_t count,
                             size_t n_config, struct libct_error *err)
{
	_cleanup_free_ struct ct_device_line *lines = NULL;
	size_t n_lines = 0;
	int r = ct_cgroup_v1_device_lines(rules, count, n_config, &lines, &n_lines, err);
	if (r == 0 && list_matches(dir, lines, n_lines))
		return 0;
	if (r < 0)
		return r;
	/* The first line sets the default and clears the old exceptions, so an
	 * update starts from a clean list too. NOTE: until the allow lines
	 * follow, the container can open no device. */
	struct device_files files = {.allow_fd = -1, .deny_fd = -1};
	for (size_t i = 0; r == 0 && i < n_lines; i++) {
		r = write_device_line(dir, &files, &lines[i], err);
		if (r < 0)
			r = ct_error_prefix(err, FIELD);
	}
	ct_closep(&files.allow_fd);
	ct_closep(&files.deny_fd);
	return r;
}

/* ------------------------------------------------------------------ v2 */

#define INSN(c, d, s, o, i)                                                                                  \
	((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})
/* Jump offsets to the end of the current rule, patched when it is complete. */
#define JUMP_TO_NEXT_RULE 0x7fff

static void push_insn(struct bpf_insn **insns, size_t *count, struct bpf_insn insn)
{
	*insns = ct_realloc(*insns, (*count + 1) * sizeof(**insns));
	(*insns)[(*count)++] = insn;
}

/*
 * Registers at each rule: r2 the device type (BPF_DEVCG_DEV_*), r3 the
 * requested access (BPF_DEVCG_ACC_*), r4 the major and r5 the minor
 * number. r1 is the context.
 */
static void emit_prologue(struct bpf_insn **insns, size_t *count)
{
	push_insn(insns, count, INSN(BPF_LDX | BPF_W | BPF_MEM, 2, 1, 0, 0)); /* access_type */
	push_insn(insns, count, INSN(BPF_ALU64 | BPF_MOV | BPF_X, 3, 2, 0, 0));
	push_insn(insns, count, INSN(BPF_ALU64 | BPF_AND | BPF_K, 2, 0, 0, 0xffff));
	push_insn(insns, count, INSN(BPF_ALU64 | BPF_RSH | BPF_K, 3, 0, 0, 16));
	push_insn(insns, count, INSN(BPF_LDX | BPF_W | BPF_MEM, 4, 1, 4, 0)); /* major */
	push_insn(insns, count, INSN(BPF_LDX | BPF_W | BPF_MEM, 5, 1, 8, 0)); /* minor */
}

static void emit_verdict(struct bpf_insn **insns, size_t *count, bool allow)
{
	push_insn(insns, count, INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, allow ? 1 : 0));
	push_insn(insns, count, INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
}

static int32_t bpf_access(unsigned access)
{
	return ((access & CT_DEVICE_READ) ? BPF_DEVCG_ACC_READ : 0) |
	       ((access & CT_DEVICE_WRITE) ? BPF_DEVCG_ACC_WRITE : 0) |
	       ((access & CT_DEVICE_MKNOD) ? BPF_DEVCG_ACC_MKNOD : 0);
}

/*
 * An allow rule matches when every requested access is in the rule, a deny
 * rule when any of them is, as the v1 controller decides against its
 * exceptions. So "deny c 1:3 w" refuses a read-write open but not a read.
 */
static void emit_rule(struct bpf_insn **insns, size_t *count, const struct ct_device_rule *rule)
{
	size_t start = *count;
	if (rule->type != 'a')
		push_insn(insns, count,
		          INSN(BPF_JMP | BPF_JNE | BPF_K, 2, 0, JUMP_TO_NEXT_RULE,
		               rule->type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK));
	if (rule->major >= 0)
		push_insn(insns, count,
		          INSN(BPF_JMP | BPF_JNE | BPF_K, 4, 0, JUMP_TO_NEXT_RULE, (int32_t)rule->major));
	if (rule->minor >= 0)
		push_insn(insns, count,
		          INSN(BPF_JMP | BPF_JNE | BPF_K, 5, 0, JUMP_TO_NEXT_RULE, (int32_t)rule->minor));
	int32_t access = bpf_access(rule->access);
	if (rule->allow && rule->access != ACCESS_ALL) {
		push_insn(insns, count, INSN(BPF_ALU64 | BPF_MOV | BPF_X, 6, 3, 0, 0));
		push_insn(insns, count, INSN(BPF_ALU64 | BPF_AND | BPF_K, 6, 0, 0, ~access & 7));
		push_insn(insns, count, INSN(BPF_JMP | BPF_JNE | BPF_K, 6, 0, JUMP_TO_NEXT_RULE, 0));
	} else if (!rule->allow && rule->access != ACCESS_ALL) {
		push_insn(insns, count, INSN(BPF_JMP | BPF_JSET | BPF_K, 3, 0, 1, access));
		push_insn(insns, count, INSN(BPF_JMP | BPF_JA, 0, 0, JUMP_TO_NEXT_RULE, 0));
	}
	emit_verdict(insns, count, rule->allow);

	for (size_t i = start; i < *count; i++)
		if ((*insns)[i].off == JUMP_TO_NEXT_RULE)
			(*insns)[i].off = (int16_t)(*count - i - 1);
}

int ct_cgroup_bpf_device_program(const struct ct_device_rule *rules, size_t count,
                                 struct bpf_insn **ret_insns, size_t *ret_count)
{
	struct bpf_insn *insns = NULL;
	size_t n = 0;
	emit_prologue(&insns, &n);
	/* The last matching rule decides, so the program checks the rules
	 * from the end, and stops at a rule that matches everything. */
	bool decided = false;
	for (size_t i = count; i > 0 && !decided; i--) {
		emit_rule(&insns, &n, &rules[i - 1]);
		decided = is_reset(&rules[i - 1]);
	}
	if (!decided)
		emit_verdict(&insns, &n, false);
	*ret_insns = insns;
	*ret_count = n;
	return 0;
}

static int bpf_call(int cmd, union bpf_attr *attr)
{
	return (int)syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

static int load_program(const struct bpf_insn *insns, size_t count, int *ret_fd, struct libct_error *err)
{
	union bpf_attr attr = {
	    .prog_type = BPF_PROG_TYPE_CGROUP_DEVICE,
	    .insns = (uint64_t)(uintptr_t)insns,
	    .insn_cnt = (uint32_t)count,
	    .license = (uint64_t)(uintptr_t) "Apache-2.0",
	};
	int fd = bpf_call(BPF_PROG_LOAD, &attr);
	if (fd >= 0) {
		*ret_fd = fd;
		return 0;
	}

	/* Load again with the verifier's log, only to explain the failure. */
	int saved_errno = errno;
	char log[1024] = "";
	attr.log_buf = (uint64_t)(uintptr_t)log;
	attr.log_size = sizeof(log);
	attr.log_level = 1;
	fd = bpf_call(BPF_PROG_LOAD, &attr);
	if (fd >= 0)
		close(fd);
	log[strcspn(log, "\n")] = '\0';
	return ct_error_sys(err, saved_errno, FIELD ": load the device program of %zu instructions%s%s",
	                    count, log[0] != '\0' ? ", verifier says: " : "", log);
}

/* Lists the ids of the device programs attached to the cgroup itself. */
static int query_programs(int cgroup_fd, uint32_t *ids, uint32_t *ret_count)
{
	union bpf_attr attr = {
	    .query = {.target_fd = (uint32_t)cgroup_fd,
	              .attach_type = BPF_CGROUP_DEVICE,
	              .prog_ids = (uint64_t)(uintptr_t)ids,
	              .prog_cnt = *ret_count},
	};
	if (bpf_call(BPF_PROG_QUERY, &attr) < 0)
		return -errno;
	*ret_count = attr.query.prog_cnt;
	return 0;
}

static int attach_program(int cgroup_fd, int prog_fd, int replace_fd)
{
	union bpf_attr attr = {
	    .target_fd = (uint32_t)cgroup_fd,
	    .attach_bpf_fd = (uint32_t)prog_fd,
	    .attach_type = BPF_CGROUP_DEVICE,
	    .attach_flags = BPF_F_ALLOW_MULTI | (replace_fd >= 0 ? BPF_F_REPLACE : 0),
	    .replace_bpf_fd = replace_fd >= 0 ? (uint32_t)replace_fd : 0,
	};
	return bpf_call(BPF_PROG_ATTACH, &attr) < 0 ? -errno : 0;
}

static int detach_program(int cgroup_fd, uint32_t id)
{
	union bpf_attr get = {.prog_id = id};
	_cleanup_close_ int fd = bpf_call(BPF_PROG_GET_FD_BY_ID, &get);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	union bpf_attr attr = {.target_fd = (uint32_t)cgroup_fd,
	                       .attach_bpf_fd = (uint32_t)fd,
	                       .attach_type = BPF_CGROUP_DEVICE};
	return bpf_call(BPF_PROG_DETACH, &attr) < 0 && errno != ENOENT ? -errno : 0;
}

/*
 * Attaches prog_fd in place of the programs attached before (by an earlier
 * create or update). With one old program, BPF_F_REPLACE (Linux 5.6)
 * swaps it atomically; otherwise the new one is attached first and the old
 * ones detached after, so the container is never without a program.
 */
static int swap_programs(const char *dir, int cgroup_fd, int prog_fd, struct libct_error *err)
{
	uint32_t ids[64];
	uint32_t n_ids = sizeof(ids) / sizeof(ids[0]);
	int r = query_programs(cgroup_fd, ids, &n_ids);
	if (r < 0)
		return ct_error_sys(err, -r, FIELD ": list the device programs of cgroup \"%s\"", dir);

	if (n_ids == 1) {
		union bpf_attr get = {.prog_id = ids[0]};
		_cleanup_close_ int old_fd = bpf_call(BPF_PROG_GET_FD_BY_ID, &get);
		if (old_fd >= 0 && attach_program(cgroup_fd, prog_fd, old_fd) == 0)
			return 0;
	}
	r = attach_program(cgroup_fd, prog_fd, -1);
	if (r < 0)
		return ct_error_sys(err, -r, FIELD ": attach the device program to cgroup \"%s\"", dir);
	for (uint32_t i = 0; i < n_ids; i++) {
		r = detach_program(cgroup_fd, ids[i]);
		if (r < 0)
			return ct_error_sys(
			    err, -r, FIELD ": detach the old device program %" PRIu32 " from cgroup \"%s\"",
			    ids[i], dir);
	}
	return 0;
}

int ct_cgroup_v2_set_devices(const char *dir, const struct ct_device_rule *rules, size_t count,
                             struct libct_error *err)
{
	_cleanup_free_ struct bpf_insn *insns = NULL;
	size_t n_insns = 0;
	(void)ct_cgroup_bpf_device_program(rules, count, &insns, &n_insns);

	_cleanup_close_ int prog_fd = -1;
	int r = load_program(insns, n_insns, &prog_fd, err);
	if (r < 0)
		return r;
	_cleanup_close_ int cgroup_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cgroup_fd < 0)
		return ct_error_sys(err, errno, FIELD ": open cgroup \"%s\"", dir);
	return swap_programs(dir, cgroup_fd, prog_fd, err);
}
