// SPDX-License-Identifier: GPL-2.0
/*
 * pid 1 of the test guest.  Runs /init.sh in a session of its own (CRIU
 * wants tasks with a real session), reaps every orphan meanwhile (tasks
 * that criu restores detached end up here, and a zombie would keep its pid
 * from being restored again), then reboots: with QEMU's -no-reboot that
 * ends the guest.  Built static.
 */
#include <stdio.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	pid_t child, pid;
	int status;

	child = fork();
	if (child < 0) {
		perror("init: fork");
		goto out;
	}
	if (!child) {
		setsid();
		execl("/bin/sh", "sh", "/init.sh", (char *)NULL);
		perror("init: exec /init.sh");
		_exit(127);
	}
	for (;;) {
		pid = waitpid(-1, &status, 0);
		if (pid == child || pid < 0)
			break;
	}
out:
	sync();
	reboot(RB_AUTOBOOT);
	return 0;
}
