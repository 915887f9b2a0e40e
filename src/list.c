/* SPDX-License-Identifier: Apache-2.0 */
#include "ctrun.h"

int cmd_list(const struct cli_globals *globals, int argc, char **argv)
{
	cli_error("list: not written yet");
	return CLI_EXIT_FAILURE;
}
