// SPDX-License-Identifier: GPL-2.0
/*
 * thp_rseq: the main thread spends its life inside an rseq critical
 * section while an nh region holds huge pages, which the plugin restores
 * only by injecting syscalls into it, and the runner restores it stopped
 * (.desc flag "stopped").  After restore the task must be stopped (its
 * stop signal survives the injections), and once continued it must go on
 * from where CRIU put it (the abort handler, when it was dumped inside
 * the section), make progress, and find the region's data and huge
 * pages as they were.
 */
#include <sys/rseq.h>
#include <sys/syscall.h>

#include "thp_regions.h"

const char *test_doc = "a task inside an rseq critical section, restored stopped, through the "
		       "plugin's injections";
const char *test_author = "criu-thp";

static struct thp_region region = {
	.name = "nh-huge", .chunks = 4, .setup = SETUP_NH_HUGE, .adv = ADV_NH,
	.seed = 0x72736571,
};

/*
 * thp_rseq_spin(&rseq->rseq_cs, &cs): arm the critical section and count
 * down 2^24 in it; the kernel may abort it (preemption, migration, a
 * signal), and the abort handler returns 1 where the commit returns 0.
 * The four bytes before the handler are the signature, in an undefined
 * instruction (RSEQ_SIG, bits/rseq.h).  Bounded, so that the task goes
 * on even where no abort comes.
 */
int thp_rseq_spin(volatile uint64_t *rseq_cs, const struct rseq_cs *cs);
extern const char thp_rseq_start[], thp_rseq_end[], thp_rseq_abort[];

__asm__(".text\n"
	".globl thp_rseq_spin\n"
	".type thp_rseq_spin, @function\n"
	"thp_rseq_spin:\n"
	"	movl $0x1000000, %ecx\n"
	"	movq %rsi, (%rdi)\n"
	".globl thp_rseq_start\n"
	"thp_rseq_start:\n"
	"	decl %ecx\n"
	"	jnz thp_rseq_start\n"
	".globl thp_rseq_end\n"
	"thp_rseq_end:\n"
	"	xorl %eax, %eax\n"
	"	ret\n"
	"	.byte 0x0f, 0xb9, 0x3d\n"
	"	.long 0x53053053\n"
	".globl thp_rseq_abort\n"
	"thp_rseq_abort:\n"
	"	movl $1, %eax\n"
	"	ret\n"
	".size thp_rseq_spin, .-thp_rseq_spin\n");

static struct rseq_cs cs;

/* Our own struct rseq when glibc has not registered one. */
static struct rseq own_rseq __attribute__((aligned(32)));

static struct rseq *thread_rseq(void)
{
	if (__rseq_size > 0)
		return (struct rseq *)((char *)__builtin_thread_pointer() +
				       __rseq_offset);
	if (syscall(__NR_rseq, &own_rseq, sizeof(own_rseq), 0, RSEQ_SIG)) {
		pr_perror("rseq");
		return NULL;
	}
	return &own_rseq;
}

int main(int argc, char **argv)
{
	enum thp_expect_mode m;
	unsigned long spins = 0, aborts = 0;
	struct rseq *rs;
	int ret;

	test_init(argc, argv);
	m = thp_expect_mode();
	rs = thread_rseq();
	if (!rs || region_setup(&region))
		return 1;
	if (region.src_kb != region_len(&region) >> 10) {
		pr_err("nh-huge must be all huge before the dump\n");
		return 1;
	}
	cs.start_ip = (uintptr_t)thp_rseq_start;
	cs.post_commit_offset = thp_rseq_end - thp_rseq_start;
	cs.abort_ip = (uintptr_t)thp_rseq_abort;
	test_daemon();
	while (test_go()) {
		aborts += thp_rseq_spin((volatile uint64_t *)&rs->rseq_cs, &cs);
		spins++;
	}
	test_msg("%lu critical sections, %lu aborted\n", spins, aborts);
	ret = region_check(&region, m, "after C/R");
	if (!ret)
		pass();
	return ret ? 1 : 0;
}
