#ifndef CMKTSYSTEM_SHIM_H
#define CMKTSYSTEM_SHIM_H

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <spawn.h>

// prctl is variadic and pipe2 is hidden behind _GNU_SOURCE in Swift's view
// of glibc: small fixed-argument wrappers Swift can call.

int pipe2(int pipefd[2], int flags);

// glibc 2.34, declared under __USE_MISC, which Swift's view of <spawn.h> lacks.
int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *actions, int from);

static inline int mkt_set_dumpable(int dumpable) { return prctl(PR_SET_DUMPABLE, dumpable, 0, 0, 0); }

static inline int mkt_get_dumpable(void) { return prctl(PR_GET_DUMPABLE, 0, 0, 0, 0); }

static inline int mkt_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

// The uid of the process at the other end of a Unix socket (SO_PEERCRED);
// struct ucred is hidden behind _GNU_SOURCE, so its layout is spelt out here
// (pid_t, uid_t, gid_t, as <bits/socket.h> has it). Returns 0 or -1 (errno).
struct mkt_peer_credentials { int pid; unsigned int uid; unsigned int gid; };

static inline int mkt_peer_uid(int fd, unsigned int *uid) {
    struct mkt_peer_credentials peer;
    socklen_t length = sizeof(peer);
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &length) != 0) return -1;
    *uid = peer.uid;
    return 0;
}

// glibc's POSIX_SPAWN_SETSID (<spawn.h>, glibc 2.26), also behind _GNU_SOURCE:
// a spawned daemon in a session of its own, without the terminal.
#define MKT_POSIX_SPAWN_SETSID 0x80

#endif
