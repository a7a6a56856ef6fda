/* SPDX-License-Identifier: GPL-2.0 */
/* Common includes for the cmocka unit tests. */
#ifndef UNIT_H
#define UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

/* A read-only FILE over a string, for the /proc parsers. */
static inline FILE *str_file(const char *s)
{
	return fmemopen((void *)s, strlen(s), "r");
}

#endif /* UNIT_H */
