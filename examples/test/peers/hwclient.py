# The guide's hwclient.py (Hello World client), as a test peer: connects to argv[1] and sends
# argv[2] requests. A receive timeout bounds it: it never outlives a test that forgot it.
import sys

import zmq

endpoint, count = sys.argv[1], int(sys.argv[2])

context = zmq.Context()

#  Socket to talk to server
print("Connecting to hello world server...", flush=True)
socket = context.socket(zmq.REQ)
socket.setsockopt(zmq.RCVTIMEO, 10000)
socket.connect(endpoint)

#  Do count requests, waiting each time for a response
for request in range(count):
    print(f"Sending request {request} ...", flush=True)
    socket.send(b"Hello")

    #  Get the reply.
    message = socket.recv()
    print(f"Received reply {request} [ {message} ]", flush=True)

socket.close(linger=0)
context.term()
