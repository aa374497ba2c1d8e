/* libzmq in C, the reference of a REQ/REP round trip (bench/src/zmq/rtt.ts runs it for
 * probe.js rtt):
 *   rtt rep <endpoint>
 * binds a REP, prints "listening on <the endpoint it bound>", and answers each request with
 * itself until stdin ends;
 *   rtt req <endpoint> <round trips>
 * connects a REQ and makes a tenth more round trips than asked (the first tenth warms up), each
 * a 16-byte request carrying its index, checks each reply, and prints one JSON line: the
 * median and p99 round trip in µs and the round trips timed. Built as thr.c is (against the
 * system's libzmq, else zeromq.js's). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#if defined(__has_include) && __has_include(<zmq.h>)
#include <zmq.h>
#else
#include "zmq-min.h" /* no libzmq headers here: linked against zeromq.js's libzmq */
#endif

static double now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static int rep(const char *endpoint) {
  void *ctx = zmq_ctx_new();
  void *s = zmq_socket(ctx, ZMQ_REP);
  if (zmq_bind(s, endpoint) != 0) return perror("bind"), 1;
  char bound[256];
  size_t len = sizeof bound;
  zmq_getsockopt(s, ZMQ_LAST_ENDPOINT, bound, &len);
  printf("listening on %s\n", bound);
  fflush(stdout);
  /* stdin is polled beside the socket: its end (the probe is done, or gone) ends this */
  zmq_pollitem_t items[2] = {{s, 0, ZMQ_POLLIN, 0}, {NULL, 0, ZMQ_POLLIN, 0}};
  char buf[64];
  for (;;) {
    if (zmq_poll(items, 2, -1) < 0) continue; /* EINTR */
    if (items[1].revents & ZMQ_POLLIN) {
      char c;
      if (read(0, &c, 1) <= 0) break;
    }
    if (items[0].revents & ZMQ_POLLIN) {
      int n = zmq_recv(s, buf, sizeof buf, 0);
      if (n >= 0) zmq_send(s, buf, n > (int)sizeof buf ? sizeof buf : (size_t)n, 0);
    }
  }
  int zero = 0;
  zmq_setsockopt(s, ZMQ_LINGER, &zero, sizeof zero);
  zmq_close(s);
  zmq_ctx_term(ctx);
  return 0;
}

static int req(const char *endpoint, long n) {
  void *ctx = zmq_ctx_new();
  void *s = zmq_socket(ctx, ZMQ_REQ);
  if (zmq_connect(s, endpoint) != 0) return perror("connect"), 1;
  long warm = (n + 9) / 10;
  double *t = malloc(n * sizeof(double));
  char out[16] = {0}, in[64];
  for (long i = 1; i <= warm + n; i++) {
    uint32_t k = (uint32_t)i;
    memcpy(out, &k, 4);
    double t0 = now_us();
    if (zmq_send(s, out, sizeof out, 0) < 0) return perror("send"), 1;
    int got = zmq_recv(s, in, sizeof in, 0);
    double us = now_us() - t0;
    if (got != (int)sizeof out || memcmp(in, out, sizeof out) != 0)
      return fprintf(stderr, "rtt: a reply that is not the request\n"), 1;
    if (i > warm) t[i - warm - 1] = us;
  }
  qsort(t, n, sizeof(double), by_value);
  printf("{\"p50\":%.1f,\"p99\":%.1f,\"n\":%ld}\n", t[n / 2], t[(long)(n * 0.99)], n);
  free(t);
  int zero = 0;
  zmq_setsockopt(s, ZMQ_LINGER, &zero, sizeof zero);
  zmq_close(s);
  zmq_ctx_term(ctx);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "rep") == 0) return rep(argv[2]);
  if (argc == 4 && strcmp(argv[1], "req") == 0 && atol(argv[3]) > 0) return req(argv[2], atol(argv[3]));
  fprintf(stderr, "usage: rtt rep <endpoint> | rtt req <endpoint> <round trips>\n");
  return 2;
}
