# The guide's asyncsrv.py (booksbyus/zguide examples/Python/asyncsrv.py, Felipe Cruz, MIT/X11),
# as a test peer, split so that one role runs alone:
#
#   asyncsrv.py server <endpoint> <seconds>
#       The server task: a ROUTER frontend bound at <endpoint> (it prints
#       "listening on <the endpoint it got>"), a DEALER backend on inproc, five workers that echo
#       [ident, msg] unchanged a random 0-4 times with random sleeps, and zmq.proxy between.
#       Exits after <seconds> (a test kills it sooner).
#   asyncsrv.py client <endpoint> <requests> [identity] [poll_ms]
#       The client task: a DEALER with <identity> (default the guide's "worker-0") sends
#       "request #N" and polls five times for poll_ms (default the guide's 1000) after each.
#
# Changed from the guide: endpoints come from argv (the guide binds tcp://*:5570 and connects to
# localhost); the worker's "Worker received" line also says how many times it will echo; the
# client sends <requests> requests instead of running forever, then polls until poll_ms passes
# with nothing (so the last echoes are counted), prints "N requests, M replies, K strays" and
# exits 0 only when every reply was an echo of a request it sent. Threads are daemons and the
# server leaves with os._exit: the guide's never stop, and a worker blocked in recv would hold
# context.term() forever.
import os
import sys
import threading
import time
from random import randint

import zmq


def tprint(msg):
    """like print, but won't get newlines confused with multiple threads"""
    sys.stdout.write(msg + "\n")
    sys.stdout.flush()


def client(endpoint, requests, identity, poll_ms):
    context = zmq.Context()
    socket = context.socket(zmq.DEALER)
    socket.identity = identity.encode("ascii")
    socket.connect(endpoint)
    print("Client %s started" % (identity))
    poll = zmq.Poller()
    poll.register(socket, zmq.POLLIN)
    sent, replies, strays = set(), 0, 0

    def receive():
        nonlocal replies, strays
        msg = socket.recv()
        tprint("Client %s received: %s" % (identity, msg))
        replies += 1
        if msg not in sent:
            strays += 1

    reqs = 0
    while reqs < requests:
        reqs = reqs + 1
        print("Req #%d sent.." % (reqs))
        request = "request #%d" % (reqs)
        sent.add(request.encode())
        socket.send_string(request)
        for i in range(5):
            sockets = dict(poll.poll(poll_ms))
            if socket in sockets:
                receive()
    while poll.poll(poll_ms):
        receive()

    print("%d requests, %d replies, %d strays" % (reqs, replies, strays))
    socket.close(linger=0)
    context.term()
    sys.exit(0 if strays == 0 else 1)


class ServerWorker(threading.Thread):
    """ServerWorker"""

    def __init__(self, context):
        threading.Thread.__init__(self, daemon=True)
        self.context = context

    def run(self):
        worker = self.context.socket(zmq.DEALER)
        worker.connect("inproc://backend")
        tprint("Worker started")
        while True:
            ident, msg = worker.recv_multipart()
            replies = randint(0, 4)
            tprint("Worker received %s from %s, replying %d times" % (msg, ident, replies))
            for i in range(replies):
                time.sleep(1.0 / (randint(1, 10)))
                worker.send_multipart([ident, msg])


def server(endpoint, seconds):
    context = zmq.Context()
    frontend = context.socket(zmq.ROUTER)
    frontend.bind(endpoint)

    backend = context.socket(zmq.DEALER)
    backend.bind("inproc://backend")

    for i in range(5):
        ServerWorker(context).start()

    # tprint: print() writes the line and its newline apart, and a worker's line can land between.
    tprint("listening on %s" % frontend.getsockopt_string(zmq.LAST_ENDPOINT))
    threading.Thread(target=zmq.proxy, args=(frontend, backend), daemon=True).start()
    time.sleep(seconds)
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    role, endpoint = sys.argv[1], sys.argv[2]
    if role == "server":
        server(endpoint, float(sys.argv[3]))
    else:
        identity = sys.argv[4] if len(sys.argv) > 4 else "worker-0"
        poll_ms = int(sys.argv[5]) if len(sys.argv) > 5 else 1000
        client(endpoint, int(sys.argv[3]), identity, poll_ms)
