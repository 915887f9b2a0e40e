/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Flag parsing for every command: getopt_long(3) driven by the option
 * table of a struct cli_syntax, which also produces the --help text, so the
 * two cannot drift apart.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctrun.h"

/* getopt_long() returns OPTION_VALUE_BASE + i for the long form of option i,
 * above every short option character. */
#define OPTION_VALUE_BASE 1000
#define MAX_OPTIONS       32
#define HELP_INDENT       30
#define HELP_WIDTH        80

static const struct cli_option help_option = {
	"help", 'h', CLI_OPTION_FLAG, NULL, NULL, "print this help and exit",
};

static size_t count_options(const struct cli_syntax *syntax)
{
	size_t n = 0;

	while (syntax->options != NULL && syntax->options[n].name != NULL)
		n++;
	return n;
}

static const char *option_usage_name(const struct cli_syntax *syntax)
{
	return syntax->command == NULL ? "[GLOBAL OPTION]..." : "[OPTION]...";
}

static void print_usage_line(FILE *out, const struct cli_syntax *syntax)
{
	if (syntax->command == NULL)
		fprintf(out, "Usage: ctrun %s %s\n", option_usage_name(syntax), syntax->operands);
	else if (syntax->operands[0] == '\0')
		fprintf(out, "Usage: ctrun %s %s\n", syntax->command, option_usage_name(syntax));
	else
		fprintf(out, "Usage: ctrun %s %s %s\n", syntax->command, option_usage_name(syntax),
			syntax->operands);
}

/* Prints text from column HELP_INDENT on, wrapped at spaces before HELP_WIDTH. */
static void print_wrapped(const char *text)
{
	const int width = HELP_WIDTH - HELP_INDENT;

	while ((int)strlen(text) > width) {
		int cut = width;

		while (cut > 0 && text[cut] != ' ')
			cut--;
		if (cut == 0)
			break;
		printf("%.*s\n%*s", cut, text, HELP_INDENT, "");
		text += cut + 1;
	}
	printf("%s\n", text);
}

static void print_option_help(const struct cli_option *option)
{
	char left[128];
	int n;

	if (option->short_name != 0)
		n = snprintf(left, sizeof(left), "  -%c, --%s", option->short_name, option->name);
	else
		n = snprintf(left, sizeof(left), "      --%s", option->name);
	if (option->type == CLI_OPTION_OPTIONAL_STRING || option->type == CLI_OPTION_TRISTATE)
		n += snprintf(left + n, sizeof(left) - (size_t)n, "[=%s]", option->value_name);
	else if (option->type != CLI_OPTION_FLAG)
		n += snprintf(left + n, sizeof(left) - (size_t)n, "=%s", option->value_name);

	if (n + 2 > HELP_INDENT)
		printf("%s\n%*s", left, HELP_INDENT, "");
	else
		printf("%-*s", HELP_INDENT, left);
	print_wrapped(option->help);
}

void cli_print_help(const struct cli_syntax *syntax)
{
	print_usage_line(stdout, syntax);
	printf("%s\n", syntax->summary);
	if (syntax->details != NULL)
		printf("\n%s", syntax->details);

	printf("\n%s:\n", syntax->command == NULL ? "Global options" : "Options");
	for (size_t i = 0; i < count_options(syntax); i++)
		print_option_help(&syntax->options[i]);
	print_option_help(&help_option);
}

int cli_usage_error(const struct cli_syntax *syntax, const char *fmt, ...)
{
	char message[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);

	cli_error("%s", message);
	print_usage_line(stderr, syntax);
	if (syntax->command == NULL)
		fprintf(stderr, "Try 'ctrun --help' for more information.\n");
	else
		fprintf(stderr, "Try 'ctrun %s --help' for more information.\n", syntax->command);
	return CLI_EXIT_USAGE;
}

bool cli_parse_uint(const char *text, int *ret_value)
{
	char *end = NULL;

	if (text[0] < '0' || text[0] > '9')
		return false;
	errno = 0;
	long value = strtol(text, &end, 10);
	if (errno != 0 || *end != '\0' || value > INT_MAX)
		return false;
	*ret_value = (int)value;
	return true;
}

/* Builds the getopt_long() tables; the help option comes last. */
static void build_getopt_tables(const struct cli_syntax *syntax, size_t n_options, struct option *longopts,
				char *shortopts)
{
	size_t s = 0;

	/* "+" stops at the command name; ":" makes a missing value return ':'. */
	if (syntax->command == NULL || syntax->flags_before_operands)
		shortopts[s++] = '+';
	shortopts[s++] = ':';

	for (size_t i = 0; i <= n_options; i++) {
		const struct cli_option *option = i < n_options ? &syntax->options[i] : &help_option;
		int has_arg = no_argument;

		if (option->type == CLI_OPTION_STRING || option->type == CLI_OPTION_UINT ||
		    option->type == CLI_OPTION_STRINGS)
			has_arg = required_argument;
		else if (option->type == CLI_OPTION_OPTIONAL_STRING || option->type == CLI_OPTION_TRISTATE)
			has_arg = optional_argument;
		longopts[i] = (struct option){option->name, has_arg, NULL, OPTION_VALUE_BASE + (int)i};

		if (option->short_name != 0) {
			shortopts[s++] = option->short_name;
			/* "x:" takes a value; "x::" takes one only when attached. */
			if (has_arg != no_argument)
				shortopts[s++] = ':';
			if (has_arg == optional_argument)
				shortopts[s++] = ':';
		}
	}
	longopts[n_options + 1] = (struct option){0};
	shortopts[s] = '\0';
}

/* Maps a getopt_long() return value or optopt to an option index, or -1. */
static int find_option_index(const struct cli_syntax *syntax, size_t n_options, int value)
{
	if (value >= OPTION_VALUE_BASE && value <= OPTION_VALUE_BASE + (int)n_options)
		return value - OPTION_VALUE_BASE;
	for (size_t i = 0; i < n_options; i++)
		if (value != 0 && syntax->options[i].short_name == value)
			return (int)i;
	if (value == help_option.short_name)
		return (int)n_options;
	return -1;
}

static const struct cli_option *option_at(const struct cli_syntax *syntax, size_t n_options, int index)
{
	return (size_t)index < n_options ? &syntax->options[index] : &help_option;
}

/* Counts the long options that start with the name in word ("--no" of
 * "--no=x", length 4), which getopt_long() accepts when only one does. */
static size_t count_prefix_matches(const struct cli_syntax *syntax, size_t n_options, const char *word,
				   size_t length)
{
	size_t matches = 0;

	if (length <= 2 || strncmp(word, "--", 2) != 0)
		return 0;
	for (size_t i = 0; i <= n_options; i++)
		if (strncmp(option_at(syntax, n_options, (int)i)->name, word + 2, length - 2) == 0)
			matches++;
	return matches;
}

/* Reports the error behind a '?' or ':' from getopt_long(). */
static int report_getopt_error(const struct cli_syntax *syntax, size_t n_options, int c, char **argv)
{
	int index = find_option_index(syntax, n_options, optopt);
	const char *word = argv[optind - 1];

	if (c == ':' && index >= 0)
		return cli_usage_error(syntax, "flag \"--%s\" requires a value",
				       option_at(syntax, n_options, index)->name);
	if (index >= 0 && optopt >= OPTION_VALUE_BASE)
		return cli_usage_error(syntax, "flag \"--%s\" takes no value",
				       option_at(syntax, n_options, index)->name);
	if (optopt != 0 && optopt < OPTION_VALUE_BASE)
		return cli_usage_error(syntax, "unknown flag \"-%c\"", optopt);

	size_t length = strcspn(word, "=");
	if (count_prefix_matches(syntax, n_options, word, length) > 1)
		return cli_usage_error(syntax, "ambiguous flag \"%.*s\": write the whole name", (int)length,
				       word);
	return cli_usage_error(syntax, "unknown flag \"%.*s\"", (int)length, word);
}

static bool is_tristate_value(const char *word)
{
	return strcmp(word, "true") == 0 || strcmp(word, "false") == 0 || strcmp(word, "auto") == 0;
}

/*
 * Stores a tristate flag's value: the attached one, else the next word if
 * it is a tristate value, else "true". The next word is taken only where
 * flags stop at the first operand. There a command never has such a name,
 * and getopt_long() does not reorder argv, so advancing optind is safe.
 */
static enum cli_parse_result store_tristate(const struct cli_syntax *syntax, const struct cli_option *option,
					    int argc, char **argv)
{
	const char *value = optarg;
	bool in_order = syntax->command == NULL || syntax->flags_before_operands;
	if (value == NULL && in_order && optind < argc && is_tristate_value(argv[optind]))
		value = argv[optind++];
	if (value == NULL)
		value = "true";
	if (!is_tristate_value(value)) {
		cli_usage_error(syntax, "invalid value \"%s\" for flag \"--%s\": expected true, false or auto",
				value, option->name);
		return CLI_PARSE_USAGE;
	}
	*(const char **)option->target = value;
	return CLI_PARSE_OK;
}

static enum cli_parse_result store_option(const struct cli_syntax *syntax, const struct cli_option *option)
{
	switch (option->type) {
	case CLI_OPTION_FLAG:
		*(bool *)option->target = true;
		break;
	case CLI_OPTION_STRING:
		*(const char **)option->target = optarg;
		break;
	case CLI_OPTION_OPTIONAL_STRING:
		*(const char **)option->target = optarg != NULL ? optarg : "";
		break;
	case CLI_OPTION_UINT:
		if (!cli_parse_uint(optarg, (int *)option->target)) {
			cli_usage_error(syntax, "invalid value \"%s\" for flag \"--%s\": "
						"expected a non-negative integer",
					optarg, option->name);
			return CLI_PARSE_USAGE;
		}
		break;
	case CLI_OPTION_STRINGS: {
		struct cli_strings *strings = option->target;

		strings->items = realloc(strings->items, (strings->count + 2) * sizeof(char *));
		if (strings->items == NULL)
			abort();
		strings->items[strings->count++] = optarg;
		strings->items[strings->count] = NULL;
		break;
	}
	default:
		abort();
	}
	return CLI_PARSE_OK;
}

static enum cli_parse_result check_operand_count(const struct cli_syntax *syntax, int count, char **operands)
{
	if (count < syntax->min_operands) {
		cli_usage_error(syntax, "%s: missing operand, expected %s", syntax->command,
				syntax->operands);
		return CLI_PARSE_USAGE;
	}
	if (syntax->max_operands >= 0 && count > syntax->max_operands) {
		if (syntax->max_operands == 0)
			cli_usage_error(syntax, "%s: unexpected operand \"%s\", expected none",
					syntax->command, operands[0]);
		else
			cli_usage_error(syntax, "%s: unexpected operand \"%s\", expected %s", syntax->command,
					operands[syntax->max_operands], syntax->operands);
		return CLI_PARSE_USAGE;
	}
	return CLI_PARSE_OK;
}

enum cli_parse_result cli_parse(const struct cli_syntax *syntax, int argc, char **argv, int *ret_first)
{
	size_t n_options = count_options(syntax);
	struct option longopts[MAX_OPTIONS + 2];
	char shortopts[3 * MAX_OPTIONS + 8];
	bool help = false;
	int c;

	if (n_options > MAX_OPTIONS)
		abort();
	build_getopt_tables(syntax, n_options, longopts, shortopts);

	/* optind = 0 makes glibc reinitialise its state for a new argv. */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (c == '?' || c == ':') {
			report_getopt_error(syntax, n_options, c, argv);
			return CLI_PARSE_USAGE;
		}

		int index = find_option_index(syntax, n_options, c);
		if (index < 0)
			abort();
		if ((size_t)index == n_options) {
			help = true;
			continue;
		}
		const struct cli_option *option = &syntax->options[index];
		enum cli_parse_result result = option->type == CLI_OPTION_TRISTATE
						       ? store_tristate(syntax, option, argc, argv)
						       : store_option(syntax, option);
		if (result != CLI_PARSE_OK)
			return CLI_PARSE_USAGE;
	}

	if (help) {
		cli_print_help(syntax);
		return CLI_PARSE_HELP;
	}
	if (syntax->command != NULL &&
	    check_operand_count(syntax, argc - optind, argv + optind) != CLI_PARSE_OK)
		return CLI_PARSE_USAGE;

	*ret_first = optind;
	return CLI_PARSE_OK;
}

int cli_parse_exit_status(enum cli_parse_result result)
{
	return result == CLI_PARSE_HELP ? CLI_EXIT_OK : CLI_EXIT_USAGE;
}

void cli_create_flags_to_options(const struct cli_create_flags *flags, struct libct_create_options *options)
{
	*options = (struct libct_create_options){
		.bundle = flags->bundle != NULL ? flags->bundle : ".",
		.pid_file = flags->pid_file,
		.console_socket = flags->console_socket,
		.preserve_fds = flags->preserve_fds,
		.no_pivot = flags->no_pivot,
		.no_new_keyring = flags->no_new_keyring,
	};
}
