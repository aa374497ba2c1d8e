# The guide's rrclient.py (request-reply client, behind a queue device), as a test peer:
# connects a REQ to argv[1] and sends "Hello" argv[2] times, printing each reply as the guide's
# does. A receive timeout bounds it.
import sys

import zmq

endpoint, count = sys.argv[1], int(sys.argv[2])

#  Prepare our context and sockets
context = zmq.Context()
socket = context.socket(zmq.REQ)
socket.setsockopt(zmq.RCVTIMEO, 10000)
socket.connect(endpoint)

#  Do count requests, waiting each time for a response
for request in range(count):
    socket.send(b"Hello")
    message = socket.recv()
    print(f"Received reply {request} [{message.decode('ascii')}]", flush=True)

context.destroy(linger=0)
