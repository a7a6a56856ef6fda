/* SPDX-License-Identifier: GPL-2.0 */
#ifndef THP_SHOW_H
#define THP_SHOW_H

#include <stdio.h>

#include "thp.pb-c.h"

/*
 * Print every thp image of the dump directory dirfd: text, or one JSON
 * object when json is set.  0, or a negative errno after an error that
 * names the bad file.
 */
int thp_show(int dirfd, FILE *out, int json);

#endif /* THP_SHOW_H */
