/* SPDX-License-Identifier: GPL-2.0 */
/*
 * System call numbers the C library's headers may not have yet (Debian
 * 12's glibc lacks some): the generic table's, shared by x86-64 and
 * arm64.  kcmp differs: x86-64's 312, arm64's 272.
 */
#ifndef THP_SYS_NR_H
#define THP_SYS_NR_H

#include <sys/syscall.h>

#ifndef __NR_pidfd_send_signal
#define __NR_pidfd_send_signal	424
#endif
#ifndef __NR_pidfd_open
#define __NR_pidfd_open		434
#endif
#ifndef __NR_close_range
#define __NR_close_range	436
#endif
#ifndef __NR_pidfd_getfd
#define __NR_pidfd_getfd	438
#endif
#ifndef __NR_process_madvise
#define __NR_process_madvise	440
#endif
#ifndef __NR_kcmp
#if defined(__x86_64__)
#define __NR_kcmp		312
#elif defined(__aarch64__)
#define __NR_kcmp		272
#endif
#endif

#endif /* THP_SYS_NR_H */
