# The guide's tasksink.py (task sink), as a test peer: binds argv[1] (the first line printed is
# the endpoint it got), waits for the start of the batch, then collects argv[2] results,
# printing each message as it came (bytes repr). A receive timeout bounds it.
import sys
import time

import zmq

endpoint, count = sys.argv[1], int(sys.argv[2])

context = zmq.Context()

# Socket to receive messages on
receiver = context.socket(zmq.PULL)
receiver.setsockopt(zmq.RCVTIMEO, 10000)
receiver.bind(endpoint)
print(f"listening on {receiver.getsockopt_string(zmq.LAST_ENDPOINT)}", flush=True)

# Wait for start of batch
s = receiver.recv()
print(f"start {s}", flush=True)

# Start our clock now
tstart = time.time()

# Process count confirmations
for task_nbr in range(count):
    s = receiver.recv()
    print(f"result {s}", flush=True)

# Calculate and report duration of batch
tend = time.time()
print(f"Total elapsed time: {(tend-tstart)*1000} msec", flush=True)

receiver.close(linger=0)
context.term()
