// The subset of libzmq's C API that the native engine calls: our own declarations, with the
// constants copied from zmq.h (libzmq 4.3). No system zmq.h is needed to build, and no libzmq
// is linked: every function is resolved at run time (sluice.cc, resolveApi) from the libzmq
// that zeromq.js already loaded into the process, so there is one libzmq in the process.
#pragma once
#include <stddef.h>
#include <stdint.h>

#define ZMQ_HAUSNUMERO 156384712
#define ZMQ_EFSM (ZMQ_HAUSNUMERO + 51)
#define ZMQ_ENOCOMPATPROTO (ZMQ_HAUSNUMERO + 52)
#define ZMQ_ETERM (ZMQ_HAUSNUMERO + 53)
#define ZMQ_EMTHREAD (ZMQ_HAUSNUMERO + 54)

// context options (zmq_ctx_set, zmq_ctx_get)
#define ZMQ_MAX_SOCKETS 2
#define ZMQ_SOCKET_LIMIT 3
#define ZMQ_THREAD_SCHED_POLICY 4

#define ZMQ_RCVMORE 13
#define ZMQ_FD 14
#define ZMQ_EVENTS 15
#define ZMQ_LINGER 17
#define ZMQ_LAST_ENDPOINT 32
#define ZMQ_THREAD_SAFE 81

// socket types whose messages carry an envelope beside the body (draft API)
#define ZMQ_SERVER 12
#define ZMQ_RADIO 14
#define ZMQ_DISH 15

#define ZMQ_DONTWAIT 1
#define ZMQ_SNDMORE 2
#define ZMQ_POLLIN 1
#define ZMQ_POLLOUT 2

#define ZMQ_PAIR 0
// the kinds whose sends libzmq's load balancer makes (sluice.cc, sendCut)
#define ZMQ_REQ 3
#define ZMQ_DEALER 5
#define ZMQ_PUSH 8
#define ZMQ_EVENT_ALL 0xFFFF

// zmq_msg_t is 64 opaque bytes, 8-aligned (zmq.h).
typedef struct {
  alignas(8) unsigned char _[64];
} zmq_msg_t;

// zmq_poller_event_t (zmq.h, draft API), zmq_fd_t being an int on Unix.
typedef struct {
  void* socket;
  int fd;
  void* user_data;
  short events;
} zmq_poller_event_t;

// One pointer per function we call, filled by resolveApi. The typedef names follow zmq.h.
struct ZmqApi {
  void (*version)(int*, int*, int*);
  int (*errno_)(void);
  const char* (*strerror)(int);
  void* (*ctx_new)(void);
  int (*ctx_term)(void*);
  int (*ctx_shutdown)(void*);
  int (*ctx_set)(void*, int, int);
  int (*ctx_get)(void*, int);
  void* (*socket)(void*, int);
  int (*close)(void*);
  int (*setsockopt)(void*, int, const void*, size_t);
  int (*getsockopt)(void*, int, void*, size_t*);
  int (*bind)(void*, const char*);
  int (*connect)(void*, const char*);
  int (*send)(void*, const void*, size_t, int);
  int (*msg_init)(zmq_msg_t*);
  int (*msg_close)(zmq_msg_t*);
  int (*msg_recv)(zmq_msg_t*, void*, int);
  void* (*msg_data)(zmq_msg_t*);
  size_t (*msg_size)(const zmq_msg_t*);
  int (*msg_more)(const zmq_msg_t*);
  // control (resolved by fillControl)
  int (*unbind)(void*, const char*);
  int (*disconnect)(void*, const char*);
  int (*msg_init_size)(zmq_msg_t*, size_t);
  int (*msg_send)(zmq_msg_t*, void*, int);
  int (*msg_move)(zmq_msg_t*, zmq_msg_t*);
  int (*msg_copy)(zmq_msg_t*, zmq_msg_t*);
  int (*msg_init_data)(zmq_msg_t*, void*, size_t, void (*)(void*, void*), void*);
  // The draft API (fillDraft): all of these, or none (`draft` false), so a libzmq built
  // without it still loads and only the draft kinds are refused.
  bool draft;
  int (*join)(void*, const char*);
  int (*leave)(void*, const char*);
  int (*msg_set_routing_id)(zmq_msg_t*, uint32_t);
  uint32_t (*msg_routing_id)(zmq_msg_t*);
  int (*msg_set_group)(zmq_msg_t*, const char*);
  const char* (*msg_group)(zmq_msg_t*);
  void* (*poller_new)(void);
  int (*poller_destroy)(void**);
  int (*poller_add)(void*, void*, void*, short);
  int (*poller_fd)(void*, int*);
  int (*poller_wait)(void*, zmq_poller_event_t*, long);
  // Monitoring (sluice.cc, socketMonitor). The versioned call is in libzmq's draft API: it
  // may be missing (nullptr), and the version-1 call is the fallback.
  int (*socket_monitor)(void*, const char*, int);
  int (*socket_monitor_versioned)(void*, const char*, uint64_t, int, int);
};
