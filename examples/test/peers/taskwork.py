# The guide's taskwork.py (task worker), as a test peer: pulls workloads from argv[1], pushes
# an empty result to the sink at argv[2] for each, argv[3] times, printing each workload as it
# came (bytes repr). A receive timeout bounds it.
import sys
import time

import zmq

tasks_endpoint, sink_endpoint, count = sys.argv[1], sys.argv[2], int(sys.argv[3])

context = zmq.Context()

# Socket to receive messages on
receiver = context.socket(zmq.PULL)
receiver.setsockopt(zmq.RCVTIMEO, 10000)
receiver.connect(tasks_endpoint)

# Socket to send messages to
sender = context.socket(zmq.PUSH)
sender.connect(sink_endpoint)

# Process tasks
for _ in range(count):
    s = receiver.recv()
    print(f"task {s}", flush=True)

    # Do the work
    time.sleep(int(s) * 0.001)

    # Send results to sink
    sender.send(b'')

receiver.close(linger=0)
sender.close(linger=5000)
context.term()
