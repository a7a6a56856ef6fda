// SPDX-License-Identifier: GPL-2.0
/*
 * The system call numbers injected into a 32-bit task: i386's, never
 * x86-64's (157, prctl on x86-64, is sched_getscheduler on i386).
 */
#include <sys/syscall.h>

#include "unit.h"
#include "inject_nr.h"

static void compat_numbers(void **state)
{
	(void)state;
#ifdef __x86_64__
	assert_int_equal(inject_nr_compat(__NR_prctl), 172);
	assert_int_equal(inject_nr_compat(__NR_madvise), 219);
	assert_int_equal(inject_nr_compat(__NR_process_madvise), -1);
	assert_int_equal(inject_nr_compat(__NR_mmap), -1);
#else
	assert_int_equal(inject_nr_compat(__NR_prctl), -1);
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(compat_numbers),
	};

	return cmocka_run_group_tests_name("inject_nr", tests, NULL, NULL);
}
