# The guide's Majordomo client (mdclient.py over mdcliapi, 7/MDP: MDPC01), as a test peer: a REQ
# connects to the broker at argv[1] and sends argv[3] requests to service argv[2], one by one,
# each waiting argv[4] ms (default 2500) for its reply and resent on a fresh socket up to
# argv[5] times (default 3) when none comes (the Lazy Pirate). It checks that each reply is the
# echo of its request, prints "N requests/replies processed", and exits 0 only when all were.
import sys

import zmq

MDPC01 = b"MDPC01"

endpoint, name, count = sys.argv[1], sys.argv[2].encode(), int(sys.argv[3])
timeout = int(sys.argv[4]) if len(sys.argv) > 4 else 2500
retries = int(sys.argv[5]) if len(sys.argv) > 5 else 3

context = zmq.Context()
poller = zmq.Poller()


def connect():
    sock = context.socket(zmq.REQ)
    sock.setsockopt(zmq.LINGER, 0)
    sock.connect(endpoint)
    poller.register(sock, zmq.POLLIN)
    return sock


socket = connect()
answered = 0
for i in range(count):
    body = b"Hello world %d" % i
    for attempt in range(retries + 1):
        socket.send_multipart([MDPC01, name, body])
        if poller.poll(timeout):
            reply = socket.recv_multipart()
            if reply == [MDPC01, name, body]:
                answered += 1
            else:
                print(f"E: not the echo of {body}: {reply}", flush=True)
            break
        poller.unregister(socket)
        socket.close(linger=0)
        socket = connect()
    else:
        print(f"E: no reply to {body}", flush=True)
print(f"{answered} requests/replies processed", flush=True)
socket.close(linger=0)
context.term()
sys.exit(0 if answered == count else 1)
