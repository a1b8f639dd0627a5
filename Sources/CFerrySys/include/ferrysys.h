#ifndef FERRY_SYS_H
#define FERRY_SYS_H
#include <stddef.h>
#include <sys/types.h>
/* Extended attributes: a partial download's origin record (PartialOrigin). */
#include <sys/xattr.h>

/* splice(2) moves bytes between a socket, a pipe and a file without copying them through user space.
   Returns the count moved, 0 at end of input, -1 with errno set. */
ssize_t ferry_splice(int fd_in, int fd_out, size_t len, int more);
/* Sets a pipe's capacity (F_SETPIPE_SZ); returns the new size or -1. */
int ferry_pipe_set_size(int fd, int size);
/* sigaction for SIGINT without SA_RESTART, so blocking calls return EINTR; the handler only sets a flag. */
int ferry_install_interrupt_handler(void (*handler)(int));
/* Starts writing a file's dirty pages to disk without waiting (sync_file_range SYNC_FILE_RANGE_WRITE), so that a
   later fsync has little left to wait for. */
int ferry_start_writeback(int fd);
#endif
#ifndef FERRY_SYS_H_MORE
#define FERRY_SYS_H_MORE
/* accept4 and pipe2 with close-on-exec (GNU extensions). */
int ferry_accept_cloexec(int fd);
int ferry_pipe_cloexec(int fds[2]);
#endif
