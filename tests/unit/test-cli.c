/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the command line helpers in src/: signal names, flag
 * parsing and the log line format.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctrun.h"
#include "tap.h"

static void test_signal_parse(void)
{
	is_int(cli_signal_parse("9"), SIGKILL, "signal number");
	is_int(cli_signal_parse("0"), 0, "signal 0 checks existence");
	is_int(cli_signal_parse("KILL"), SIGKILL, "signal name");
	is_int(cli_signal_parse("SIGKILL"), SIGKILL, "signal name with SIG");
	is_int(cli_signal_parse("sigterm"), SIGTERM, "signal name in lowercase");
	is_int(cli_signal_parse("Usr1"), SIGUSR1, "signal name in mixed case");
	is_int(cli_signal_parse("CLD"), SIGCHLD, "signal alias");
	is_int(cli_signal_parse("WINCH"), SIGWINCH, "SIGWINCH by name");
	is_int(cli_signal_parse("RTMIN"), SIGRTMIN, "RTMIN");
	is_int(cli_signal_parse("SIGRTMIN+3"), SIGRTMIN + 3, "RTMIN+3");
	is_int(cli_signal_parse("RTMAX-2"), SIGRTMAX - 2, "RTMAX-2");
	is_int(cli_signal_parse("65"), -EINVAL, "number above SIGRTMAX");
	is_int(cli_signal_parse("-9"), -EINVAL, "negative number");
	is_int(cli_signal_parse("9x"), -EINVAL, "number with trailing text");
	is_int(cli_signal_parse("FOO"), -EINVAL, "unknown name");
	is_int(cli_signal_parse("SIG"), -EINVAL, "bare SIG");
	is_int(cli_signal_parse(""), -EINVAL, "empty signal");
	is_int(cli_signal_parse("RTMIN-1"), -EINVAL, "RTMIN minus");
	is_int(cli_signal_parse("RTMIN+"), -EINVAL, "RTMIN+ without number");
	is_int(cli_signal_parse("RTMIN+99"), -EINVAL, "RTMIN+ past SIGRTMAX");
	is_str(cli_signal_name(SIGTERM), "TERM", "name of SIGTERM");
	is_str(cli_signal_name(SIGCHLD), "CHLD", "name of SIGCHLD is the main one");
	ok(cli_signal_name(40) == NULL, "unnamed real-time signal");
}

static void test_parse_uint(void)
{
	int value = -1;

	ok(cli_parse_uint("0", &value) && value == 0, "uint 0");
	ok(cli_parse_uint("42", &value) && value == 42, "uint 42");
	ok(cli_parse_uint("2147483647", &value) && value == 2147483647, "uint INT_MAX");
	ok(!cli_parse_uint("2147483648", &value), "uint past INT_MAX");
	ok(!cli_parse_uint("-1", &value), "uint negative");
	ok(!cli_parse_uint("+1", &value), "uint with plus sign");
	ok(!cli_parse_uint(" 1", &value), "uint with space");
	ok(!cli_parse_uint("1k", &value), "uint with suffix");
	ok(!cli_parse_uint("", &value), "uint empty");
}

/* The flags of a command shaped like create, for the parser tests. */
struct test_flags {
	const char *bundle;
	const char *rootless;
	const char *mode;
	int count;
	int count_max;
	bool all;
	bool quiet;
};

static enum cli_parse_result parse_test_args(struct test_flags *flags, const char *command, int argc,
					     const char **args, int *ret_first)
{
	const struct cli_option options[] = {
		{"bundle", 'b', CLI_OPTION_STRING, &flags->bundle, "DIR", "bundle"},
		{"rootless", 0, CLI_OPTION_OPTIONAL_STRING, &flags->rootless, "VALUE", "rootless"},
		{"mode", 0, CLI_OPTION_TRISTATE, &flags->mode, "VALUE", "mode"},
		{"count", 0, CLI_OPTION_UINT, &flags->count, "N", "count"},
		{"count-max", 0, CLI_OPTION_UINT, &flags->count_max, "N", "count-max"},
		{"all", 'a', CLI_OPTION_FLAG, &flags->all, NULL, "all"},
		{"quiet", 'q', CLI_OPTION_FLAG, &flags->quiet, NULL, "quiet"},
		{NULL, 0, 0, NULL, NULL, NULL},
	};
	const struct cli_syntax syntax = {
		.command = command,
		.operands = "ID [ARG]",
		.summary = "test",
		.options = options,
		.min_operands = command != NULL ? 1 : 0,
		.max_operands = command != NULL ? 2 : -1,
	};
	char *argv[16];

	for (int i = 0; i < argc; i++)
		argv[i] = (char *)args[i];
	argv[argc] = NULL;
	*flags = (struct test_flags){0};

	/* Usage errors print to stderr; keep the test output to the TAP lines. */
	int saved_stderr = dup(STDERR_FILENO);
	int null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	dup2(null_fd, STDERR_FILENO);
	enum cli_parse_result result = cli_parse(&syntax, argc, argv, ret_first);
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	close(null_fd);

	for (int i = 0; i < argc; i++)
		args[i] = argv[i];
	return result;
}

static void test_parse_flag_forms(void)
{
	struct test_flags flags;
	int first = -1;

	const char *separate[] = {"create", "--bundle", "/b", "--count", "3", "id"};
	is_int(parse_test_args(&flags, "create", 6, separate, &first), CLI_PARSE_OK, "separate values parse");
	is_str(flags.bundle, "/b", "--bundle VALUE");
	is_int(flags.count, 3, "--count VALUE");
	is_int(first, 5, "operand index after separate values");

	const char *attached[] = {"create", "--bundle=/c", "--count=7", "id"};
	is_int(parse_test_args(&flags, "create", 4, attached, &first), CLI_PARSE_OK, "attached values parse");
	is_str(flags.bundle, "/c", "--bundle=VALUE");
	is_int(flags.count, 7, "--count=VALUE");

	const char *shorts[] = {"create", "-b", "/d", "-aq", "id"};
	is_int(parse_test_args(&flags, "create", 5, shorts, &first), CLI_PARSE_OK, "short flags parse");
	is_str(flags.bundle, "/d", "-b VALUE");
	ok(flags.all && flags.quiet, "grouped short flags -aq");

	const char *short_attached[] = {"create", "-b/e", "id"};
	is_int(parse_test_args(&flags, "create", 3, short_attached, &first), CLI_PARSE_OK, "-bVALUE parses");
	is_str(flags.bundle, "/e", "-bVALUE");
}

static void test_parse_operands(void)
{
	struct test_flags flags;
	int first = -1;

	const char *mixed[] = {"kill", "id", "--all", "KILL"};
	is_int(parse_test_args(&flags, "kill", 4, mixed, &first), CLI_PARSE_OK, "flags after operands parse");
	ok(flags.all, "--all after the id");
	is_int(first, 2, "operands moved to the end");
	is_str(mixed[first], "id", "first operand");
	is_str(mixed[first + 1], "KILL", "second operand");

	const char *dashdash[] = {"kill", "--", "id", "-9"};
	is_int(parse_test_args(&flags, "kill", 4, dashdash, &first), CLI_PARSE_OK, "-- ends the flags");
	is_str(dashdash[first + 1], "-9", "operand after --");

	const char *missing[] = {"kill"};
	is_int(parse_test_args(&flags, "kill", 1, missing, &first), CLI_PARSE_USAGE, "missing operand");
	const char *extra[] = {"kill", "a", "b", "c"};
	is_int(parse_test_args(&flags, "kill", 4, extra, &first), CLI_PARSE_USAGE, "extra operand");
}

static void test_parse_errors(void)
{
	struct test_flags flags;
	int first = -1;

	const char *unknown[] = {"create", "--bogus", "id"};
	is_int(parse_test_args(&flags, "create", 3, unknown, &first), CLI_PARSE_USAGE, "unknown long flag");
	const char *unknown_short[] = {"create", "-z", "id"};
	is_int(parse_test_args(&flags, "create", 3, unknown_short, &first), CLI_PARSE_USAGE,
	       "unknown short flag");
	const char *no_value[] = {"create", "id", "--bundle"};
	is_int(parse_test_args(&flags, "create", 3, no_value, &first), CLI_PARSE_USAGE,
	       "flag without its value");
	const char *flag_value[] = {"create", "--all=yes", "id"};
	is_int(parse_test_args(&flags, "create", 3, flag_value, &first), CLI_PARSE_USAGE,
	       "value given to a flag");
	const char *ambiguous[] = {"create", "--qu", "id"};
	is_int(parse_test_args(&flags, "create", 3, ambiguous, &first), CLI_PARSE_OK,
	       "unique prefix accepted");
	ok(flags.quiet, "prefix --qu sets --quiet");
	const char *exact[] = {"create", "--count=1", "id"};
	is_int(parse_test_args(&flags, "create", 3, exact, &first), CLI_PARSE_OK,
	       "exact name beats longer one");
	const char *ambiguous2[] = {"create", "--cou=1", "id"};
	is_int(parse_test_args(&flags, "create", 3, ambiguous2, &first), CLI_PARSE_USAGE, "ambiguous prefix");
	const char *bad_uint[] = {"create", "--count", "-1", "id"};
	is_int(parse_test_args(&flags, "create", 4, bad_uint, &first), CLI_PARSE_USAGE, "negative count");
	const char *bad_uint2[] = {"create", "--count=abc", "id"};
	is_int(parse_test_args(&flags, "create", 3, bad_uint2, &first), CLI_PARSE_USAGE, "non-numeric count");
}

static void test_parse_globals(void)
{
	struct test_flags flags;
	int first = -1;

	const char *globals[] = {"ctrun", "--bundle", "/r", "--rootless=true", "state", "--all", "id"};
	is_int(parse_test_args(&flags, NULL, 7, globals, &first), CLI_PARSE_OK, "global flags parse");
	is_int(first, 4, "global flags stop at the command");
	ok(!flags.all, "command flags are left to the command");
	is_str(flags.rootless, "true", "optional value attached");

	const char *bare[] = {"ctrun", "--rootless", "list"};
	is_int(parse_test_args(&flags, NULL, 3, bare, &first), CLI_PARSE_OK, "bare optional flag parses");
	is_str(flags.rootless, "", "optional flag without value");
	is_str(bare[first], "list", "optional flag leaves the command alone");
}

static void test_parse_tristate(void)
{
	struct test_flags flags;
	int first = -1;

	const char *separate[] = {"ctrun", "--mode", "true", "list"};
	is_int(parse_test_args(&flags, NULL, 4, separate, &first), CLI_PARSE_OK, "tristate separate value parses");
	is_str(flags.mode, "true", "tristate separate value");
	is_str(separate[first], "list", "tristate separate value is not the command");

	const char *bare[] = {"ctrun", "--mode", "list"};
	is_int(parse_test_args(&flags, NULL, 3, bare, &first), CLI_PARSE_OK, "bare tristate parses");
	is_str(flags.mode, "true", "bare tristate means true");
	is_str(bare[first], "list", "bare tristate leaves the command alone");

	const char *attached[] = {"ctrun", "--mode=auto", "list"};
	is_int(parse_test_args(&flags, NULL, 3, attached, &first), CLI_PARSE_OK, "attached tristate parses");
	is_str(flags.mode, "auto", "attached tristate value");
	is_int(first, 2, "attached tristate stops at the command");

	const char *last[] = {"ctrun", "--mode", "false"};
	is_int(parse_test_args(&flags, NULL, 3, last, &first), CLI_PARSE_OK, "tristate value as last word parses");
	is_str(flags.mode, "false", "tristate value as last word");
	is_int(first, 3, "no command after a tristate value");

	const char *invalid[] = {"ctrun", "--mode=yes", "list"};
	is_int(parse_test_args(&flags, NULL, 3, invalid, &first), CLI_PARSE_USAGE, "invalid tristate value");

	/* Where flags mix with operands, the next word stays an operand. */
	const char *command[] = {"state", "--mode", "false", "id"};
	is_int(parse_test_args(&flags, "state", 4, command, &first), CLI_PARSE_OK, "tristate in a command parses");
	is_str(flags.mode, "true", "tristate in a command is bare");
	is_str(command[first], "false", "tristate in a command leaves the operand");
}

static void test_parse_help(void)
{
	struct test_flags flags;
	int first = -1;

	int saved_stdout = dup(STDOUT_FILENO);
	int null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	dup2(null_fd, STDOUT_FILENO);
	const char *help[] = {"create", "--help"};
	enum cli_parse_result long_result = parse_test_args(&flags, "create", 2, help, &first);
	const char *short_help[] = {"create", "-h", "id"};
	enum cli_parse_result short_result = parse_test_args(&flags, "create", 3, short_help, &first);
	fflush(stdout);
	dup2(saved_stdout, STDOUT_FILENO);
	close(saved_stdout);
	close(null_fd);

	is_int(long_result, CLI_PARSE_HELP, "--help without the id");
	is_int(short_result, CLI_PARSE_HELP, "-h");
	is_int(cli_parse_exit_status(CLI_PARSE_HELP), 0, "help exits 0");
	is_int(cli_parse_exit_status(CLI_PARSE_USAGE), 2, "usage error exits 2");
}

static void test_log_lines(void)
{
	const char *time = "2026-12-04T21:00:00.000000Z";
	char *line;

	line = cli_log_format_line(CLI_LOG_FORMAT_JSON, LIBCT_LOG_ERROR, "container \"a\" does not exist",
				   time);
	is_str(line,
	       "{\"level\":\"error\",\"msg\":\"container \\\"a\\\" does not exist\","
	       "\"time\":\"2026-12-04T21:00:00.000000Z\"}\n",
	       "JSON error line");
	free(line);

	line = cli_log_format_line(CLI_LOG_FORMAT_JSON, LIBCT_LOG_WARNING, "a\\b\nc\x01", time);
	is_str(line,
	       "{\"level\":\"warning\",\"msg\":\"a\\\\b\\nc\\u0001\","
	       "\"time\":\"2026-12-04T21:00:00.000000Z\"}\n",
	       "JSON escapes");
	free(line);

	line = cli_log_format_line(CLI_LOG_FORMAT_JSON, LIBCT_LOG_INFO, "bad \xff byte", time);
	is_str(line,
	       "{\"level\":\"info\",\"msg\":\"bad \xef\xbf\xbd byte\","
	       "\"time\":\"2026-12-04T21:00:00.000000Z\"}\n",
	       "JSON replaces invalid UTF-8");
	free(line);

	line = cli_log_format_line(CLI_LOG_FORMAT_TEXT, LIBCT_LOG_DEBUG, "say \"hi\"", time);
	is_str(line, "time=\"2026-12-04T21:00:00.000000Z\" level=debug msg=\"say \\\"hi\\\"\"\n",
	       "text line");
	free(line);

	char now[64];
	cli_log_format_time(now, sizeof(now));
	is_int((long long)strlen(now), 27, "time has microseconds");
	ok(now[4] == '-' && now[10] == 'T' && now[19] == '.' && now[26] == 'Z', "time is RFC 3339 in UTC: %s",
	   now);
}

/* Reads the whole file at path into a static buffer. */
static const char *read_text(const char *path)
{
	static char text[4096];
	FILE *file = fopen(path, "re");

	text[0] = '\0';
	if (file == NULL)
		return text;
	size_t n = fread(text, 1, sizeof(text) - 1, file);
	text[n] = '\0';
	fclose(file);
	return text;
}

static void test_log_file(void)
{
	char dir[] = "/tmp/test-cli-XXXXXX";
	char path[64];
	struct stat st;

	if (mkdtemp(dir) == NULL) {
		skip("mkdtemp failed");
		return;
	}
	snprintf(path, sizeof(path), "%s/log", dir);

	int saved_stderr = dup(STDERR_FILENO);
	int null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	dup2(null_fd, STDERR_FILENO);
	cli_error("before the log file");
	ok(cli_log_open(path, CLI_LOG_FORMAT_TEXT, false), "log file opens");
	cli_error("first %d", 1);
	cli_log(LIBCT_LOG_WARNING, "a warning");
	cli_debug("dropped without --debug");
	cli_log_libct(NULL, LIBCT_LOG_INFO, "from libct");
	cli_log_close();
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	close(null_fd);

	const char *text = read_text(path);
	ok(strstr(text, "level=error msg=\"before the log file\"\n") != NULL, "early error in the log file");
	ok(strstr(text, "level=error msg=\"first 1\"\n") != NULL, "error line in the log file");
	ok(strstr(text, "level=warning msg=\"a warning\"\n") != NULL, "warning line in the log file");
	ok(strstr(text, "level=info msg=\"from libct\"\n") != NULL, "libct line in the log file");
	ok(strstr(text, "dropped") == NULL, "debug line dropped");
	is_int(stat(path, &st), 0, "stat log file");
	is_int(st.st_mode & 07777, 0600, "log file mode");

	unlink(path);
	rmdir(dir);
}

/* Go's time.ParseDuration forms, as containerd sends `events --interval`. */
static void test_parse_duration(void)
{
	static const struct {
		const char *text;
		int64_t ns;
	} good[] = {
		{"5s", 5000000000LL},        {"1m30s", 90000000000LL},  {"250ms", 250000000LL},
		{"1h", 3600000000000LL},     {"0", 0},                  {"1.5s", 1500000000LL},
		{"2h45m", 9900000000000LL},  {"10us", 10000},           {"10\xc2\xb5s", 10000},
		{"7ns", 7},                  {".5s", 500000000LL},      {"1h0m0.001s", 3600001000000LL},
		{"+3s", 3000000000LL},       {"-2s", -2000000000LL},    {"0s", 0},
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		int64_t ns = -42;
		is_int(cli_parse_duration(good[i].text, &ns), 0, "duration \"%s\" parses", good[i].text);
		ok(ns == good[i].ns, "duration \"%s\" is %lld ns (got %lld)", good[i].text, (long long)good[i].ns,
		   (long long)ns);
	}
	static const char *const bad[] = {"", "5", "s", "5x", "1.s5", "1m 30s", "--5s", "5S", ".s", "1d", "5s "};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int64_t ns;
		is_int(cli_parse_duration(bad[i], &ns), -EINVAL, "duration \"%s\" is rejected", bad[i]);
	}
	int64_t ns;
	is_int(cli_parse_duration("9999999999h", &ns), -ERANGE, "duration beyond int64 is out of range");
}

/* Sizes as runc's update flags accept them. */
static void test_parse_size(void)
{
	static const struct {
		const char *text;
		int64_t bytes;
	} good[] = {
		{"512", 512},         {"512k", 524288},      {"512K", 524288},     {"4m", 4194304},
		{"1g", 1073741824},   {"1G", 1073741824},    {"64MiB", 67108864},  {"2kb", 2048},
		{"1.5g", 1610612736}, {"10 m", 10485760},    {"1t", 1LL << 40},    {"0", 0},
		{"3b", 3},
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		int64_t bytes = -42;
		is_int(cli_parse_size(good[i].text, &bytes), 0, "size \"%s\" parses", good[i].text);
		ok(bytes == good[i].bytes, "size \"%s\" is %lld bytes (got %lld)", good[i].text,
		   (long long)good[i].bytes, (long long)bytes);
	}
	static const char *const bad[] = {"", "k", "12q", "-1", "1kk", "1.5.5m", ".5m", "m4", "1e3"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int64_t bytes;
		is_int(cli_parse_size(bad[i], &bytes), -EINVAL, "size \"%s\" is rejected", bad[i]);
	}
	int64_t bytes;
	is_int(cli_parse_size("99999999999p", &bytes), -ERANGE, "size beyond int64 is out of range");
}

int main(void)
{
	test_signal_parse();
	test_parse_uint();
	test_parse_flag_forms();
	test_parse_operands();
	test_parse_errors();
	test_parse_globals();
	test_parse_tristate();
	test_parse_help();
	test_log_lines();
	test_log_file();
	test_parse_duration();
	test_parse_size();
	return done_testing();
}
