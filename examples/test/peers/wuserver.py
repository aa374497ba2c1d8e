# The guide's wuserver.py (weather update server), as a test peer: binds argv[1] (the first
# line printed is the endpoint it got) and publishes random updates, one frame each, in the C
# version's "%05d %d %d" format, until it has run argv[2] seconds (a test kills it sooner).
import sys
import time
from random import randrange

import zmq

endpoint, seconds = sys.argv[1], float(sys.argv[2])

context = zmq.Context()
socket = context.socket(zmq.PUB)
socket.bind(endpoint)
print(f"listening on {socket.getsockopt_string(zmq.LAST_ENDPOINT)}", flush=True)

deadline = time.monotonic() + seconds
while time.monotonic() < deadline:
    for _ in range(1000):
        zipcode = randrange(100000)
        temperature = randrange(-80, 135)
        relhumidity = randrange(10, 60)

        socket.send_string(f"{zipcode:05d} {temperature} {relhumidity}")

socket.close(linger=0)
context.term()
