# The guide's Majordomo echo worker (mdworker.py over mdwrkapi, 7/MDP: MDPW01), as a test peer:
# a DEALER connects to the broker at argv[1], says READY for service argv[2], and answers each
# REQUEST with its own frames; it heartbeats every argv[3] ms (default 2500) and reconnects
# when the broker is silent for 3 heartbeats. It prints "ready" once it has said READY, and
# exits after two minutes whatever happens, so it never outlives a test that forgot it.
import sys
import time

import zmq

MDPW01 = b"MDPW01"
READY, REQUEST, REPLY, HEARTBEAT, DISCONNECT = b"\x01", b"\x02", b"\x03", b"\x04", b"\x05"
LIVENESS = 3

endpoint, name = sys.argv[1], sys.argv[2].encode()
interval = (int(sys.argv[3]) if len(sys.argv) > 3 else 2500) / 1000.0

context = zmq.Context()
poller = zmq.Poller()


def connect():
    sock = context.socket(zmq.DEALER)
    sock.setsockopt(zmq.LINGER, 0)
    sock.connect(endpoint)
    poller.register(sock, zmq.POLLIN)
    sock.send_multipart([b"", MDPW01, READY, name])
    return sock


socket = connect()
print("ready", flush=True)
liveness = LIVENESS
heartbeat_at = time.time() + interval
deadline = time.monotonic() + 120
while time.monotonic() < deadline:
    if poller.poll(interval * 1000):
        msg = socket.recv_multipart()
        liveness = LIVENESS
        if len(msg) >= 3 and msg[0] == b"" and msg[1] == MDPW01:
            command = msg[2]
            if command == REQUEST and len(msg) >= 5:
                client, body = msg[3], msg[5:]
                socket.send_multipart([b"", MDPW01, REPLY, client, b""] + body)
            elif command == DISCONNECT:
                liveness = 0
    else:
        liveness -= 1
    if liveness <= 0:
        poller.unregister(socket)
        socket.close(linger=0)
        time.sleep(interval)
        socket = connect()
        liveness = LIVENESS
    if time.time() > heartbeat_at:
        socket.send_multipart([b"", MDPW01, HEARTBEAT])
        heartbeat_at = time.time() + interval
socket.close(linger=0)
context.term()
