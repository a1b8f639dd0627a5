#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include "ferrysys.h"

ssize_t ferry_splice(int fd_in, int fd_out, size_t len, int more) {
    unsigned int flags = SPLICE_F_MOVE;
    if (more) flags |= SPLICE_F_MORE;
    return splice(fd_in, NULL, fd_out, NULL, len, flags);
}

int ferry_pipe_set_size(int fd, int size) {
    return fcntl(fd, F_SETPIPE_SZ, size);
}

int ferry_install_interrupt_handler(void (*handler)(int)) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART */
    if (sigaction(SIGINT, &sa, NULL) != 0) return -1;
    /* A parent may have left SIGINT blocked (threads of test runners do): unblock it, or Ctrl-C never arrives. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    return sigprocmask(SIG_UNBLOCK, &set, NULL);
}

#include <sys/socket.h>
#include <unistd.h>

int ferry_accept_cloexec(int fd) {
    return accept4(fd, NULL, NULL, SOCK_CLOEXEC);
}

int ferry_pipe_cloexec(int fds[2]) {
    return pipe2(fds, O_CLOEXEC);
}

int ferry_start_writeback(int fd) {
    return sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
}
