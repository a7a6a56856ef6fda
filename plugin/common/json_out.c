// SPDX-License-Identifier: GPL-2.0
/*
 * JSON strings (json_out.h).
 */
#include "json_out.h"

void json_out_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void json_out_field(FILE *f, const char *key, const char *s)
{
	fprintf(f, "\"%s\":", key);
	json_out_string(f, s);
}
