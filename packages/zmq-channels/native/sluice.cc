// sluice's native engine: libzmq sockets driven in batches from Node-API (engines/native.ts is
// the JS half; docs/decisions.md P25–P27 say why it is built and loaded this way).
//
// Invariants:
// - libzmq is not linked: resolveApi() finds the zmq_* functions in a library that is already
//   loaded (zeromq.js's addon.node exports libzmq's C API), so the process has one libzmq.
// - All state is per Node environment (napi_set_instance_data): each worker thread has its
//   own context and socket list; nothing here is a global but the read-only function table.
// - On Linux a context's libzmq threads run SCHED_BATCH wherever the kernel lets a thread take
//   it (newContext), unless SLUICE_IO_SCHED=default.
// - A socket's JS object is held strongly (napi_ref count 1) from creation until close(): a
//   socket whose uv_poll is live can never be collected under it.
// - One uv_poll per socket, on ZMQ_FD, shared by both directions; it runs only while some
//   direction waits (`interest`), so an idle socket does not keep the loop alive.
// - ZMQ_FD is edge-triggered: it signals that libzmq has commands to process, not that a
//   message is there, and any operation may consume that signal. So after every wake-up and
//   after every operation, settle() re-reads ZMQ_EVENTS and reports each waiting direction
//   that became ready (the `fired` slot of meta, which gathers them until JS takes them), and
//   the poll callback loops until ZMQ_EVENTS shows nothing more that anyone waits for.
// - No call blocks: every send and receive uses ZMQ_DONTWAIT; a receive takes at most the
//   messages and bytes it was asked for (the JS side budgets the turn).
// - Frames of LEND_AT bytes or more are never copied: a received one becomes an external Buffer
//   that closes its message when collected; a sent one is lent to libzmq, its Buffer referenced
//   until libzmq frees the message, and the reference is deleted on the JS thread only (Lender).
#ifndef _GNU_SOURCE
#define _GNU_SOURCE  // dladdr
#endif
#include <dlfcn.h>
#include <errno.h>
#ifdef __linux__
#include <link.h>
#include <pthread.h>
#include <sched.h>
#endif
#include <arpa/inet.h>
#include <netinet/in.h>
#include <node_api.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <string.h>
#include <uv.h>

#include <atomic>
#include <string>
#include <iterator>
#include <map>
#include <vector>

#include "zmq-api.h"

// -- the libzmq functions --------------------------------------------------------------------

// Read-only after the first successful resolve, and the same for every environment (the
// library stays loaded as long as the process does), so sharing it across threads is safe.
static ZmqApi zmq;
// Set (under resolveLock) once `zmq` is filled; atomic because draft() reads it without the
// lock, on whichever thread asks.
static std::atomic<bool> zmqResolved{false};
static uv_mutex_t resolveLock;
static uv_once_t resolveLockOnce = UV_ONCE_INIT;
static void initResolveLock() { uv_mutex_init(&resolveLock); }

template <typename F>
static bool sym(void* lib, const char* name, F* out) {
  *out = reinterpret_cast<F>(dlsym(lib, name));
  return *out != nullptr;
}

// The calls of the control path (unbind, disconnect) and of messages built whole (an envelope
// is set on a zmq_msg_t): in every libzmq 4.x.
static bool fillControl(void* lib, ZmqApi* a) {
  return sym(lib, "zmq_unbind", &a->unbind) && sym(lib, "zmq_disconnect", &a->disconnect) &&
         sym(lib, "zmq_msg_init_size", &a->msg_init_size) && sym(lib, "zmq_msg_send", &a->msg_send) &&
         sym(lib, "zmq_msg_move", &a->msg_move) && sym(lib, "zmq_msg_init_data", &a->msg_init_data) &&
         sym(lib, "zmq_msg_copy", &a->msg_copy);
}

// The draft API is optional: libzmq exports it only when built with it (zeromq.js 6.8.0's
// is). Without all of it `draft` stays false and the draft kinds are refused (native.ts).
static void fillDraft(void* lib, ZmqApi* a) {
  a->draft = sym(lib, "zmq_join", &a->join) && sym(lib, "zmq_leave", &a->leave) &&
             sym(lib, "zmq_msg_set_routing_id", &a->msg_set_routing_id) &&
             sym(lib, "zmq_msg_routing_id", &a->msg_routing_id) &&
             sym(lib, "zmq_msg_set_group", &a->msg_set_group) && sym(lib, "zmq_msg_group", &a->msg_group) &&
             sym(lib, "zmq_poller_new", &a->poller_new) && sym(lib, "zmq_poller_destroy", &a->poller_destroy) &&
             sym(lib, "zmq_poller_add", &a->poller_add) && sym(lib, "zmq_poller_fd", &a->poller_fd) &&
             sym(lib, "zmq_poller_wait", &a->poller_wait);
}

// libzmq fails with EINTR any call that first processes the socket's pending commands (a read
// of ZMQ_EVENTS, a send, a receive, bind, connect…) when a signal lands on the thread meanwhile:
// V8's profiler sends SIGPROF every millisecond under --cpu-prof. Nothing was done, so the call
// is retried here, once for every caller. Unretried, an EINTR on ZMQ_EVENTS was read as "nothing
// ready", an edge of ZMQ_FD was lost and a receive waited for ever (a DEALER⇄ROUTER duplex run
// under --cpu-prof hung 2 times in 6), and one on a receive or send failed the operation.
static ZmqApi raw;  // the functions as resolved; `zmq` holds the retrying ones below
#define RETRIED(name, params, args)                                 \
  static int name##Retried params {                                 \
    int rc;                                                          \
    while ((rc = raw.name args) < 0 && raw.errno_() == EINTR) {      \
    }                                                                \
    return rc;                                                       \
  }
RETRIED(getsockopt, (void* s, int o, void* v, size_t* n), (s, o, v, n))
RETRIED(bind, (void* s, const char* e), (s, e))
RETRIED(connect, (void* s, const char* e), (s, e))
RETRIED(unbind, (void* s, const char* e), (s, e))
RETRIED(disconnect, (void* s, const char* e), (s, e))
RETRIED(send, (void* s, const void* d, size_t n, int f), (s, d, n, f))
RETRIED(msg_recv, (zmq_msg_t* m, void* s, int f), (m, s, f))
RETRIED(msg_send, (zmq_msg_t* m, void* s, int f), (m, s, f))
RETRIED(join, (void* s, const char* g), (s, g))
RETRIED(leave, (void* s, const char* g), (s, g))
RETRIED(poller_wait, (void* p, zmq_poller_event_t* e, long t), (p, e, t))
#undef RETRIED

static void retrying(ZmqApi* a) {
  raw = *a;
  a->getsockopt = getsockoptRetried;
  a->bind = bindRetried;
  a->connect = connectRetried;
  a->unbind = unbindRetried;
  a->disconnect = disconnectRetried;
  a->send = sendRetried;
  a->msg_recv = msg_recvRetried;
  a->msg_send = msg_sendRetried;
  if (a->draft) {
    a->join = joinRetried;
    a->leave = leaveRetried;
    a->poller_wait = poller_waitRetried;
  }
}

static bool fill(void* lib) {
  ZmqApi a;
  bool ok = sym(lib, "zmq_version", &a.version) && sym(lib, "zmq_errno", &a.errno_) &&
            sym(lib, "zmq_strerror", &a.strerror) && sym(lib, "zmq_ctx_new", &a.ctx_new) &&
            sym(lib, "zmq_ctx_term", &a.ctx_term) && sym(lib, "zmq_ctx_shutdown", &a.ctx_shutdown) &&
            sym(lib, "zmq_ctx_set", &a.ctx_set) && sym(lib, "zmq_ctx_get", &a.ctx_get) &&
            sym(lib, "zmq_socket", &a.socket) && sym(lib, "zmq_close", &a.close) &&
            sym(lib, "zmq_setsockopt", &a.setsockopt) && sym(lib, "zmq_getsockopt", &a.getsockopt) &&
            sym(lib, "zmq_bind", &a.bind) && sym(lib, "zmq_connect", &a.connect) &&
            sym(lib, "zmq_send", &a.send) && sym(lib, "zmq_msg_init", &a.msg_init) &&
            sym(lib, "zmq_msg_close", &a.msg_close) && sym(lib, "zmq_msg_recv", &a.msg_recv) &&
            sym(lib, "zmq_msg_data", &a.msg_data) && sym(lib, "zmq_msg_size", &a.msg_size) &&
            sym(lib, "zmq_msg_more", &a.msg_more) && sym(lib, "zmq_socket_monitor", &a.socket_monitor);
  if (ok && !sym(lib, "zmq_socket_monitor_versioned", &a.socket_monitor_versioned)) {
    a.socket_monitor_versioned = nullptr;  // a libzmq built without the draft API
  }
  if (ok) ok = fillControl(lib, &a);
  if (ok) fillDraft(lib, &a);
  if (ok) retrying(&a);
  if (ok) zmq = a;
  return ok;
}

#ifdef __linux__
// Lists the objects loaded in the process. Only names are taken here: dl_iterate_phdr holds
// glibc's loader lock while it walks, and a dlopen from its callback takes the other loader
// lock in the opposite order to a dlopen running on another thread (a worker loading an
// addon, a DNS lookup loading NSS modules): that deadlocks.
static int listLoaded(struct dl_phdr_info* info, size_t, void* names) {
  if (info->dlpi_name != nullptr && info->dlpi_name[0] != '\0') {
    static_cast<std::vector<std::string>*>(names)->push_back(info->dlpi_name);
  }
  return 0;
}

// The loaded object that defines zmq_ctx_new (zeromq.js's addon). RTLD_NOLOAD never loads
// anything: it only hands back a handle to what is there.
static void* findLoaded() {
  std::vector<std::string> names;
  dl_iterate_phdr(listLoaded, &names);
  for (const std::string& name : names) {
    void* lib = dlopen(name.c_str(), RTLD_LAZY | RTLD_NOLOAD);
    if (lib == nullptr) continue;
    if (dlsym(lib, "zmq_ctx_new") != nullptr) return lib;
    dlclose(lib);
  }
  return nullptr;
}
#endif

// `hint`: the path of zeromq.js's addon as Node loaded it (require.cache); used when the walk
// finds nothing. Opening the same path again returns the same, already loaded, library.
static bool resolveApi(const char* hint) {
  uv_once(&resolveLockOnce, initResolveLock);
  uv_mutex_lock(&resolveLock);
  if (!zmqResolved) {
    void* lib = nullptr;
#ifdef __linux__
    lib = findLoaded();
#endif
    if (lib == nullptr && hint != nullptr && hint[0] != '\0') lib = dlopen(hint, RTLD_LAZY | RTLD_NOLOAD);
    if (lib == nullptr && hint != nullptr && hint[0] != '\0') lib = dlopen(hint, RTLD_LAZY);
    // The handle is never closed: the function pointers must stay valid for the process.
    zmqResolved = lib != nullptr && fill(lib);
  }
  uv_mutex_unlock(&resolveLock);
  return zmqResolved;
}

// -- per-environment state -------------------------------------------------------------------

struct Socket;

// Frames lent to libzmq (sent without a copy, decisions P56): each holds a reference to its JS
// Buffer until libzmq frees the message, on whichever thread that happens (an I/O thread, the
// reaper, or this one). Those threads only queue the reference here; the JS thread deletes it
// (onGiven). The Lender outlives its environment while frames are out: a lent frame can still
// be held, after teardown, by a received Buffer that JS had not collected (over inproc the
// receiver gets the very message), so the last one back frees it.
struct Lender {
  uv_mutex_t lock;
  uv_cond_t ended;             // signalled when a context's termination ends
  std::vector<napi_ref> given;  // given back, for the JS thread to delete
  uv_async_t* async = nullptr;  // wakes the JS thread for them (and for an ended termination)
  size_t out = 0;               // frames lent and not given back
  int terminating = 0;          // contexts being terminated on threads of their own (endContext)
  bool alive = true;            // false once the environment is torn down: refs are left
};

struct Instance {
  napi_env env;
  uv_loop_t* loop;
  napi_ref socketClass = nullptr;
  void* ctx = nullptr;  // created with the first socket, ended by release() or cleanup
  int pumps = 0;        // pumps that hold the context (acquire/release)
  std::vector<Socket*> open;  // sockets not yet closed: cleanup closes them
  Lender* lender = nullptr;
  // Big received frames that JS holds as Buffers over their messages' bytes (lend), by where
  // those bytes start: sending one (or a view into one) again holds the message (sendLent).
  std::map<const char*, zmq_msg_t*> received;
};

static Instance* instanceOf(napi_env env) {
  Instance* inst = nullptr;
  napi_get_instance_data(env, reinterpret_cast<void**>(&inst));
  return inst;
}

struct Socket {
  Instance* inst;
  napi_env env;
  void* zsock = nullptr;
  napi_ref self = nullptr;     // strong until close (see the invariants)
  napi_ref onReady = nullptr;  // JS callback(readyBits)
  napi_async_context async = nullptr;
  double* meta = nullptr;  // the Float64Array the JS side reads results from
  size_t metaLength = 0;
  napi_ref metaRef = nullptr;
  uv_poll_t poll;
  bool pollInit = false, polling = false, closed = false, jsGone = false, inCallback = false;
  int interest = 0;  // ZMQ_POLLIN / ZMQ_POLLOUT: directions waiting for readiness
  // A thread-safe (draft) socket has no ZMQ_FD: a zmq_poller holding it lends its fd instead.
  void* poller = nullptr;
  int envelope = 0;  // ENVELOPE_*: what travels beside each message's body (draft kinds)
  bool balances = false;  // push, dealer, req: libzmq's load balancer sends (sendCut)
  // A receive batch's messages, open until their bytes are copied out. Grown only between
  // batches (msgRoom, msgGrow): a zmq_msg_t must not be moved while open. Starts small, so a
  // quiet socket does not hold 64 KiB of them (a busy one grows to its meta's slots, and JS
  // keeps the meta a step ahead: setMeta).
  std::vector<zmq_msg_t> msgs;
  std::string scratch;
};

// The receive slots a batch may use now: the vector's size, at least MSG_SLOTS_MIN, never
// more than the meta has words for (`slots`). Called before any message of the batch is live.
enum { MSG_SLOTS_MIN = 32 };
static size_t msgRoom(Socket* s, size_t slots) {
  size_t want = s->msgs.size() < MSG_SLOTS_MIN ? MSG_SLOTS_MIN : s->msgs.size();
  if (want > slots) want = slots;
  if (s->msgs.size() < want) s->msgs.resize(want);
  return want;
}

// A batch stopped for want of slots: the next one may use twice as many. Called once every
// message of the batch is closed (nothing live is moved).
static void msgGrow(Socket* s, size_t slots) {
  size_t more = s->msgs.size() * 2;
  s->msgs.resize(more < slots ? more : slots);
}

// meta layout (shared with engines/native.ts)
enum { META_COUNT = 0, META_FIRED = 1, META_ERRNO = 2, META_FRAMES = 3 };

// A received frame's word in meta[FRAMES…] (engines/native-received.ts reads it):
// size * 4 + LENT + MORE. A frame of at least LEND_AT bytes is not copied into the batch's
// slab: its zmq_msg_t moves to the heap and JS gets it as an external Buffer of its own, which
// closes the message when collected (decisions P56). Copying a big frame into a fresh slab cost
// more than the move (page faults on every new megabyte), and a view would keep a whole slab
// alive for one frame.
enum { FRAME_MORE = 1, FRAME_LENT = 2 };
static const size_t LEND_AT = 8 * 1024;

static double frameWord(size_t size, bool lent, bool more) {
  return static_cast<double>(size) * 4 + (lent ? FRAME_LENT : 0) + (more ? FRAME_MORE : 0);
}

// The finalizer of a lent frame's Buffer (on the JS thread): the message goes back to libzmq.
static void releaseLent(napi_env env, void* data, void* hint) {
  zmq_msg_t* m = static_cast<zmq_msg_t*>(hint);
  // (over inproc a PUB's subscribers share one message: the entry is this frame's, or another's)
  auto& received = instanceOf(env)->received;
  auto entry = received.find(static_cast<const char*>(data));
  if (entry != received.end() && entry->second == m) received.erase(entry);
  int64_t ignored;
  napi_adjust_external_memory(env, -static_cast<int64_t>(zmq.msg_size(m)), &ignored);
  zmq.msg_close(m);
  delete m;
}

// A Buffer over the frame `m` holds, without a copy; `m` is left empty. A runtime that refuses
// external buffers (napi_no_external_buffers_allowed) gets a copy instead.
static napi_status lend(napi_env env, zmq_msg_t* m, napi_value* out) {
  zmq_msg_t* held = new zmq_msg_t;
  zmq.msg_init(held);
  zmq.msg_move(held, m);  // the content moves; a big frame's bytes are on the heap, not in m
  size_t size = zmq.msg_size(held);
  napi_status st = napi_create_external_buffer(env, size, zmq.msg_data(held), releaseLent, held, out);
  if (st == napi_ok) {
    int64_t ignored;  // what the collector should count this Buffer as holding
    napi_adjust_external_memory(env, static_cast<int64_t>(size), &ignored);
    instanceOf(env)->received[static_cast<const char*>(zmq.msg_data(held))] = held;
    return st;
  }
  st = napi_create_buffer_copy(env, size, zmq.msg_data(held), nullptr, out);
  zmq.msg_close(held);
  delete held;
  return st;
}

// A frame of at least LEND_AT bytes is sent without a copy as well: libzmq's copy of a big
// frame is a fresh allocation (page faults on every megabyte), and over inproc the receiver
// then gets the sender's own bytes, as on the zeromq.js engine. The Buffer must not change
// while it is out (docs/zmq.md "Buffers").
struct Lent {
  Lender* lender;
  napi_ref ref;
  bool holds;        // `hold` is a copy of the received message whose bytes these are
  zmq_msg_t hold{};  // (sendLent): they stay while libzmq has them, whatever JS frees
};

static void freeLender(Lender* l) {
  uv_cond_destroy(&l->ended);
  uv_mutex_destroy(&l->lock);
  delete l;
}

// Unlocks the Lender after a hold on it ended (a frame back, a termination over, the
// environment gone), and frees it if that was the last: no frame out, no context being
// terminated, no environment.
static void unlockLender(Lender* l) {
  bool last = !l->alive && l->out == 0 && l->terminating == 0;
  uv_mutex_unlock(&l->lock);
  if (last) freeLender(l);
}

// libzmq is done with a lent frame (any thread): its reference goes to the JS thread.
static void giveBack(void*, void* hint) {
  Lent* lent = static_cast<Lent*>(hint);
  Lender* l = lent->lender;
  uv_mutex_lock(&l->lock);
  if (--l->out == 0) uv_cond_signal(&l->ended);
  if (l->alive) {
    l->given.push_back(lent->ref);
    uv_async_send(l->async);  // under the lock: teardown closes the handle only after taking it
  }
  if (lent->holds) zmq.msg_close(&lent->hold);  // (libzmq counts a message's holders atomically)
  delete lent;
  unlockLender(l);
}

// On the JS thread: deletes the references of the frames given back.
static void onGiven(uv_async_t* async) {
  Instance* inst = static_cast<Instance*>(async->data);
  Lender* l = inst->lender;
  std::vector<napi_ref> given;
  uv_mutex_lock(&l->lock);
  given.swap(l->given);
  bool terminating = l->terminating > 0;
  uv_mutex_unlock(&l->lock);
  for (napi_ref ref : given) napi_delete_reference(inst->env, ref);
  // a termination that ended woke this too: the loop need not wait for it any more
  if (!terminating) uv_unref(reinterpret_cast<uv_handle_t*>(async));
}

// Sends `m` as zmq_msg_send does: the size (libzmq caps it at INT_MAX: a frame of 2 GiB or
// more is no failure), or -1 and errno, `m` then closed (it would block, or was refused).
static int sendMsg(Socket* s, zmq_msg_t* m, int flags) {
  int rc = zmq.msg_send(m, s->zsock, flags);
  if (rc < 0) {
    int err = zmq.errno_();
    zmq.msg_close(m);
    errno = err;
  }
  return rc;
}

// The received message (lend) whose bytes hold data..data+length, if any.
static zmq_msg_t* receivedHolding(Instance* inst, const char* data, size_t length) {
  auto after = inst->received.upper_bound(data);
  if (after == inst->received.begin()) return nullptr;
  zmq_msg_t* m = std::prev(after)->second;
  const char* start = static_cast<const char*>(zmq.msg_data(m));
  return data + length <= start + zmq.msg_size(m) ? m : nullptr;
}

// Sends `frame` (a typed array over data..data+length) lent: as zmq_send, -1 and errno on failure.
static int sendLent(napi_env env, Socket* s, napi_value frame, void* data, size_t length, int flags) {
  // A frame this addon lent to JS (a big frame received) goes out as a copy of its message,
  // which shares the bytes (libzmq counts the holders), and a view into one is lent holding
  // such a copy: either way the bytes stay while libzmq has them. Lent from JS alone they
  // would be freed under libzmq's feet when a worker ends: Node frees every external Buffer's
  // bytes (calling releaseLent) before any cleanup hook, cleanup() included, can stop libzmq
  // reading them (a worker that forwarded big received frames to a slow peer and exited had
  // the I/O thread send from freed memory).
  zmq_msg_t* within = receivedHolding(s->inst, static_cast<const char*>(data), length);
  if (within != nullptr && zmq.msg_data(within) == data && zmq.msg_size(within) == length) {
    zmq_msg_t m;
    zmq.msg_init(&m);
    zmq.msg_copy(&m, within);
    return sendMsg(s, &m, flags);
  }
  Lender* l = s->inst->lender;
  Lent* lent = new Lent{l, nullptr, false};
  if (napi_create_reference(env, frame, 1, &lent->ref) != napi_ok) {
    delete lent;
    return zmq.send(s->zsock, data, length, flags);
  }
  if (within != nullptr) {
    zmq.msg_init(&lent->hold);
    zmq.msg_copy(&lent->hold, within);
    lent->holds = true;
  }
  uv_mutex_lock(&l->lock);
  l->out++;
  uv_mutex_unlock(&l->lock);
  zmq_msg_t m;
  if (zmq.msg_init_data(&m, data, length, giveBack, lent) != 0) {
    int err = zmq.errno_();
    giveBack(data, lent);  // never lent: back at once
    errno = err;
    return -1;
  }
  return sendMsg(s, &m, flags);  // not taken: libzmq gives it back (giveBack) at its close
}

// A server's messages carry a routing id, a radio's and a dish's a group; JS sees it as the
// first of two frames ([4-byte big-endian id or group, body]), as on the zeromq.js engine.
enum { ENVELOPE_NONE = 0, ENVELOPE_ROUTING_ID = 1, ENVELOPE_GROUP = 2 };

#ifdef __linux__
// libzmq applies a context's thread policy in each thread it starts and aborts the process
// (posix_assert) if the kernel refuses, so a throwaway thread tries the policy first: it runs
// with the same credentials, limits and seccomp filter as libzmq's threads will.
static void* tryBatch(void* allowed) {
  sched_param param = {};
  *static_cast<bool*>(allowed) = pthread_setschedparam(pthread_self(), SCHED_BATCH, &param) == 0;
  return nullptr;
}

static bool batchAllowed() {
  bool allowed = false;
  pthread_t probe;
  if (pthread_create(&probe, nullptr, tryBatch, &allowed) != 0) return false;
  pthread_join(probe, nullptr);
  return allowed;
}
#endif

// The engine's one context (per Node environment). On Linux its I/O thread runs SCHED_BATCH
// (decisions P49): a wake-up of that thread (every send that finds it idle) then no longer
// preempts the JS thread that woke it, which otherwise loses the CPU in the middle of a batch
// on every such send. SLUICE_IO_SCHED=default keeps the OS's policy.
static void* newContext() {
  void* ctx = zmq.ctx_new();
  // libzmq's default of 1023 sockets per context is select()'s FD_SETSIZE; its poller here is
  // epoll (kqueue on macOS), and every pump of this environment shares this one context, so
  // the limit is the process's own: its open-file limit (Node raises it to the hard limit),
  // up to libzmq's ceiling. Set before the first socket, which sizes the context's slots
  // (about 12 bytes each) (decisions P64).
  struct rlimit files;
  int now = ctx != nullptr ? zmq.ctx_get(ctx, ZMQ_MAX_SOCKETS) : -1;
  int ceiling = ctx != nullptr ? zmq.ctx_get(ctx, ZMQ_SOCKET_LIMIT) : -1;
  if (now > 0 && ceiling > now && getrlimit(RLIMIT_NOFILE, &files) == 0) {
    rlim_t most = files.rlim_cur == RLIM_INFINITY ? static_cast<rlim_t>(ceiling) : files.rlim_cur;
    if (most > static_cast<rlim_t>(ceiling)) most = static_cast<rlim_t>(ceiling);
    if (most > static_cast<rlim_t>(now)) zmq.ctx_set(ctx, ZMQ_MAX_SOCKETS, static_cast<int>(most));
  }
#ifdef __linux__
  const char* choice = getenv("SLUICE_IO_SCHED");
  bool keep = choice != nullptr && strcmp(choice, "default") == 0;
  // Set before the first socket: that is when the context starts its threads.
  if (ctx != nullptr && !keep && batchAllowed()) {
    zmq.ctx_set(ctx, ZMQ_THREAD_SCHED_POLICY, SCHED_BATCH);
  }
#endif
  return ctx;
}

// -- errors ----------------------------------------------------------------------------------

static const char* codeName(int err) {
  switch (err) {
    case ZMQ_EFSM: return "EFSM";
    case ZMQ_ENOCOMPATPROTO: return "ENOCOMPATPROTO";
    case ZMQ_ETERM: return "ETERM";
    case ZMQ_EMTHREAD: return "EMTHREAD";
  }
  // libuv knows every errno's name; its codes are the negated errno on Unix.
  return uv_err_name(-err);
}

// An Error with zeromq's `code` and message (as zeromq.js's errors carry).
static napi_value zmqError(napi_env env, int err, const char* what) {
  std::string msg = what == nullptr ? zmq.strerror(err) : std::string(what) + ": " + zmq.strerror(err);
  napi_value code, text, error;
  napi_create_string_utf8(env, codeName(err), NAPI_AUTO_LENGTH, &code);
  napi_create_string_utf8(env, msg.c_str(), msg.size(), &text);
  napi_create_error(env, code, text, &error);
  napi_value errnoValue;
  napi_create_int32(env, err, &errnoValue);
  napi_set_named_property(env, error, "errno", errnoValue);
  return error;
}

static void throwZmq(napi_env env, int err, const char* what) { napi_throw(env, zmqError(env, err, what)); }

// error(errno) → the Error for a failure that send() reported in meta[ERRNO].
static napi_value errorOf(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) return nullptr;
  int32_t err = 0;
  napi_get_value_int32(env, argv[0], &err);
  return zmqError(env, err, nullptr);
}

#define CHECK(call)                       \
  do {                                    \
    if ((call) != napi_ok) return nullptr; \
  } while (0)

// -- readiness -------------------------------------------------------------------------------

static int zmqEvents(Socket* s) {
  int events = 0;
  size_t size = sizeof events;
  if (zmq.getsockopt(s->zsock, ZMQ_EVENTS, &events, &size) != 0) return 0;
  return events;
}

static void onPoll(uv_poll_t* handle, int status, int);
static void dropCallback(Socket* s);

static void stopPolling(Socket* s) {
  if (s->polling) {
    uv_poll_stop(&s->poll);
    s->polling = false;
  }
}

static void startPolling(Socket* s) {
  if (s->polling || s->closed) return;
  if (!s->pollInit) {
    int fd = -1;
    size_t size = sizeof fd;
    int rc = s->poller != nullptr ? zmq.poller_fd(s->poller, &fd) : zmq.getsockopt(s->zsock, ZMQ_FD, &fd, &size);
    if (rc != 0 || uv_poll_init(s->inst->loop, &s->poll, fd) != 0) return;
    s->poll.data = s;
    s->pollInit = true;
  }
  uv_poll_start(&s->poll, UV_READABLE, onPoll);
  s->polling = true;
}

// meta[FIRED] gathers what the calls found until JS takes it (afterOp() reads and zeroes it):
// JS may make several calls before it looks (subscribe with many topics), and a direction
// found ready is reported once only, since it stops waiting and the fd will not say it again.
static void report(Socket* s, int fired) {
  if (s->meta == nullptr) return;  // closed (dropCallback): nothing reads it any more
  s->meta[META_FIRED] = static_cast<double>(static_cast<int>(s->meta[META_FIRED]) | fired);
}

// After an operation: the directions that wait and are ready now stop waiting and are
// reported in meta[FIRED]; the poll runs only while someone still waits.
static int settle(Socket* s) {
  int fired = 0;
  if (s->interest != 0 && !s->closed) {
    fired = zmqEvents(s) & s->interest;
    s->interest &= ~fired;
    if (s->interest == 0) stopPolling(s);
  }
  report(s, fired);
  return fired;
}

static void callReady(Socket* s, int fired) {
  napi_env env = s->env;
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  napi_value fn, recv, arg, result;
  napi_get_reference_value(env, s->onReady, &fn);
  napi_get_reference_value(env, s->self, &recv);
  napi_create_int32(env, fired, &arg);
  // make_callback runs the callback as a macrotask: microtasks (the lanes' continuations,
  // which call back into this socket) are flushed before it returns.
  if (napi_make_callback(env, s->async, recv, fn, 1, &arg, &result) == napi_pending_exception) {
    // Something it ran threw (a user's process.nextTick callback, say). Left pending, Node-API
    // would throw it from the next call into this addon, on whatever socket, and refuse every
    // callback until then. It is uncaught: 'uncaughtException' has it, as Node does for its own
    // callbacks.
    napi_value error;
    napi_get_and_clear_last_exception(env, &error);
    napi_fatal_exception(env, error);
  }
  napi_close_handle_scope(env, scope);
}

static void onPoll(uv_poll_t* handle, int status, int) {
  Socket* s = static_cast<Socket*>(handle->data);
  if (s->closed || s->inCallback) return;
  // Loops until ZMQ_EVENTS shows nothing anyone waits for (the fd will not signal again for
  // what is already queued). It ends: a reported direction stops waiting, and watch() only
  // re-arms a direction that is not ready, so each round needs news from libzmq.
  s->inCallback = true;  // the callback's microtasks may call watch(): never re-enter here
  if (s->poller != nullptr) {
    // The poller's fd (an eventfd) stays readable until a zmq_poller_wait reads its signal;
    // a wait of 0 ms does, so the fd signals again only for news.
    zmq_poller_event_t event;
    zmq.poller_wait(s->poller, &event, 0);
  }
  while (!s->closed && s->interest != 0) {
    int fired = status < 0 ? s->interest : zmqEvents(s) & s->interest;
    if (fired == 0) break;
    s->interest &= ~fired;
    callReady(s, fired);
  }
  s->inCallback = false;
  if (s->closed) dropCallback(s);  // closed from the callback: the async context goes now
  else if (s->interest == 0) stopPolling(s);
}

// -- socket lifetime -------------------------------------------------------------------------

static void freeSocket(uv_handle_t* handle) {
  Socket* s = static_cast<Socket*>(handle->data);
  s->pollInit = false;
  if (s->jsGone) delete s;
}

// After close nothing calls into JS any more, so the references kept for the callback go: the
// onReady closure holds the JS socket, and a strong reference to it kept the JS socket, its
// meta array and this struct alive for ever (finalizeSocket never ran: ~90 KB per socket).
// The async context goes too, unless onPoll is inside it (onPoll drops it when it returns).
static void dropCallback(Socket* s) {
  if (s->onReady != nullptr) napi_delete_reference(s->env, s->onReady);
  if (s->metaRef != nullptr) napi_delete_reference(s->env, s->metaRef);
  s->onReady = s->metaRef = nullptr;
  s->meta = nullptr;  // the array may be collected now; nothing reads it after close
  if (s->async != nullptr && !s->inCallback) {
    napi_async_destroy(s->env, s->async);
    s->async = nullptr;
  }
}

static void closeSocket(Socket* s, bool discard) {
  if (s->closed) return;
  s->closed = true;
  s->interest = 0;
  stopPolling(s);
  if (discard) {
    int zero = 0;
    zmq.setsockopt(s->zsock, ZMQ_LINGER, &zero, sizeof zero);
  }
  // uv_close takes the fd out of the loop at once (only its callback is deferred), and must
  // do so before the fd is closed: the poller's now, ZMQ_FD by libzmq's reaper after zmq_close
  // (a reused fd number must never be touched by this handle).
  if (s->pollInit) uv_close(reinterpret_cast<uv_handle_t*>(&s->poll), freeSocket);
  // The poller goes before the socket: destroying it detaches it from the socket.
  if (s->poller != nullptr) zmq.poller_destroy(&s->poller);
  // zmq_close never blocks: libzmq's reaper thread delivers what is queued, for the linger.
  zmq.close(s->zsock);
  s->zsock = nullptr;
  for (size_t i = 0; i < s->inst->open.size(); i++) {
    if (s->inst->open[i] == s) {
      s->inst->open[i] = s->inst->open.back();
      s->inst->open.pop_back();
      break;
    }
  }
  dropCallback(s);
  if (s->self != nullptr) napi_reference_unref(s->env, s->self, nullptr);
}

static void finalizeSocket(napi_env env, void* data, void*) {
  Socket* s = static_cast<Socket*>(data);
  if (s->self != nullptr) napi_delete_reference(env, s->self);
  s->self = nullptr;
  if (!s->closed) closeSocket(s, true);  // only at teardown: close() drops the strong ref
  if (s->async != nullptr) napi_async_destroy(env, s->async);
  if (s->onReady != nullptr) napi_delete_reference(env, s->onReady);
  if (s->metaRef != nullptr) napi_delete_reference(env, s->metaRef);
  s->jsGone = true;
  if (!s->pollInit) delete s;  // else freeSocket deletes it once uv is done with the handle
}

static Socket* unwrap(napi_env env, napi_callback_info info, size_t* argc, napi_value* argv) {
  napi_value self;
  if (napi_get_cb_info(env, info, argc, argv, &self, nullptr) != napi_ok) return nullptr;
  Socket* s = nullptr;
  if (napi_unwrap(env, self, reinterpret_cast<void**>(&s)) != napi_ok) return nullptr;
  if (s->closed) {
    throwZmq(env, ENOTSOCK, "the socket is closed");
    return nullptr;
  }
  return s;
}

// A thread-safe socket (the draft kinds) has no ZMQ_FD; a zmq_poller that holds it has an fd
// that signals as ZMQ_FD would (zeromq.js does the same). False (errno set): none could be made.
static bool pollable(void* zsock, void** poller) {
  int threadSafe = 0;
  size_t size = sizeof threadSafe;
  if (zmq.getsockopt(zsock, ZMQ_THREAD_SAFE, &threadSafe, &size) != 0 || threadSafe == 0) return true;
  if (!zmq.draft) {
    errno = ENOTSUP;
    return false;
  }
  *poller = zmq.poller_new();
  if (*poller == nullptr) return false;
  if (zmq.poller_add(*poller, zsock, nullptr, ZMQ_POLLIN | ZMQ_POLLOUT) != 0) {
    int err = zmq.errno_();
    zmq.poller_destroy(poller);
    errno = err;
    return false;
  }
  return true;
}

// A meta argument: a Float64Array of at least `least` words; false (a TypeError thrown) if not.
static bool metaArg(napi_env env, napi_value value, size_t least, const char* error, double** data, size_t* length) {
  napi_typedarray_type ta;
  void* at;
  bool ok = napi_get_typedarray_info(env, value, &ta, length, &at, nullptr, nullptr) == napi_ok &&
            ta == napi_float64_array && *length >= least;
  if (!ok) {
    napi_throw_type_error(env, nullptr, error);
    return false;
  }
  *data = static_cast<double*>(at);
  return true;
}

// new Socket(type, onReady, meta: Float64Array)
static napi_value socketNew(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3], self;
  CHECK(napi_get_cb_info(env, info, &argc, argv, &self, nullptr));
  Instance* inst = instanceOf(env);
  int32_t type;
  CHECK(napi_get_value_int32(env, argv[0], &type));
  double* data;
  size_t length;
  if (!metaArg(env, argv[2], META_FRAMES + 2, "sluice bug: meta must be a Float64Array of 2 frame words or more", &data, &length)) {
    return nullptr;
  }
  if (inst->ctx == nullptr) inst->ctx = newContext();
  void* zsock = inst->ctx == nullptr ? nullptr : zmq.socket(inst->ctx, type);
  if (zsock == nullptr) {
    throwZmq(env, zmq.errno_(), "zmq_socket");
    return nullptr;
  }
  void* poller = nullptr;
  if (!pollable(zsock, &poller)) {
    int err = zmq.errno_();
    zmq.close(zsock);
    throwZmq(env, err, "zmq_poller (a thread-safe socket needs the draft API)");
    return nullptr;
  }
  Socket* s = new Socket();
  s->inst = inst;
  s->env = env;
  s->zsock = zsock;
  s->poller = poller;
  s->envelope = type == ZMQ_SERVER ? ENVELOPE_ROUTING_ID
                : type == ZMQ_RADIO || type == ZMQ_DISH ? ENVELOPE_GROUP
                                                        : ENVELOPE_NONE;
  s->balances = type == ZMQ_PUSH || type == ZMQ_DEALER || type == ZMQ_REQ;
  s->meta = data;
  s->metaLength = length;
  napi_create_reference(env, argv[2], 1, &s->metaRef);
  napi_create_reference(env, argv[1], 1, &s->onReady);
  napi_value name;
  napi_create_string_utf8(env, "sluice:socket", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, self, name, &s->async);
  napi_wrap(env, self, s, finalizeSocket, nullptr, &s->self);
  napi_reference_ref(env, s->self, nullptr);  // strong until close
  inst->open.push_back(s);
  return self;
}

// The (type, id) that setOption and getOption begin with: the value's type as zeromq.js names
// it (native-options.ts) and the option's ZMQ_ number.
enum class OptType { Bool, Int32, Uint32, Int64, Uint64, String };

static bool optionArgs(napi_env env, napi_value* argv, OptType* type, int32_t* id) {
  char kind[8];
  size_t n;
  if (napi_get_value_string_utf8(env, argv[0], kind, sizeof kind, &n) != napi_ok) return false;
  if (napi_get_value_int32(env, argv[1], id) != napi_ok) return false;
  static const struct { const char* name; OptType type; } types[] = {
      {"Bool", OptType::Bool},   {"Int32", OptType::Int32},   {"Uint32", OptType::Uint32},
      {"Int64", OptType::Int64}, {"Uint64", OptType::Uint64}, {"String", OptType::String}};
  for (const auto& t : types) {
    if (strcmp(kind, t.name) == 0) return *type = t.type, true;
  }
  napi_throw_type_error(env, nullptr, "unknown option type");
  return false;
}

// setOption(kind, id, value): kind is zeromq.js's option type (Int32, Uint32, Int64, Uint64,
// Bool, String); the value's JS type is checked as zeromq.js checks it.
static napi_value socketSetOption(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  Socket* s = unwrap(env, info, &argc, argv);
  if (s == nullptr) return nullptr;
  OptType type;
  int32_t id;
  if (!optionArgs(env, argv, &type, &id)) return nullptr;
  napi_valuetype vt;
  CHECK(napi_typeof(env, argv[2], &vt));
  int rc;
  if (type == OptType::Bool) {
    bool b;
    if (vt != napi_boolean) return napi_throw_type_error(env, nullptr, "Option value must be a boolean"), nullptr;
    napi_get_value_bool(env, argv[2], &b);
    int v = b ? 1 : 0;
    rc = zmq.setsockopt(s->zsock, id, &v, sizeof v);
  } else if (type == OptType::String) {
    if (vt == napi_null) {
      rc = zmq.setsockopt(s->zsock, id, nullptr, 0);
    } else if (vt == napi_string) {
      size_t n;
      napi_get_value_string_utf8(env, argv[2], nullptr, 0, &n);
      s->scratch.resize(n + 1);
      napi_get_value_string_utf8(env, argv[2], &s->scratch[0], n + 1, &n);
      rc = zmq.setsockopt(s->zsock, id, s->scratch.data(), n);
    } else {
      bool isBuffer = false;
      napi_is_buffer(env, argv[2], &isBuffer);
      if (!isBuffer) return napi_throw_type_error(env, nullptr, "Option value must be a string or buffer"), nullptr;
      void* d;
      size_t n;
      napi_get_buffer_info(env, argv[2], &d, &n);
      rc = zmq.setsockopt(s->zsock, id, d, n);
    }
  } else {
    if (vt != napi_number) return napi_throw_type_error(env, nullptr, "Option value must be a number"), nullptr;
    if (type == OptType::Int32 || type == OptType::Uint32) {
      int32_t v;
      napi_get_value_int32(env, argv[2], &v);
      rc = zmq.setsockopt(s->zsock, id, &v, sizeof v);
    } else {
      int64_t v;
      napi_get_value_int64(env, argv[2], &v);
      rc = zmq.setsockopt(s->zsock, id, &v, sizeof v);
    }
  }
  int err = rc != 0 ? zmq.errno_() : 0;
  settle(s);  // the re-check: nothing promises that a setsockopt leaves ZMQ_FD alone (P33)
  if (rc != 0) throwZmq(env, err, "zmq_setsockopt");
  return nullptr;
}

// getOption(kind, id): any option, as zeromq.js's get<kind>Option returns it (a number, a
// boolean, or a string up to its first NUL, null when empty).
static napi_value socketGetOption(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], out = nullptr;
  Socket* s = unwrap(env, info, &argc, argv);
  if (s == nullptr) return nullptr;
  OptType type;
  int32_t id;
  if (!optionArgs(env, argv, &type, &id)) return nullptr;
  union {
    int32_t i32;
    uint32_t u32;
    int64_t i64;
    uint64_t u64;
    char text[1025];  // zeromq.js reads at most 1024 bytes
  } v;
  memset(&v, 0, sizeof v);
  bool isString = type == OptType::String, is64 = type == OptType::Int64 || type == OptType::Uint64;
  size_t size = isString ? sizeof v.text - 1 : is64 ? sizeof v.i64 : sizeof v.i32;
  int rc = zmq.getsockopt(s->zsock, id, &v, &size);
  int err = rc != 0 ? zmq.errno_() : 0;
  settle(s);
  if (rc != 0) return throwZmq(env, err, "zmq_getsockopt"), nullptr;
  if (isString) {
    if (size == 0 || (size == 1 && v.text[0] == '\0')) napi_get_null(env, &out);
    else napi_create_string_utf8(env, v.text, strnlen(v.text, size), &out);
  } else if (type == OptType::Bool) {
    napi_get_boolean(env, v.i32 != 0, &out);
  } else {
    double d = type == OptType::Int64    ? static_cast<double>(v.i64)
               : type == OptType::Uint64 ? static_cast<double>(v.u64)
               : type == OptType::Uint32 ? static_cast<double>(v.u32)
                                         : static_cast<double>(v.i32);
    napi_create_double(env, d, &out);
  }
  return out;
}

static napi_value lastEndpoint(napi_env env, Socket* s) {
  char buf[1024];
  size_t size = sizeof buf;
  napi_value out;
  if (zmq.getsockopt(s->zsock, ZMQ_LAST_ENDPOINT, buf, &size) != 0 || size == 0) size = 1;
  napi_create_string_utf8(env, buf, size - 1, &out);  // size counts the trailing NUL
  return out;
}

// One frame's bytes (a string's UTF-8, a Buffer's or Uint8Array's), copied into `out`.
static bool frameBytes(napi_env env, napi_value frame, std::string* out) {
  napi_valuetype vt;
  napi_typeof(env, frame, &vt);
  bool isTyped = false;
  if (vt != napi_string) napi_is_typedarray(env, frame, &isTyped);
  if (vt != napi_string && !isTyped) return false;
  if (isTyped) {
    napi_typedarray_type t;
    size_t n;
    void* data;
    napi_get_typedarray_info(env, frame, &t, &n, &data, nullptr, nullptr);
    if (t != napi_uint8_array && t != napi_uint8_clamped_array && t != napi_int8_array) return false;
    out->assign(static_cast<const char*>(data), n);
    return true;
  }
  size_t n;
  napi_get_value_string_utf8(env, frame, nullptr, 0, &n);
  out->assign(n + 1, '\0');
  napi_get_value_string_utf8(env, frame, &(*out)[0], n + 1, &n);
  out->resize(n);
  return true;
}

// A control call's argument: a string or a Buffer; false when it is neither (a TypeError is
// pending, naming the call).
static bool bytesArg(napi_env env, napi_value value, const char* what, std::string* out) {
  if (frameBytes(env, value, out)) return true;
  std::string msg = std::string(what) + ": the argument must be a string or a Buffer";
  napi_throw_type_error(env, nullptr, msg.c_str());
  return false;
}

// What bind … leave share: the one string argument, the call, the re-check after it (also
// when it failed: libzmq may have processed the socket's commands first), zeromq's error.
// `call` returns libzmq's rc; the socket when it succeeded, else nullptr (an error is thrown).
template <typename Call>
static Socket* endpointCall(napi_env env, napi_callback_info info, const char* name, Call call) {
  size_t argc = 1;
  napi_value argv[1];
  Socket* s = unwrap(env, info, &argc, argv);
  std::string arg;
  if (s == nullptr || !bytesArg(env, argv[0], name, &arg)) return nullptr;
  int rc = call(s->zsock, arg.c_str());
  int err = rc != 0 ? zmq.errno_() : 0;
  settle(s);
  if (rc != 0) return throwZmq(env, err, name), nullptr;
  return s;
}

// bind(address) → the endpoint zeromq bound; connect(address) → the endpoint. Both return at
// once in libzmq (a tcp bind listens before returning).
static napi_value socketBind(napi_env env, napi_callback_info info) {
  Socket* s = endpointCall(env, info, "zmq_bind", [](void* z, const char* a) { return zmq.bind(z, a); });
  return s == nullptr ? nullptr : lastEndpoint(env, s);
}
static napi_value socketConnect(napi_env env, napi_callback_info info) {
  Socket* s = endpointCall(env, info, "zmq_connect", [](void* z, const char* a) { return zmq.connect(z, a); });
  return s == nullptr ? nullptr : lastEndpoint(env, s);
}

// unbind(endpoint), disconnect(endpoint): libzmq ends it at once (term_endpoint).
static napi_value socketUnbind(napi_env env, napi_callback_info info) {
  endpointCall(env, info, "zmq_unbind", [](void* z, const char* a) { return zmq.unbind(z, a); });
  return nullptr;
}
static napi_value socketDisconnect(napi_env env, napi_callback_info info) {
  endpointCall(env, info, "zmq_disconnect", [](void* z, const char* a) { return zmq.disconnect(z, a); });
  return nullptr;
}

// join(group), leave(group): a dish's groups (draft API; without it, ENOTSUP).
static int groupCall(void* z, const char* group, bool join) {
  if (!zmq.draft) {
    errno = ENOTSUP;
    return -1;
  }
  return join ? zmq.join(z, group) : zmq.leave(z, group);
}
static napi_value socketJoin(napi_env env, napi_callback_info info) {
  endpointCall(env, info, "zmq_join", [](void* z, const char* g) { return groupCall(z, g, true); });
  return nullptr;
}
static napi_value socketLeave(napi_env env, napi_callback_info info) {
  endpointCall(env, info, "zmq_leave", [](void* z, const char* g) { return groupCall(z, g, false); });
  return nullptr;
}

// An envelope's size in the slab: a routing id's 4 bytes or the group's (no NUL).
static size_t envelopeSize(Socket* s, zmq_msg_t* m) {
  return s->envelope == ENVELOPE_ROUTING_ID ? 4 : strlen(zmq.msg_group(m));
}

// recv() of a kind with an envelope (server, dish): single-part messages, each handed as two
// frames, [envelope, body]; the same limits and layout as recv() otherwise.
static napi_value recvEnveloped(napi_env env, Socket* s, int32_t maxMessages, int32_t maxBytes) {
  size_t slots = (s->metaLength - META_FRAMES) / 2;  // two frames per message
  size_t room = msgRoom(s, slots);
  size_t n = 0, total = 0;
  int err = 0;
  s->meta[META_ERRNO] = 0;
  while (n < room && n < static_cast<size_t>(maxMessages) && total <= static_cast<size_t>(maxBytes)) {
    zmq_msg_t* m = &s->msgs[n];
    zmq.msg_init(m);
    if (zmq.msg_recv(m, s->zsock, ZMQ_DONTWAIT) < 0) {
      err = zmq.errno_();
      zmq.msg_close(m);
      break;
    }
    total += envelopeSize(s, m) + zmq.msg_size(m);
    n++;
  }
  if (err != 0 && err != EAGAIN && n == 0) {
    settle(s);
    return throwZmq(env, err, "zmq_msg_recv"), nullptr;
  }
  s->meta[META_COUNT] = static_cast<double>(n * 2);
  napi_value out = nullptr;
  if (n > 0) {
    void* slab;
    napi_status st = napi_create_buffer(env, total, &slab, &out);
    unsigned char* at = static_cast<unsigned char*>(slab);
    for (size_t i = 0; i < n; i++) {
      zmq_msg_t* m = &s->msgs[i];
      size_t head = envelopeSize(s, m), size = zmq.msg_size(m);
      if (st == napi_ok) {
        if (s->envelope == ENVELOPE_ROUTING_ID) {
          uint32_t id = zmq.msg_routing_id(m);
          at[0] = id >> 24, at[1] = id >> 16, at[2] = id >> 8, at[3] = id;
        } else {
          memcpy(at, zmq.msg_group(m), head);
        }
        if (size > 0) memcpy(at + head, zmq.msg_data(m), size);
      }
      at += head + size;
      s->meta[META_FRAMES + 2 * i] = frameWord(head, false, true);
      s->meta[META_FRAMES + 2 * i + 1] = frameWord(size, false, false);
      zmq.msg_close(m);
    }
    if (st != napi_ok) return nullptr;
  } else {
    napi_get_undefined(env, &out);
  }
  if (n == room && room < slots) msgGrow(s, slots);
  settle(s);
  return out;
}

// recv(maxMessages, maxBytes) → one Buffer holding every frame received (with lent frames:
// [that Buffer, each lent frame's Buffer]), or undefined when none was queued. meta[COUNT]
// frames follow in meta[FRAMES…], one word each (frameWord). Whole
// messages only (libzmq delivers a multipart message's parts together); stops before the
// message that would pass maxMessages, the frame slots, or (after the first) maxBytes.
static napi_value socketRecv(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  Socket* s = unwrap(env, info, &argc, argv);
  if (s == nullptr) return nullptr;
  int32_t maxMessages, maxBytes;
  CHECK(napi_get_value_int32(env, argv[0], &maxMessages));
  CHECK(napi_get_value_int32(env, argv[1], &maxBytes));
  if (s->envelope != ENVELOPE_NONE) return recvEnveloped(env, s, maxMessages, maxBytes);
  size_t slots = s->metaLength - META_FRAMES;
  size_t room = msgRoom(s, slots);
  bool cramped = false;  // the batch stopped for want of slots
  size_t frames = 0, total = 0;
  size_t copied = 0, lent = 0;  // bytes that go into the slab; frames that are lent (LEND_AT)
  int messages = 0, err = 0;
  s->meta[META_ERRNO] = 0;
  bool inMessage = false;  // limits apply between messages only
  while (inMessage || (messages < maxMessages && total <= static_cast<size_t>(maxBytes))) {
    zmq_msg_t* m = &s->msgs[frames];
    zmq.msg_init(m);
    if (zmq.msg_recv(m, s->zsock, ZMQ_DONTWAIT) < 0) {
      err = zmq.errno_();
      zmq.msg_close(m);
      break;
    }
    size_t size = zmq.msg_size(m);
    total += size;
    if (size >= LEND_AT) lent++;
    else copied += size;
    frames++;
    inMessage = zmq.msg_more(m) != 0;
    if (!inMessage) {
      messages++;
      if (room - frames < 8) {
        cramped = true;  // room for a next message's frames is not certain
        break;
      }
    } else if (frames == room) {
      cramped = true;  // a message with more frames than slots: hand what fits, the rest follows
      break;
    }
  }
  if (err != 0 && err != EAGAIN && frames == 0) {
    settle(s);
    throwZmq(env, err, "zmq_msg_recv");
    return nullptr;
  }
  s->meta[META_COUNT] = static_cast<double>(frames);
  napi_value out = nullptr;
  if (frames > 0) {
    // One slab per batch, each frame a view into it (JS slices): one allocation, not one
    // per frame (napi_create_buffer_copy per frame costs ~1.4 µs each). Big frames are lent
    // instead (LEND_AT); then the result is [slab, lent frames in order].
    void* slab;
    napi_value slabValue;
    napi_status st = napi_create_buffer(env, copied, &slab, &slabValue);
    out = slabValue;
    if (st == napi_ok && lent > 0) {
      st = napi_create_array_with_length(env, lent + 1, &out);
      if (st == napi_ok) st = napi_set_element(env, out, 0, slabValue);
    }
    char* at = static_cast<char*>(slab);
    uint32_t next = 1;  // the next lent frame's index in `out`
    for (size_t i = 0; i < frames; i++) {
      zmq_msg_t* m = &s->msgs[i];
      size_t size = zmq.msg_size(m);
      bool more = zmq.msg_more(m) != 0, lends = size >= LEND_AT;
      if (st == napi_ok && lends) {
        napi_value frame;
        st = lend(env, m, &frame);
        if (st == napi_ok) st = napi_set_element(env, out, next++, frame);
      } else if (st == napi_ok && size > 0) {
        memcpy(at, zmq.msg_data(m), size);
        at += size;
      }
      s->meta[META_FRAMES + i] = frameWord(size, lends, more);
      zmq.msg_close(m);  // (empty once lent)
    }
    if (st != napi_ok) return nullptr;
  } else {
    napi_get_undefined(env, &out);
  }
  if (cramped) msgGrow(s, slots);
  settle(s);
  return out;
}

// Copies one frame (string, Buffer or other TypedArray) into zmq.
static int sendFrame(napi_env env, Socket* s, napi_value frame, int flags) {
  napi_valuetype vt;
  napi_typeof(env, frame, &vt);
  if (vt == napi_string) {
    size_t n;
    napi_get_value_string_utf8(env, frame, nullptr, 0, &n);
    s->scratch.resize(n + 1);
    napi_get_value_string_utf8(env, frame, &s->scratch[0], n + 1, &n);
    return zmq.send(s->zsock, s->scratch.data(), n, flags);
  }
  void* data = nullptr;
  size_t length = 0;
  bool isTyped = false;
  napi_is_typedarray(env, frame, &isTyped);
  if (isTyped) {
    napi_typedarray_type t;
    napi_get_typedarray_info(env, frame, &t, &length, &data, nullptr, nullptr);
    if (t != napi_uint8_array && t != napi_uint8_clamped_array && t != napi_int8_array) {
      errno = EINVAL;  // the send channel only lets Buffers and Uint8Arrays through
      return -1;
    }
  } else {
    errno = EINVAL;
    return -1;
  }
  if (length >= LEND_AT) return sendLent(env, s, frame, data, length, flags);
  return zmq.send(s->zsock, data, length, flags);
}

// One [envelope, body] message (server: a 4-byte big-endian routing id; radio: a group) as one
// zmq_msg_t with its envelope set. The put checked the shape (frames.ts); anything else is
// EINVAL. On failure errno is libzmq's.
static int sendEnveloped(napi_env env, Socket* s, napi_value message) {
  bool isArray = false;
  uint32_t parts = 0;
  napi_is_array(env, message, &isArray);
  if (isArray) napi_get_array_length(env, message, &parts);
  napi_value head, body;
  std::string envelope;
  if (parts != 2 || napi_get_element(env, message, 0, &head) != napi_ok ||
      napi_get_element(env, message, 1, &body) != napi_ok || !frameBytes(env, head, &envelope)) {
    errno = EINVAL;
    return -1;
  }
  std::string copy;
  if (!frameBytes(env, body, &copy)) {
    errno = EINVAL;
    return -1;
  }
  zmq_msg_t m;
  if (zmq.msg_init_size(&m, copy.size()) != 0) return -1;
  if (!copy.empty()) memcpy(zmq.msg_data(&m), copy.data(), copy.size());
  int rc;
  if (s->envelope == ENVELOPE_ROUTING_ID) {
    const unsigned char* b = reinterpret_cast<const unsigned char*>(envelope.data());
    rc = envelope.size() != 4 ? (errno = EINVAL, -1)
                              : zmq.msg_set_routing_id(&m, uint32_t(b[0]) << 24 | uint32_t(b[1]) << 16 |
                                                               uint32_t(b[2]) << 8 | b[3]);
  } else {
    rc = zmq.msg_set_group(&m, envelope.c_str());  // c_str: libzmq wants it NUL-terminated
  }
  if (rc == 0) rc = zmq.msg_send(&m, s->zsock, ZMQ_DONTWAIT);  // on success libzmq owns m
  if (rc < 0) {
    int err = errno == EINVAL ? EINVAL : zmq.errno_();
    zmq.msg_close(&m);
    errno = err;
  }
  return rc;
}

// A message cut after its first frame went: the peer libzmq was writing it to went away between
// two frames (push, dealer and req: lb.cpp says EAGAIN there once the pipe is being torn down;
// pair: its pipe is gone). No peer has any of the message (a peer sees frames only once the
// last is written), so it counts as would-block and is sent again whole, to another peer or
// once one comes. The load balancer (`balances`) now drops every frame up to the message's
// last: the caller sends the rest into that drop (each is accepted), so that the next message
// is whole. A pair is not sent the rest: a new peer would get it as a message of its own.
// Any other cut is a bug: it throws. Returns whether the caller goes on.
static bool sendCut(napi_env env, int err) {
  if (err == EAGAIN) return true;
  napi_throw_error(env, "EUNKNOWN", "sluice bug: a multipart message was cut off");
  return false;
}

// What send() and sendPacked() return: how many messages went; meta[ERRNO] says why the next
// did not (0: it would block), and settle() reports what the sends left ready.
static napi_value sendReport(napi_env env, Socket* s, uint32_t sent, int err) {
  if (!s->closed) {  // (a getter of a message's array, run by napi_get_element, may close it)
    s->meta[META_ERRNO] = err == EAGAIN ? 0 : err;
    settle(s);
  }
  napi_value out;
  napi_create_uint32(env, sent, &out);
  return out;
}

// send(messages) → how many were handed to libzmq, in order. Each message is a frame or an
// array of frames, all or nothing: once the first frame is taken, libzmq takes the rest
// (its high-water mark counts whole messages). Stops at the first message that would block
// (meta[ERRNO] 0) or that libzmq refused (meta[ERRNO] its errno; that message is not sent).
static napi_value socketSend(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  Socket* s = unwrap(env, info, &argc, argv);
  if (s == nullptr) return nullptr;
  uint32_t count;
  CHECK(napi_get_array_length(env, argv[0], &count));
  uint32_t sent = 0;
  int err = 0;
  for (; sent < count; sent++) {
    napi_value message;
    if (napi_get_element(env, argv[0], sent, &message) != napi_ok) return nullptr;
    if (s->closed) break;
    bool isArray = false;
    int rc;
    if (s->envelope != ENVELOPE_NONE) {
      rc = sendEnveloped(env, s, message);
    } else if (napi_is_array(env, message, &isArray), !isArray) {
      rc = sendFrame(env, s, message, ZMQ_DONTWAIT);
    } else {
      uint32_t parts;
      napi_get_array_length(env, message, &parts);
      rc = 0;
      for (uint32_t p = 0; p < parts && rc >= 0; p++) {
        napi_value frame;
        if (napi_get_element(env, message, p, &frame) != napi_ok) return nullptr;
        if (s->closed) {  // (see sendReport)
          rc = -1;
          errno = ENOTSOCK;
          break;
        }
        rc = sendFrame(env, s, frame, ZMQ_DONTWAIT | (p + 1 < parts ? ZMQ_SNDMORE : 0));
        if (rc < 0 && p > 0) {
          if (!sendCut(env, errno == EINVAL ? EINVAL : zmq.errno_())) return nullptr;
          // the rest of the message goes where libzmq drops it (sendCut)
          for (uint32_t q = p + 1; s->balances && q < parts; q++) {
            if (napi_get_element(env, message, q, &frame) != napi_ok) return nullptr;
            if (s->closed) break;
            sendFrame(env, s, frame, ZMQ_DONTWAIT | (q + 1 < parts ? ZMQ_SNDMORE : 0));
          }
          errno = EAGAIN;
        }
      }
    }
    if (rc < 0) {
      err = errno == EINVAL ? EINVAL : zmq.errno_();
      break;
    }
  }
  return sendReport(env, s, sent, err);
}

// sendPacked(slab, layout, count) → how many of `count` messages were handed to libzmq, with
// send()'s rules and report. The JS side (engines/native-packer.ts) copied their frames one
// after another into `slab` (a Buffer); `layout` (a Uint32Array) holds, per message, its frame
// count and then each frame's length. Two N-API reads per batch instead of several per frame.
static napi_value socketSendPacked(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  Socket* s = unwrap(env, info, &argc, argv);
  if (s == nullptr) return nullptr;
  void* slabData;
  size_t slabLength;
  CHECK(napi_get_buffer_info(env, argv[0], &slabData, &slabLength));
  napi_typedarray_type t;
  size_t words;
  void* layoutData;
  CHECK(napi_get_typedarray_info(env, argv[1], &t, &words, &layoutData, nullptr, nullptr));
  uint32_t count;
  CHECK(napi_get_value_uint32(env, argv[2], &count));
  if (t != napi_uint32_array) {
    napi_throw_type_error(env, nullptr, "sluice bug: sendPacked's layout must be a Uint32Array");
    return nullptr;
  }
  const uint32_t* layout = static_cast<const uint32_t*>(layoutData);
  const char* bytes = static_cast<const char*>(slabData);
  size_t w = 0, at = 0;  // the next layout slot, the next frame's offset in the slab
  uint32_t sent = 0;
  int err = 0;
  for (; sent < count; sent++) {
    // Check the whole message lies within layout and slab before its first frame goes: a
    // bad layout (a bug) must not read past them, nor cut a message after its first frame.
    uint32_t parts = w < words ? layout[w] : 0;
    size_t end = at;
    bool fits = parts > 0 && w + 1 + parts <= words;
    for (uint32_t p = 0; fits && p < parts; p++) {
      end += layout[w + 1 + p];
      fits = end <= slabLength;
    }
    if (!fits) {
      napi_throw_error(env, "EUNKNOWN", "sluice bug: sendPacked's layout does not match its slab");
      return nullptr;
    }
    w++;
    for (uint32_t p = 0; p < parts; p++) {
      uint32_t n = layout[w++];
      // zmq_send copies the bytes: the slab is free to be reused once this returns.
      int rc = zmq.send(s->zsock, bytes + at, n, ZMQ_DONTWAIT | (p + 1 < parts ? ZMQ_SNDMORE : 0));
      at += n;
      if (rc >= 0) continue;
      err = zmq.errno_();
      if (p > 0) {
        if (!sendCut(env, err)) return nullptr;
        // the rest of the message goes where libzmq drops it (sendCut)
        for (uint32_t q = p + 1; s->balances && q < parts; q++) {
          uint32_t m = layout[w++];
          zmq.send(s->zsock, bytes + at, m, ZMQ_DONTWAIT | (q + 1 < parts ? ZMQ_SNDMORE : 0));
          at += m;
        }
      }
      break;
    }
    if (err != 0) break;
  }
  return sendReport(env, s, sent, err);
}

// setMeta(meta): results go to this Float64Array from now on. JS starts a receiving socket's
// meta small and hands a longer one once batches fill it (engines/native-socket.ts), having
// copied the header words over (meta[FIRED] gathers across calls). The old array is let go
// here; nothing in C points into it after this returns (no batch is open between calls).
static napi_value socketSetMeta(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  Socket* s = unwrap(env, info, &argc, argv);
  if (s == nullptr) return nullptr;
  double* data;
  size_t length;
  if (!metaArg(env, argv[0], s->metaLength, "sluice bug: setMeta takes a Float64Array no shorter than the one it replaces", &data, &length)) {
    return nullptr;
  }
  napi_ref ref;
  CHECK(napi_create_reference(env, argv[0], 1, &ref));
  napi_delete_reference(env, s->metaRef);
  s->metaRef = ref;
  s->meta = data;
  s->metaLength = length;
  return nullptr;
}

// watch(mask) → the bits of mask that are ready now; the others wait for the poll, which
// reports them through onReady. unwatch(mask) stops waiting.
static napi_value socketWatch(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out;
  Socket* s = unwrap(env, info, &argc, argv);
  if (s == nullptr) return nullptr;
  int32_t mask;
  CHECK(napi_get_value_int32(env, argv[0], &mask));
  // One ZMQ_EVENTS read answers both: is `mask` ready now, and has the other direction,
  // already waiting, become ready (the read may have consumed the fd's signal for it)?
  int events = zmqEvents(s);
  int ready = events & mask;
  int fired = events & s->interest & ~mask;
  s->interest = (s->interest & ~fired) | (mask & ~ready);
  report(s, fired);
  if (s->interest != 0) startPolling(s);
  else stopPolling(s);
  napi_create_int32(env, ready, &out);
  return out;
}

static napi_value socketUnwatch(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  Socket* s = unwrap(env, info, &argc, argv);
  if (s == nullptr) return nullptr;
  int32_t mask;
  CHECK(napi_get_value_int32(env, argv[0], &mask));
  s->interest &= ~mask;
  if (s->interest == 0) stopPolling(s);
  return nullptr;
}

// close(): idempotent; the socket's linger applies (libzmq's reaper delivers in the background).
static napi_value socketClose(napi_env env, napi_callback_info info) {
  napi_value self;
  CHECK(napi_get_cb_info(env, info, nullptr, nullptr, &self, nullptr));
  Socket* s = nullptr;
  CHECK(napi_unwrap(env, self, reinterpret_cast<void**>(&s)));
  closeSocket(s, false);
  return nullptr;
}

static napi_value socketClosed(napi_env env, napi_callback_info info) {
  napi_value self, out;
  CHECK(napi_get_cb_info(env, info, nullptr, nullptr, &self, nullptr));
  Socket* s = nullptr;
  CHECK(napi_unwrap(env, self, reinterpret_cast<void**>(&s)));
  napi_get_boolean(env, s->closed, &out);
  return out;
}

// -- monitor --------------------------------------------------------------------------------

// monitor(endpoint, version) → the event version that runs (2, or 1 when libzmq lacks the
// versioned call or 1 was asked for). libzmq binds a PAIR of its own at `endpoint` (inproc,
// this context) and sends it every event until the socket is destroyed, ending with
// MONITOR_STOPPED; the JS side connects its own PAIR there and decodes the frames.
static napi_value socketMonitor(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], out;
  Socket* s = unwrap(env, info, &argc, argv);
  if (s == nullptr) return nullptr;
  size_t n;
  CHECK(napi_get_value_string_utf8(env, argv[0], nullptr, 0, &n));
  std::string endpoint(n + 1, '\0');
  CHECK(napi_get_value_string_utf8(env, argv[0], &endpoint[0], n + 1, &n));
  endpoint.resize(n);
  int32_t version;
  CHECK(napi_get_value_int32(env, argv[1], &version));
  if (version != 1 && zmq.socket_monitor_versioned == nullptr) version = 1;
  // Version 2 with the events of version 1: ZMQ_EVENT_PIPES_STATS comes only on request.
  int rc = version == 1 ? zmq.socket_monitor(s->zsock, endpoint.c_str(), ZMQ_EVENT_ALL)
                        : zmq.socket_monitor_versioned(s->zsock, endpoint.c_str(), ZMQ_EVENT_ALL, 2, ZMQ_PAIR);
  if (rc != 0) {
    throwZmq(env, zmq.errno_(), "zmq_socket_monitor");
    return nullptr;
  }
  settle(s);
  napi_create_int32(env, version, &out);
  return out;
}

// A socket address in libzmq's endpoint form: tcp://127.0.0.1:5555, tcp://[::1]:5555,
// ipc:///path, ipc://@abstract, and ipc:// for a peer that never bound a path (a connecting
// ipc socket). False for any other family.
static bool endpointOf(const sockaddr_storage& ss, socklen_t len, std::string* out) {
  char host[INET6_ADDRSTRLEN];
  if (ss.ss_family == AF_INET) {
    const sockaddr_in* a = reinterpret_cast<const sockaddr_in*>(&ss);
    if (inet_ntop(AF_INET, &a->sin_addr, host, sizeof host) == nullptr) return false;
    *out = std::string("tcp://") + host + ":" + std::to_string(ntohs(a->sin_port));
    return true;
  }
  if (ss.ss_family == AF_INET6) {
    const sockaddr_in6* a = reinterpret_cast<const sockaddr_in6*>(&ss);
    if (inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof host) == nullptr) return false;
    *out = std::string("tcp://[") + host + "]:" + std::to_string(ntohs(a->sin6_port));
    return true;
  }
  if (ss.ss_family == AF_UNIX) {
    const sockaddr_un* a = reinterpret_cast<const sockaddr_un*>(&ss);
    // sun_path need not end in NUL: its length is what the kernel returned.
    size_t path = len > offsetof(sockaddr_un, sun_path) ? len - offsetof(sockaddr_un, sun_path) : 0;
    if (path > 0 && a->sun_path[0] == '\0') {  // Linux's abstract namespace
      *out = "ipc://@" + std::string(a->sun_path + 1, strnlen(a->sun_path + 1, path - 1));
    } else {
      *out = "ipc://" + std::string(a->sun_path, strnlen(a->sun_path, path));
    }
    return true;
  }
  return false;
}

// names(fd) → [local, remote] endpoints of a connected socket descriptor (getsockname,
// getpeername), or undefined when fd is no such socket now. An ACCEPTED event carries only
// the descriptor; the JS side (native-monitor.ts) guards against the number being reused.
static napi_value socketNames(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out;
  CHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  int32_t fd = -1;
  if (argc < 1 || napi_get_value_int32(env, argv[0], &fd) != napi_ok || fd < 0) {
    napi_throw_type_error(env, nullptr, "sluice bug: names(fd) takes a descriptor");
    return nullptr;
  }
  sockaddr_storage local, remote;
  socklen_t localLen = sizeof local, remoteLen = sizeof remote;
  std::string names[2];
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &localLen) != 0 ||
      getpeername(fd, reinterpret_cast<sockaddr*>(&remote), &remoteLen) != 0 ||
      !endpointOf(local, localLen, &names[0]) || !endpointOf(remote, remoteLen, &names[1])) {
    napi_get_undefined(env, &out);
    return out;
  }
  CHECK(napi_create_array_with_length(env, 2, &out));
  for (uint32_t i = 0; i < 2; i++) {
    napi_value name;
    CHECK(napi_create_string_utf8(env, names[i].data(), names[i].size(), &name));
    CHECK(napi_set_element(env, out, i, name));
  }
  return out;
}

// -- the context -----------------------------------------------------------------------------

struct Term {
  void* ctx;
  Lender* lender;
};

// zmq_ctx_term waits for every closed socket's linger, so it runs on a thread of its own,
// detached. On libuv's pool it held a pool thread for the whole linger (fs and dns waited
// behind four of them), process.exit() joined it (for ever with a linger of -1), and a
// worker's loop could not close with that request still active (Node aborts). Meanwhile the
// Lender's async is ref'd, so a process that ends on its own still waits out the linger (the
// JS thread unrefs it once no termination is left: onGiven).
static void* termThread(void* arg) {
  Term* t = static_cast<Term*>(arg);
  while (zmq.ctx_term(t->ctx) != 0 && zmq.errno_() == EINTR) {
  }
  Lender* l = t->lender;
  delete t;
  uv_mutex_lock(&l->lock);
  l->terminating--;
  uv_cond_signal(&l->ended);
  if (l->alive) uv_async_send(l->async);  // under the lock: teardown closes it after taking it
  unlockLender(l);
  return nullptr;
}

static void endContext(Instance* inst) {
  if (inst->ctx == nullptr || !inst->open.empty()) return;
  Term* t = new Term{inst->ctx, inst->lender};
  inst->ctx = nullptr;
  uv_mutex_lock(&inst->lender->lock);
  inst->lender->terminating++;
  uv_mutex_unlock(&inst->lender->lock);
  uv_ref(reinterpret_cast<uv_handle_t*>(inst->lender->async));
  pthread_t thread;
  if (pthread_create(&thread, nullptr, termThread, t) == 0) {
    pthread_detach(thread);
  } else {
    termThread(t);  // no thread to be had: terminate here, waiting out the linger
  }
}

// acquire()/release(): a pump holds the context; the last release ends it once its sockets
// are closed (the pump closes them first).
static napi_value acquire(napi_env env, napi_callback_info) {
  instanceOf(env)->pumps++;
  return nullptr;
}
static napi_value release(napi_env env, napi_callback_info) {
  Instance* inst = instanceOf(env);
  if (inst->pumps > 0 && --inst->pumps == 0) endContext(inst);
  return nullptr;
}

static void freeAsync(uv_handle_t* handle) { delete reinterpret_cast<uv_async_t*>(handle); }

// Stops libzmq reading memory that JS owns: every socket still open is closed without linger
// and the context terminated, synchronously and quickly; while frames are lent and a context
// released earlier is still being terminated (its sockets' linger), this waits for it (at most
// that linger; nothing is lent, nothing waits).
static void quiet(Instance* inst) {
  while (!inst->open.empty()) closeSocket(inst->open.back(), true);
  if (inst->ctx != nullptr) {
    while (zmq.ctx_term(inst->ctx) != 0 && zmq.errno_() == EINTR) {
    }
    inst->ctx = nullptr;
  }
  Lender* l = inst->lender;
  uv_mutex_lock(&l->lock);
  while (l->terminating > 0 && l->out > 0) uv_cond_wait(&l->ended, &l->lock);
  uv_mutex_unlock(&l->lock);
}

// At environment teardown (process exit, a worker ending): quiet(), then the Lender is let go.
// A lent frame's bytes are the JS heap's, which goes after this; but an external Buffer (one
// another addon made over its own memory) has its bytes freed before any cleanup hook runs,
// this one included: a worker's 'exit' calls quiesce() first for them (native-addon.ts).
static void cleanup(void* data) {
  Instance* inst = static_cast<Instance*>(data);
  quiet(inst);
  Lender* l = inst->lender;
  std::vector<napi_ref> given;
  uv_mutex_lock(&l->lock);
  l->alive = false;  // what comes back from now on is left to the environment's teardown
  given.swap(l->given);
  uv_close(reinterpret_cast<uv_handle_t*>(l->async), freeAsync);
  inst->lender = nullptr;
  unlockLender(l);
  for (napi_ref ref : given) napi_delete_reference(inst->env, ref);
}

// quiesce(): quiet() now, from JS (a worker's 'exit', before Node frees external Buffers).
static napi_value quiesce(napi_env env, napi_callback_info) {
  quiet(instanceOf(env));
  return nullptr;
}

static void freeInstance(napi_env env, void* data, void*) {
  Instance* inst = static_cast<Instance*>(data);
  if (inst->socketClass != nullptr) napi_delete_reference(env, inst->socketClass);
  delete inst;
}

// draft() → whether the libzmq found has the draft API (after load()).
static napi_value hasDraft(napi_env env, napi_callback_info) {
  napi_value out;
  napi_get_boolean(env, zmqResolved && zmq.draft, &out);
  return out;
}

// load(hint) → libzmq's version ("4.3.5"); throws when no libzmq could be found.
static napi_value load(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out;
  CHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  std::string hint;
  napi_valuetype vt = napi_undefined;
  if (argc > 0) napi_typeof(env, argv[0], &vt);
  if (vt == napi_string) {
    size_t n;
    napi_get_value_string_utf8(env, argv[0], nullptr, 0, &n);
    hint.assign(n + 1, '\0');
    napi_get_value_string_utf8(env, argv[0], &hint[0], n + 1, &n);
    hint.resize(n);
  }
  if (!resolveApi(hint.c_str())) {
    napi_throw_error(env, "ENOENT", "no loaded libzmq exports the zmq_* functions");
    return nullptr;
  }
  int major, minor, patch;
  zmq.version(&major, &minor, &patch);
  std::string v = std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
  napi_create_string_utf8(env, v.c_str(), v.size(), &out);
  return out;
}

// Node unloads an addon when the last environment that loaded it ends (a worker thread that
// was the only one to use it), while libuv may still owe this code a close callback
// (freeSocket): that crashed. So the addon pins itself once: an extra dlopen with
// RTLD_NODELETE keeps it mapped for the life of the process.
static uv_once_t pinOnce = UV_ONCE_INIT;
static void pinSelf() {
  Dl_info self;
  if (dladdr(reinterpret_cast<void*>(&pinSelf), &self) != 0 && self.dli_fname != nullptr) {
    dlopen(self.dli_fname, RTLD_LAZY | RTLD_NODELETE);
  }
}

static napi_value Init(napi_env env, napi_value exports) {
  uv_once(&pinOnce, pinSelf);
  Instance* inst = new Instance();
  inst->env = env;
  napi_get_uv_event_loop(env, &inst->loop);
  napi_set_instance_data(env, inst, freeInstance, nullptr);
  Lender* lender = inst->lender = new Lender();
  uv_mutex_init(&lender->lock);
  uv_cond_init(&lender->ended);
  lender->async = new uv_async_t;
  uv_async_init(inst->loop, lender->async, onGiven);
  lender->async->data = inst;
  uv_unref(reinterpret_cast<uv_handle_t*>(lender->async));  // only while a context ends (endContext)
  napi_add_env_cleanup_hook(env, cleanup, inst);

  napi_property_descriptor methods[] = {
      {"setOption", nullptr, socketSetOption, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"getOption", nullptr, socketGetOption, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"bind", nullptr, socketBind, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"connect", nullptr, socketConnect, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"unbind", nullptr, socketUnbind, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"disconnect", nullptr, socketDisconnect, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"join", nullptr, socketJoin, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"leave", nullptr, socketLeave, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"recv", nullptr, socketRecv, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"send", nullptr, socketSend, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"sendPacked", nullptr, socketSendPacked, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setMeta", nullptr, socketSetMeta, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"watch", nullptr, socketWatch, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"unwatch", nullptr, socketUnwatch, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"close", nullptr, socketClose, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"closed", nullptr, nullptr, socketClosed, nullptr, nullptr, napi_default, nullptr},
      {"monitor", nullptr, socketMonitor, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_value cls;
  napi_define_class(env, "Socket", NAPI_AUTO_LENGTH, socketNew, nullptr,
                    sizeof methods / sizeof methods[0], methods, &cls);
  napi_create_reference(env, cls, 1, &inst->socketClass);
  napi_value fnLoad, fnAcquire, fnRelease, fnError;
  napi_create_function(env, "error", NAPI_AUTO_LENGTH, errorOf, nullptr, &fnError);
  napi_set_named_property(env, exports, "error", fnError);
  napi_create_function(env, "load", NAPI_AUTO_LENGTH, load, nullptr, &fnLoad);
  napi_create_function(env, "acquire", NAPI_AUTO_LENGTH, acquire, nullptr, &fnAcquire);
  napi_create_function(env, "release", NAPI_AUTO_LENGTH, release, nullptr, &fnRelease);
  napi_set_named_property(env, exports, "Socket", cls);
  napi_set_named_property(env, exports, "load", fnLoad);
  napi_set_named_property(env, exports, "acquire", fnAcquire);
  napi_set_named_property(env, exports, "release", fnRelease);
  napi_value fnNames;
  napi_create_function(env, "names", NAPI_AUTO_LENGTH, socketNames, nullptr, &fnNames);
  napi_set_named_property(env, exports, "names", fnNames);
  napi_value fnQuiesce;
  napi_create_function(env, "quiesce", NAPI_AUTO_LENGTH, quiesce, nullptr, &fnQuiesce);
  napi_set_named_property(env, exports, "quiesce", fnQuiesce);
  napi_value fnDraft;
  napi_create_function(env, "draft", NAPI_AUTO_LENGTH, hasDraft, nullptr, &fnDraft);
  napi_set_named_property(env, exports, "draft", fnDraft);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
