// SPDX-License-Identifier: GPL-2.0
/*
 * thp_prctl_probe: exit 0 when the kernel has PR_THP_DISABLE_EXCEPT_ADVISED
 * (Linux 6.18: THP disabled but where a VMA says hg), 1 when it has not.
 * It sets the state on itself, and exits.
 */
#include <sys/prctl.h>

#define EXCEPT_ADVISED	(1ul << 1)	/* PR_THP_DISABLE_EXCEPT_ADVISED */

int main(void)
{
	return prctl(PR_SET_THP_DISABLE, 1, EXCEPT_ADVISED, 0, 0) ? 1 : 0;
}
