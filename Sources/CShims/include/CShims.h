#ifndef CSHIMS_H
#define CSHIMS_H
#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>

/// Glibc's Swift overlay does not import everything the I/O layer needs; these thin wrappers
/// cover epoll (whose event struct is packed), accept4 flags, and the CMSG_* macros.

/// One epoll event, unpacked: the packed `struct epoll_event` does not import cleanly.
typedef struct {
    uint32_t events;
    uint64_t data;
} cshims_epoll_event;

int cshims_epoll_create(void);
int cshims_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data);
/// Waits for events and copies them out unpacked; returns the count or -1 with errno set.
int cshims_epoll_wait(int epfd, cshims_epoll_event *events, int maxevents, int timeout_ms);

/// accept4 with SOCK_NONBLOCK | SOCK_CLOEXEC.
int cshims_accept_nonblocking(int fd, struct sockaddr *addr, socklen_t *len);

/// Sends one byte and a file descriptor over a Unix socket (SCM_RIGHTS).
ssize_t cshims_send_fd(int socket, int fd_to_send);
/// Receives one byte and a file descriptor sent by cshims_send_fd; *fd_out is -1 when none came.
ssize_t cshims_recv_fd(int socket, int *fd_out);

/// The longest Unix socket path, in bytes: `sun_path` less its terminating NUL.
static const int CSHIMS_UNIX_PATH_MAX = (int)sizeof(((struct sockaddr_un *)0)->sun_path) - 1;

/// Fills `address` for the Unix socket at `path` (family and NUL-terminated `sun_path`): the one
/// place the project builds a `sockaddr_un`, whose fixed-size array Swift imports as a tuple.
/// Returns 0, or -1 when `path` is empty or longer than CSHIMS_UNIX_PATH_MAX bytes.
int cshims_unix_address(const char *path, struct sockaddr_un *address);

/// Connects a new close-on-exec Unix stream socket (plus `extra_flags`, e.g. SOCK_NONBLOCK) to
/// `path`. Returns the descriptor, or -errno (-ENAMETOOLONG for an empty or too long path).
int cshims_unix_connect(const char *path, int extra_flags);

/// Binds a new close-on-exec Unix stream socket to `path`, sets the file's mode to 0600 before
/// listen(2) (so nobody else can connect, ever), and listens with `backlog`. Returns the
/// descriptor, or -errno (-ENAMETOOLONG for an empty or too long path). Stale files are the
/// caller's business: bind fails with EADDRINUSE on any existing file.
int cshims_unix_listen(const char *path, int backlog);

/// Returns the value of errno as seen by C (stable across threads).
int cshims_errno(void);

/// Starts `path` with `argv` and `envp` as a supervised child and returns its pid, or -1 with
/// errno set. Between fork and exec the child resets every signal to its default action and
/// unblocks them all (ignored signals would otherwise survive exec), moves into a process group
/// of its own (so a terminal's Ctrl-C reaches only the supervisor, which drains in order), reads
/// stdin from /dev/null, writes stdout to `stdout_fd` and stderr to `stderr_fd`, and asks the
/// kernel for `death_signal` when the forking thread's process dies (prctl PR_SET_PDEATHSIG), so
/// no child outlives a supervisor killed with SIGKILL. Only async-signal-safe calls run in the
/// child, so forking from a multi-threaded process is sound.
int cshims_spawn_supervised(
    const char *path, char *const argv[], char *const envp[], int stdout_fd, int stderr_fd, int death_signal);

/// pipe2(fds, O_CLOEXEC): a pipe whose ends no other child inherits (Glibc's overlay lacks pipe2).
int cshims_pipe_cloexec(int fds[2]);

/// Event bits as plain constants (the enum in epoll.h imports awkwardly).
static const uint32_t CSHIMS_EPOLLIN = EPOLLIN;
static const uint32_t CSHIMS_EPOLLOUT = EPOLLOUT;
static const uint32_t CSHIMS_EPOLLERR = EPOLLERR;
static const uint32_t CSHIMS_EPOLLHUP = EPOLLHUP;
static const uint32_t CSHIMS_EPOLLRDHUP = EPOLLRDHUP;
static const uint32_t CSHIMS_EPOLLET = EPOLLET;
static const uint32_t CSHIMS_EPOLLONESHOT = EPOLLONESHOT;
#endif
