# The guide's rrworker.py (request-reply worker, behind a queue device), as a test peer:
# connects a REP to argv[1] and answers each "Hello" with "World", printing what it received,
# until nothing has come for 10 s (the guide's also sleeps a second per request: not here).
import sys

import zmq

context = zmq.Context()
socket = context.socket(zmq.REP)
socket.setsockopt(zmq.RCVTIMEO, 10000)
socket.connect(sys.argv[1])

try:
    while True:
        message = socket.recv()
        print(f"Received request: {message.decode('ascii')}", flush=True)
        socket.send(b"World")
except zmq.Again:
    pass

context.destroy(linger=1000)
