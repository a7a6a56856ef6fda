// SPDX-License-Identifier: GPL-2.0
/*
 * The monitor's JSON report (format in thp_monitor.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "json_out.h"
#include "monitor_int.h"
#include "thp_log.h"

#define LOST_MAX	64	/* ranges listed per task; the count is exact */

static const char *const guard_name[] = {
	[GUARD_OFF] = "off",
	[GUARD_ON] = "on",
	[GUARD_UNARMED] = "unarmed",
	[GUARD_NORMAL] = "normal end",
	[GUARD_DIED] = "daemon died",
	[GUARD_LEFT] = "left by a signal",
};

static uint64_t want_huge(const struct mtask *t)
{
	const ThpTaskEntry *e = t->v.x.e;
	uint64_t n = 0;
	size_t i;

	for (i = 0; e && i < e->n_vmas; i++)
		n += thp_diff_vma_huge_chunks(e->vmas[i]);
	return n;
}

static void time_field(FILE *f, const char *name, double t)
{
	if (t >= 0)
		fprintf(f, "\"%s\":%.3f,", name, t);
	else
		fprintf(f, "\"%s\":null,", name);
}

static void report_lost(FILE *f, const struct mtask *t)
{
	size_t i;

	fprintf(f, "\"lost_pages\":%" PRIu64 ",\"lost\":[",
		page_ranges_pages(&t->lost));
	for (i = 0; i < t->lost.n && i < LOST_MAX; i++)
		fprintf(f, "%s{\"start\":\"%#" PRIx64 "\",\"end\":\"%#" PRIx64 "\"}",
			i ? "," : "", t->lost.v[i].start, t->lost.v[i].end);
	fprintf(f, "],");
}

static void report_failed(FILE *f, const struct mtask *t)
{
	size_t i;

	fprintf(f, "\"failed\":[");
	for (i = 0; i < t->col.nfail; i++) {
		fprintf(f, "%s{\"addr\":\"%#" PRIx64 "\",", i ? "," : "",
			t->col.fail[i].addr);
		json_out_field(f, "error", strerror(t->col.fail[i].err));
		fputc('}', f);
	}
	fprintf(f, "]");
}

static const char *json_bool(int v)
{
	return v ? "true" : "false";
}

static void report_task(FILE *f, const struct mtask *t, int last)
{
	fprintf(f, "{\"pid\":%d,\"id\":%u,\"source\":\"%s\",", t->v.pid,
		t->v.id, t->loaded ? thp_expect_source_name(&t->v.x) : "none");
	fprintf(f, "\"gone\":%s,\"execed\":%s,", json_bool(t->gone),
		json_bool(t->execed));
	fprintf(f, "\"recorded\":%" PRIu64 ",\"collapsed\":%lu,", want_huge(t),
		t->col.done);
	fprintf(f, "\"pending\":%lu,\"collapse_ms\":%.1f,", t->pending,
		t->col.busy_ns / 1e6);
	fprintf(f, "\"exact\":%s,\"differences\":%zu,",
		json_bool(t->loaded && !t->gone && !t->v.d.n), t->v.d.n);
	fprintf(f, "\"lazy\":%s,\"owed_pages\":%" PRIu64 ",",
		json_bool(t->lazy), page_ranges_pages(&t->owed));
	time_field(f, "last_page_s", t->t_last_page);
	time_field(f, "full_coverage_s", t->t_exact);
	fprintf(f, "\"collapsed_during_postcopy\":%lu,\"not_yet\":%lu,",
		t->during, t->not_yet);
	fprintf(f, "\"advice_restored\":%lu,\"stopped\":%s,\"killed\":%s,",
		t->advice_set, json_bool(t->stopped && t->stop_sig != SIGKILL),
		json_bool(t->stopped && t->stop_sig == SIGKILL));
	json_out_field(f, "kill_why", t->kill_why ? t->kill_why : "");
	fputc(',', f);
	report_lost(f, t);
	report_failed(f, t);
	fprintf(f, "}%s\n", last ? "" : ",");
}

static void report_head(FILE *f, const struct monitor *m)
{
	const struct monitor_guard *g = &m->g;
	struct rusage ru;
	double busy = 0;
	size_t i;

	getrusage(RUSAGE_SELF, &ru);
	for (i = 0; i < m->n; i++)
		busy += m->t[i].col.busy_ns / 1e6;
	fprintf(f, "{\"elapsed_s\":%.3f,\"cpu_s\":%.3f,\"maxrss_kb\":%ld,",
		thp_monitor_elapsed(m),
		ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
		ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6, ru.ru_maxrss);
	fprintf(f, "\"collapse_ms\":%.1f,\"cgroups_left\":%d,", busy,
		m->cgroups_left);
	if (m->signal)
		fprintf(f, "\"signal\":\"SIG%s\",", sigabbrev_np(m->signal));
	else
		fprintf(f, "\"signal\":null,");
	fprintf(f, "\"guard\":{\"state\":\"%s\",\"daemon\":%d,",
		guard_name[g->state], g->u.daemon);
	fprintf(f, "\"userfaultfds\":%zu,", g->u.n);
	json_out_field(f, "why", g->why);
	fputc(',', f);
	time_field(f, "end_s", g->state >= GUARD_NORMAL ? g->t_end : -1);
	fprintf(f, "\"stop_ms\":%.1f},\"tasks\":[\n", g->stop_ms);
}

/* name.tmp made anew in dirfd (a planted symlink removed, not followed). */
static FILE *report_tmp(int dirfd, const char *tmp)
{
	FILE *f;
	int fd;

	if (unlinkat(dirfd, tmp, 0) && errno != ENOENT)
		return NULL;
	/* the report names the tasks and their memory: root's alone */
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
	if (fd < 0)
		return NULL;
	f = fdopen(fd, "w");
	if (!f)
		close(fd);
	return f;
}

int monitor_report_write(const struct monitor *m, int dirfd,
			 const char *name)
{
	char tmp[PATH_MAX + 8];
	size_t i;
	FILE *f;
	int err;

	snprintf(tmp, sizeof(tmp), "%s.tmp", name);
	f = report_tmp(dirfd, tmp);
	if (!f) {
		err = errno;
		pr_perror("%s", tmp);
		return -err;
	}
	report_head(f, m);
	for (i = 0; i < m->n; i++)
		report_task(f, &m->t[i], i + 1 == m->n);
	fprintf(f, "]}\n");
	if (fflush(f) || fsync(fileno(f)))
		goto err;
	if (fclose(f)) {
		f = NULL;
		goto err;
	}
	f = NULL;
	if (renameat(dirfd, tmp, dirfd, name))
		goto err;
	return 0;
err:
	err = errno;
	pr_perror("%s", name);
	if (f)
		fclose(f);
	unlinkat(dirfd, tmp, 0);
	return -(err ? err : EIO);
}
