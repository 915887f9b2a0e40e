/* SPDX-License-Identifier: Apache-2.0 */
#include "ctrun.h"

int cmd_spec(const struct cli_globals *globals, int argc, char **argv)
{
	cli_error("spec: not written yet");
	return CLI_EXIT_FAILURE;
}
