#ifndef CMKTSYSTEM_SHIM_H
#define CMKTSYSTEM_SHIM_H

#include <fcntl.h>
#include <sys/prctl.h>

// prctl is variadic and pipe2 is hidden behind _GNU_SOURCE in Swift's view
// of glibc: small fixed-argument wrappers Swift can call.

int pipe2(int pipefd[2], int flags);

static inline int mkt_set_dumpable(int dumpable) { return prctl(PR_SET_DUMPABLE, dumpable, 0, 0, 0); }

static inline int mkt_get_dumpable(void) { return prctl(PR_GET_DUMPABLE, 0, 0, 0, 0); }

static inline int mkt_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

#endif
