/* SPDX-License-Identifier: GPL-2.0 */
/*
 * JSON strings, escaped: the one writer of text a reader parses, for the
 * show command and the monitor's report.  Numbers and structure are
 * printed by the callers.
 */
#ifndef THP_JSON_OUT_H
#define THP_JSON_OUT_H

#include <stdio.h>

/* s as a JSON string, quoted, with '"', '\\' and control bytes escaped. */
void json_out_string(FILE *f, const char *s);
/* "key":"s" (key is the caller's own literal, printed as it is). */
void json_out_field(FILE *f, const char *key, const char *s);

#endif /* THP_JSON_OUT_H */
