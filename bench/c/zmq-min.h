/* The part of libzmq's C API that thr.c and rtt.c call, declared here with the constants and
 * layouts of zmq.h (libzmq 4.3), for a machine without libzmq's headers (libzmq3-dev): the
 * bench then links them against the libzmq inside zeromq.js's addon
 * (bench/src/zmq/libzmq-c.ts), the one the native engine calls. */
#ifndef SLUICE_ZMQ_MIN_H
#define SLUICE_ZMQ_MIN_H
#include <stddef.h>

#define ZMQ_REQ 3
#define ZMQ_REP 4
#define ZMQ_PULL 7
#define ZMQ_PUSH 8
#define ZMQ_LINGER 17
#define ZMQ_LAST_ENDPOINT 32
#define ZMQ_POLLIN 1

/* 64 opaque bytes, 8-aligned, as zmq.h declares it */
typedef struct zmq_msg_t {
  _Alignas(8) unsigned char _[64];
} zmq_msg_t;

typedef struct zmq_pollitem_t {
  void *socket;
  int fd;
  short events;
  short revents;
} zmq_pollitem_t;

void *zmq_ctx_new(void);
int zmq_ctx_term(void *context);
void *zmq_socket(void *context, int type);
int zmq_close(void *s);
int zmq_setsockopt(void *s, int option, const void *value, size_t len);
int zmq_getsockopt(void *s, int option, void *value, size_t *len);
int zmq_bind(void *s, const char *addr);
int zmq_connect(void *s, const char *addr);
int zmq_send(void *s, const void *buf, size_t len, int flags);
int zmq_recv(void *s, void *buf, size_t len, int flags);
int zmq_msg_init(zmq_msg_t *msg);
int zmq_msg_recv(zmq_msg_t *msg, void *s, int flags);
int zmq_msg_close(zmq_msg_t *msg);
void *zmq_msg_data(zmq_msg_t *msg);
int zmq_poll(zmq_pollitem_t *items, int nitems, long timeout);
#endif
