// SPDX-License-Identifier: GPL-2.0
/*
 * The criu-thp monitor loop (see thp_monitor.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "proc_pagemap.h"
#include "proc_status.h"
#include "thp_collapse.h"
#include "thp_image.h"
#include "thp_log.h"
#include "thp_monitor.h"
#include "thp_verify.h"

#define POLL_MIN_MS	10
#define POLL_MAX_MS	1000

struct mtask {
	struct thp_verify v;
	int loaded, done, gone;
	struct thp_collapse col;
	unsigned long pending;
	double t_exact;			/* seconds from start, or -1 */
};

struct monitor {
	const struct monitor_opts *o;
	struct thp_verify_ctx ctx;
	struct mtask *t;
	size_t n, cap;
	int input;			/* still reading pids */
	char buf[64];
	size_t len;
	struct timespec t0;
};

static double elapsed(const struct monitor *m)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec - m->t0.tv_sec + (t.tv_nsec - m->t0.tv_nsec) / 1e9;
}

static int add_task(struct monitor *m, pid_t pid)
{
	struct mtask *t;

	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 8;

		t = realloc(m->t, cap * sizeof(*t));
		if (!t)
			return -ENOMEM;
		m->t = t;
		m->cap = cap;
	}
	t = &m->t[m->n++];
	memset(t, 0, sizeof(*t));
	t->v.pid = pid;
	t->col.pidfd = -1;
	t->t_exact = -1;
	pr_info("task %d: watching\n", pid);
	return 0;
}

static void parse_input(struct monitor *m)
{
	char *nl, *end;
	long pid;

	while ((nl = memchr(m->buf, '\n', m->len))) {
		*nl = '\0';
		pid = strtol(m->buf, &end, 10);
		if (end == m->buf || *end || pid <= 0)
			pr_warn("input: '%s' is not a pid\n", m->buf);
		else
			add_task(m, pid);
		m->len -= nl + 1 - m->buf;
		memmove(m->buf, nl + 1, m->len);
	}
	if (m->len == sizeof(m->buf))
		m->len = 0;	/* a line longer than any pid: drop it */
}

/* criu detaches from all tasks after the last hook: none can follow. */
static int criu_detached(const struct monitor *m)
{
	struct proc_status st;
	size_t i;

	if (m->o->criu_pid <= 0)
		return 0;
	for (i = 0; i < m->n; i++)
		if (proc_status_read(m->t[i].v.pid, &st) ||
		    st.tracer != m->o->criu_pid)
			return 1;
	return 0;
}

/* Wait up to ms for pids; returns at once when input is closed. */
static void read_input(struct monitor *m, int ms)
{
	struct pollfd p = { .fd = 0, .events = POLLIN };
	int drain = 0;
	ssize_t r;

	if (!m->input) {
		if (ms)
			poll(NULL, 0, ms);
		return;
	}
	for (;;) {
		if (poll(&p, 1, drain ? 0 : ms) <= 0) {
			if (drain || !criu_detached(m))
				return;
			drain = 1;
			m->input = 0;
			continue;
		}
		r = read(0, m->buf + m->len, sizeof(m->buf) - m->len);
		if (r <= 0) {
			m->input = 0;
			return;
		}
		m->len += r;
		parse_input(m);
		ms = 0;
	}
}

static int is_gone(int err)
{
	return err == -ESRCH || err == -ENOENT;
}

static int failed_before(const struct mtask *t, uint64_t addr)
{
	size_t i;

	for (i = 0; i < t->col.nfail; i++)
		if (t->col.fail[i].addr == addr)
			return 1;
	return 0;
}

/* Collapse what is in; counts what is not. */
static int collapse_ready(struct mtask *t)
{
	const struct thp_diffs *d = &t->v.d;
	struct addr_set ready = { };
	int fd, ret = 0;
	size_t i;

	t->pending = 0;
	fd = pagemap_open(t->v.pid);
	if (fd < 0)
		return fd;
	for (i = 0; i < d->n && !ret; i++) {
		const struct thp_diff *x = &d->v[i];

		if (x->kind != THP_DIFF_MISSING || failed_before(t, x->start) ||
		    x->vma->advice == THP_ADVICE__NOHUGE ||
		    t->v.x.e->thp_disabled)
			continue;
		ret = pagemap_range_present(fd, x->start, THP_CHUNK_SIZE);
		if (ret == 1)
			ret = addr_set_add(&ready, x->start);
		else if (!ret)
			t->pending++;
	}
	close(fd);
	if (!ret && ready.n)
		ret = thp_collapse_chunks(&t->col, ready.v, ready.n);
	addr_set_free(&ready);
	return ret;
}

static int load_task(struct monitor *m, struct mtask *t)
{
	int ret = thp_verify_load(&m->ctx, t->v.pid, &t->v);

	if (!ret)
		ret = thp_collapse_open(&t->col, t->v.pid);
	t->loaded = !ret;
	return ret;
}

/* One pass over a task; returns the number of chunks collapsed. */
static unsigned long step_task(struct monitor *m, struct mtask *t)
{
	unsigned long before = t->col.done;
	int ret;

	ret = t->loaded ? 0 : load_task(m, t);
	if (!ret)
		ret = thp_verify_compare(&m->ctx, &t->v);
	if (!ret && !t->v.d.n && t->t_exact < 0)
		t->t_exact = elapsed(m);
	if (!ret)
		ret = collapse_ready(t);
	if (ret) {
		t->done = 1;
		t->gone = is_gone(ret);
		pr_info("task %d: %s\n", t->v.pid, t->gone ? "gone" :
			"cannot be watched");
	} else if (t->col.done == before && !t->pending) {
		t->done = 1;
	}
	return t->col.done - before;
}

static int all_done(const struct monitor *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (!m->t[i].done)
			return 0;
	return !m->input;
}

static void watch(struct monitor *m)
{
	int wait = POLL_MIN_MS;
	unsigned long got;
	size_t i;

	/* criu still runs the other tasks' hooks: wait until it is done */
	while (m->input && elapsed(m) < m->o->timeout)
		read_input(m, POLL_MIN_MS);
	while (!all_done(m) && elapsed(m) < m->o->timeout) {
		got = 0;
		for (i = 0; i < m->n; i++)
			if (!m->t[i].done)
				got += step_task(m, &m->t[i]);
		wait = got ? POLL_MIN_MS : wait * 2 > POLL_MAX_MS ?
			POLL_MAX_MS : wait * 2;
		if (!all_done(m))
			read_input(m, wait);
	}
	if (!all_done(m))
		pr_warn("timeout after %.0f s: some tasks still not exact\n",
			m->o->timeout);
}

static uint64_t want_huge(const struct mtask *t)
{
	const ThpTaskEntry *e = t->v.x.e;
	uint64_t n = 0;
	size_t i;

	for (i = 0; e && i < e->n_vmas; i++)
		n += thp_vma_huge_chunks(e->vmas[i]);
	return n;
}

static void report_task(FILE *f, const struct mtask *t, int last)
{
	size_t i;

	fprintf(f, "{\"pid\":%d,\"id\":%u,\"source\":\"%s\",\"gone\":%s,"
		"\"recorded\":%" PRIu64 ",\"collapsed\":%lu,\"pending\":%lu,"
		"\"collapse_ms\":%.1f,\"exact\":%s,\"differences\":%zu,",
		t->v.pid, t->v.id, t->loaded ?
		thp_expect_source_name(&t->v.x) : "none",
		t->gone ? "true" : "false", want_huge(t), t->col.done,
		t->pending, t->col.busy_ns / 1e6,
		t->loaded && !t->gone && !t->v.d.n ? "true" : "false",
		t->v.d.n);
	if (t->t_exact >= 0)
		fprintf(f, "\"exact_after_s\":%.3f,", t->t_exact);
	fprintf(f, "\"failed\":[");
	for (i = 0; i < t->col.nfail; i++)
		fprintf(f, "%s{\"addr\":\"%#" PRIx64 "\",\"error\":\"%s\"}",
			i ? "," : "", t->col.fail[i].addr,
			strerror(t->col.fail[i].err));
	fprintf(f, "]}%s\n", last ? "" : ",");
}

static int write_report(const struct monitor *m, const char *path)
{
	char tmp[PATH_MAX + 8];
	size_t i;
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "we");
	if (!f) {
		pr_err("%s: %s\n", tmp, strerror(errno));
		return -errno;
	}
	fprintf(f, "{\"elapsed_s\":%.3f,\"tasks\":[\n", elapsed(m));
	for (i = 0; i < m->n; i++)
		report_task(f, &m->t[i], i + 1 == m->n);
	fprintf(f, "]}\n");
	if (fclose(f) || rename(tmp, path)) {
		pr_err("%s: %s\n", path, strerror(errno));
		unlink(tmp);
		return -EIO;
	}
	return 0;
}

/* Compare every task a last time, print it; 1 if any is not exact. */
static int finish(struct monitor *m)
{
	int bad = 0;
	size_t i;

	for (i = 0; i < m->n; i++) {
		struct mtask *t = &m->t[i];

		if (!t->loaded || t->gone) {
			bad |= !t->gone;
			continue;
		}
		if (thp_verify_compare(&m->ctx, &t->v)) {
			t->gone = 1;
			continue;
		}
		thp_verify_print(stdout, &t->v);
		bad |= t->v.d.n != 0;
	}
	fflush(stdout);
	return bad;
}

int thp_monitor_run(const struct monitor_opts *o)
{
	struct monitor m = { .o = o, .input = o->pids_on_stdin };
	char report[PATH_MAX];
	int dirfd, bad, ret = 2;
	size_t i;

	clock_gettime(CLOCK_MONOTONIC, &m.t0);
	dirfd = open(o->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		pr_err("%s: %s\n", o->dir, strerror(errno));
		return 2;
	}
	if (thp_verify_ctx_open(&m.ctx, dirfd))
		goto out_dir;
	for (i = 0; i < o->npids; i++)
		if (add_task(&m, o->pids[i]))
			goto out;
	watch(&m);
	bad = finish(&m);
	snprintf(report, sizeof(report), "%s/%s", o->dir, THP_MONITOR_REPORT);
	ret = write_report(&m, o->report ? o->report : report) ? 2 : bad;
	pr_info("monitor done in %.3f s: %zu tasks, %s\n", elapsed(&m), m.n,
		bad ? "not all exact" : "all exact");
out:
	for (i = 0; i < m.n; i++) {
		thp_verify_free(&m.t[i].v);
		thp_collapse_close(&m.t[i].col);
	}
	free(m.t);
	thp_verify_ctx_close(&m.ctx);
out_dir:
	close(dirfd);
	return ret;
}
