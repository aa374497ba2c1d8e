/* libzmq in C, the reference row of the PUSH→PULL probe (bench/src/probe.ts `pushpull`):
 *   thr <endpoint> <messages> <size>
 * binds a PULL, connects a PUSH from a second thread (its own core, as the peer process is for
 * the Node rows), sends 1..n each carrying its index, and prints the PULL's rate in messages per
 * second, first to last message. Built by the probe with `cc … -lzmq` when a compiler and
 * libzmq's headers (libzmq3-dev) are there; skipped otherwise. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

static void *ctx;
static char endpoint[256];
static long n;
static size_t size;

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static void *push(void *arg) {
  (void)arg;
  void *s = zmq_socket(ctx, ZMQ_PUSH);
  zmq_connect(s, endpoint);
  char *buf = calloc(1, size < 4 ? 4 : size);
  for (uint32_t i = 1; i <= n; i++) {
    memcpy(buf, &i, 4);
    zmq_send(s, buf, size, 0);
  }
  free(buf);
  zmq_close(s);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 4) return fprintf(stderr, "usage: thr <endpoint> <messages> <size>\n"), 2;
  n = atol(argv[2]);
  size = (size_t)atol(argv[3]);
  ctx = zmq_ctx_new();
  void *pull = zmq_socket(ctx, ZMQ_PULL);
  if (zmq_bind(pull, argv[1]) != 0) return perror("bind"), 1;
  size_t len = sizeof endpoint;
  zmq_getsockopt(pull, ZMQ_LAST_ENDPOINT, endpoint, &len);
  pthread_t t;
  pthread_create(&t, NULL, push, NULL);
  zmq_msg_t m;
  zmq_msg_init(&m);
  double t0 = 0, t1 = 0, sum = 0;
  for (long i = 0; i < n; i++) {
    zmq_msg_recv(&m, pull, 0);
    t1 = now();
    if (i == 0) t0 = t1;
    uint32_t k;
    memcpy(&k, zmq_msg_data(&m), 4);
    sum += k;
  }
  zmq_msg_close(&m);
  pthread_join(t, NULL);
  zmq_close(pull);
  zmq_ctx_term(ctx);
  if (sum != (double)n * (n + 1) / 2) return fprintf(stderr, "lost messages\n"), 1;
  printf("%.0f\n", (n - 1) / (t1 - t0));
  return 0;
}
