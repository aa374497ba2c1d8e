/* libzmq in C, the reference row of PUSH→PULL (bench/src/zmq/libzmq-c.ts runs it for the bench
 * and for the probe):
 *   thr <endpoint> <messages> <size>
 * binds a PULL and sends 1..n, each carrying its index, from a PUSH. Over ipc and tcp the PUSH
 * is a second process with its own context, as libzmq's perf/local_thr and remote_thr are and
 * as the Node rows' peer process is (decision K6: one process sharing one I/O thread measured
 * 1.4-1.6x slower than two); over inproc, which cannot leave a context, it is a second thread.
 * Prints one JSON line for the PULL side: the seconds from the first to the last message
 * (scaled to n, as the Node rows' Clock), the sum of the indices, and the PULL process's peak
 * RSS. Built with `cc … -lzmq` when libzmq's headers (libzmq3-dev) are there, else against the
 * libzmq inside zeromq.js's addon (zmq-min.h); skipped with no compiler.
 *   thr <endpoint> <messages> <size> pull
 * is the PULL alone, for a sender elsewhere (probe.js senders, threads): it prints "listening
 * on <the endpoint it bound>" first, then the same JSON line.
 *   thr <endpoint> <messages> <size> push
 * is the PUSH alone, for a receiver elsewhere (probe.js threads): it connects, prints "ready",
 * and sends 1..n once a line arrives on stdin, then prints "sent".
 * Alone, either stays open after its last line until stdin ends, so that the probe can read
 * its threads' CPU times (/proc) while it is still there; stdin at /dev/null ends at once. */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#if defined(__has_include) && __has_include(<zmq.h>)
#include <zmq.h>
#else
#include "zmq-min.h" /* no libzmq headers here: linked against zeromq.js's libzmq */
#endif
#ifdef __linux__
#include <sys/prctl.h>
#endif

static char endpoint[256];
static long n;
static size_t size;
static int counted; /* inproc: set by the PULL once it has all n; only then may the PUSH close */
static int done[2];  /* ipc, tcp: the PULL writes a byte here once it has all n */
static int ready[2]; /* ipc, tcp: the PULL writes its bound endpoint here, then the PUSH starts */

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

/* until stdin ends (alone: the probe reads /proc meanwhile) */
static void waitStdinEnd(void) {
  char c;
  while (read(0, &c, 1) > 0) {
  }
}

/* own: 1, a second process forked by this one; 2, the PUSH alone; 0, a thread */
static void push(void *ctx, int own) {
  void *s = zmq_socket(ctx, ZMQ_PUSH);
  zmq_connect(s, endpoint);
  char *buf = calloc(1, size < 4 ? 4 : size);
  if (own == 2) {
    printf("ready\n");
    fflush(stdout);
    char c;
    if (read(0, &c, 1) != 1) exit(1); /* the probe went away before it said go */
  }
  for (uint32_t i = 1; i <= n; i++) {
    memcpy(buf, &i, 4);
    zmq_send(s, buf, size, 0);
  }
  free(buf);
  /* closing right after the last send lost messages over ipc, linger or not (as in the Node
   * rows, decision B8): the PUSH stays open until the PULL has counted them all */
  if (own == 2) {
    printf("sent\n");
    fflush(stdout);
    waitStdinEnd(); /* the probe ends it once its PULL has them all */
  } else if (own) {
    char c;
    while (read(done[0], &c, 1) < 0) {
    }
  } else {
    while (!__atomic_load_n(&counted, __ATOMIC_ACQUIRE)) nanosleep(&(struct timespec){0, 1000000}, NULL);
  }
  int zero = 0; /* everything was counted (or the PULL is gone): nothing is left to deliver */
  zmq_setsockopt(s, ZMQ_LINGER, &zero, sizeof zero);
  zmq_close(s);
}

/* the PULL side's JSON line: first-to-last seconds scaled to n, the checksum, peak RSS */
static void report(double t0, double t1, double sum) {
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  double seconds = n > 1 ? (t1 - t0) * n / (n - 1) : t1 - t0;
  printf("{\"seconds\":%.9f,\"sum\":%.0f,\"peakRssMB\":%.1f}\n", seconds, sum, u.ru_maxrss / 1024.0);
  fflush(stdout);
}

static void *push_thread(void *ctx) {
  push(ctx, 0);
  return NULL;
}

int main(int argc, char **argv) {
  int alone = argc == 5 && strcmp(argv[4], "pull") == 0;
  int pushAlone = argc == 5 && strcmp(argv[4], "push") == 0;
  if (argc != 4 && !alone && !pushAlone)
    return fprintf(stderr, "usage: thr <endpoint> <messages> <size> [pull|push]\n"), 2;
  n = atol(argv[2]);
  size = (size_t)atol(argv[3]);
  if (n < 1 || size < 4) return fprintf(stderr, "thr: n >= 1 and size >= 4\n"), 2;
  int inproc = strncmp(argv[1], "inproc://", 9) == 0;
  if ((alone || pushAlone) && inproc) return fprintf(stderr, "thr: alone needs ipc or tcp\n"), 2;
  if (pushAlone) {
    snprintf(endpoint, sizeof endpoint, "%s", argv[1]);
    void *own = zmq_ctx_new();
    push(own, 2);
    zmq_ctx_term(own);
    return 0;
  }
  pid_t child = -1;
  if (!inproc && !alone) {
    /* forked before this process touches libzmq, so the child starts with no libzmq state and
     * makes a context of its own; it learns the endpoint (a wildcard port resolved) by pipe */
    if (pipe(done) != 0 || pipe(ready) != 0) return perror("pipe"), 1;
    fflush(stdout);
    child = fork();
    if (child < 0) return perror("fork"), 1;
    if (child == 0) {
#ifdef __linux__
      /* never outlive the PULL (a bench that timed out kills only it): a PUSH with no peer
       * would wait in zmq_send for ever */
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() == 1) _exit(1);
#endif
      close(ready[1]); /* so that the parent's exit ends the read below */
      close(done[1]);
      ssize_t got = 0, r;
      while ((r = read(ready[0], endpoint + got, sizeof endpoint - 1 - got)) > 0) got += r;
      if (got == 0) _exit(1); /* the PULL failed before it bound */
      void *own = zmq_ctx_new();
      push(own, 1);
      zmq_ctx_term(own);
      _exit(0);
    }
    close(ready[0]);
    close(done[0]);
  }
  void *ctx = zmq_ctx_new();
  void *pull = zmq_socket(ctx, ZMQ_PULL);
  if (zmq_bind(pull, argv[1]) != 0) return perror("bind"), 1;
  size_t len = sizeof endpoint;
  zmq_getsockopt(pull, ZMQ_LAST_ENDPOINT, endpoint, &len);
  pthread_t t;
  if (alone) {
    printf("listening on %s\n", endpoint);
    fflush(stdout);
  } else if (inproc) {
    pthread_create(&t, NULL, push_thread, ctx);
  } else {
    size_t length = strlen(endpoint);
    if (write(ready[1], endpoint, length) != (ssize_t)length) return perror("write"), 1;
    close(ready[1]); /* end of the endpoint */
  }
  zmq_msg_t m;
  zmq_msg_init(&m);
  double t0 = 0, t1 = 0, sum = 0;
  for (long i = 0; i < n; i++) {
    if (zmq_msg_recv(&m, pull, 0) < 0) return perror("recv"), 1;
    if (i == 0) t0 = now(); /* the clock twice a run, as the Node rows read it (B16) */
    if (i == n - 1) t1 = now();
    uint32_t k;
    memcpy(&k, zmq_msg_data(&m), 4);
    sum += k;
  }
  zmq_msg_close(&m);
  if (alone) {
    /* the sender waits for nothing: it lingers on its own. The line goes out now, while this
     * process is still there for the probe to read (waitStdinEnd) */
    report(t0, t1, sum);
    waitStdinEnd();
    zmq_close(pull);
    zmq_ctx_term(ctx);
    return 0;
  }
  if (inproc) {
    __atomic_store_n(&counted, 1, __ATOMIC_RELEASE);
    pthread_join(t, NULL);
  } else {
    if (write(done[1], "x", 1) != 1) return perror("write"), 1;
    int status;
    if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
      return fprintf(stderr, "thr: the PUSH process failed\n"), 1;
  }
  zmq_close(pull);
  zmq_ctx_term(ctx);
  report(t0, t1, sum);
  return 0;
}
