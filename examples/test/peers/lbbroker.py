# The guide's lbbroker.py (the load-balancing broker), as a test peer, one part per process:
# the guide runs its clients, workers and broker as threads of one process over inproc; here
# argv picks one part and its endpoints, and the bytes are the guide's (a worker says READY and
# answers OK, a client says HELLO; the broker forwards a reply only when the worker's message
# is longer than [worker, "", READY]). Receive timeouts bound every part.
#
#   lbbroker.py broker FRONTEND BACKEND REPLIES   (prints "listening on F B", exits after REPLIES)
#   lbbroker.py worker BACKEND IDENTITY           (answers until nothing comes for 10 s)
#   lbbroker.py client FRONTEND IDENTITY          (one request, prints "IDENTITY: reply")
import sys

import zmq

context = zmq.Context()
part = sys.argv[1]

if part == "worker":
    socket = context.socket(zmq.REQ)
    socket.setsockopt(zmq.RCVTIMEO, 10000)
    socket.setsockopt_string(zmq.IDENTITY, sys.argv[3])
    socket.connect(sys.argv[2])
    # Tell the broker we're ready for work
    socket.send(b"READY")
    try:
        while True:
            address, empty, request = socket.recv_multipart()
            print(f"{sys.argv[3]}: {request.decode('ascii')}", flush=True)
            socket.send_multipart([address, b"", b"OK"])
    except zmq.Again:
        pass

elif part == "client":
    socket = context.socket(zmq.REQ)
    socket.setsockopt(zmq.RCVTIMEO, 10000)
    socket.setsockopt_string(zmq.IDENTITY, sys.argv[3])
    socket.connect(sys.argv[2])
    socket.send(b"HELLO")
    reply = socket.recv()
    print(f"{sys.argv[3]}: {reply.decode('ascii')}", flush=True)

else:
    frontend = context.socket(zmq.ROUTER)
    frontend.bind(sys.argv[2])
    backend = context.socket(zmq.ROUTER)
    backend.bind(sys.argv[3])
    print(
        "listening on "
        f"{frontend.getsockopt_string(zmq.LAST_ENDPOINT)} "
        f"{backend.getsockopt_string(zmq.LAST_ENDPOINT)}",
        flush=True,
    )
    replies = int(sys.argv[4])

    # Queue of available workers
    workers = []

    poller = zmq.Poller()
    # Only poll for requests from backend until workers are available
    poller.register(backend, zmq.POLLIN)

    while replies > 0:
        sockets = dict(poller.poll(10000))
        if not sockets:
            break

        if backend in sockets:
            # Handle worker activity on the backend
            request = backend.recv_multipart()
            worker, empty, client = request[:3]
            if not workers:
                # Poll for clients now that a worker is available
                poller.register(frontend, zmq.POLLIN)
            workers.append(worker)
            if client != b"READY" and len(request) > 3:
                # If client reply, send rest back to frontend
                empty, reply = request[3:]
                frontend.send_multipart([client, b"", reply])
                replies -= 1

        if frontend in sockets:
            # Get next client request, route to last-used worker
            client, empty, request = frontend.recv_multipart()
            worker = workers.pop(0)
            backend.send_multipart([worker, b"", client, b"", request])
            if not workers:
                # Don't poll clients if no workers are available
                poller.unregister(frontend)

# Closes every socket, giving what was sent a second to go out.
context.destroy(linger=1000)
