# The guide's hwserver.py (Hello World server), as a test peer: binds argv[1] (a wildcard port
# is fine: the first line printed is the endpoint it got), answers argv[2] requests, no sleep.
# A receive timeout bounds it: it never outlives a test that forgot it.
import sys

import zmq

endpoint, count = sys.argv[1], int(sys.argv[2])

context = zmq.Context()
socket = context.socket(zmq.REP)
socket.setsockopt(zmq.RCVTIMEO, 10000)
socket.bind(endpoint)
print(f"listening on {socket.getsockopt_string(zmq.LAST_ENDPOINT)}", flush=True)

for _ in range(count):
    #  Wait for next request from client
    message = socket.recv()
    print(f"Received request: {message}", flush=True)

    #  Send reply back to client
    socket.send(b"World")

socket.close(linger=1000)
context.term()
