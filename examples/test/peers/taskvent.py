# The guide's taskvent.py (task ventilator), as a test peer: binds argv[1] for the workers
# (the first line printed is the endpoint it got), connects to the sink at argv[2], waits for
# Enter, sends the sink "0" (the batch starts), then argv[3] random workloads of 1..argv[4] ms,
# printing each as it went out (bytes repr).
import sys
import random
import time

import zmq

endpoint, sink_endpoint, count, max_ms = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])

context = zmq.Context()

# Socket to send messages on
sender = context.socket(zmq.PUSH)
sender.bind(endpoint)
print(f"listening on {sender.getsockopt_string(zmq.LAST_ENDPOINT)}", flush=True)

# Socket with direct access to the sink: used to synchronize start of batch
sink = context.socket(zmq.PUSH)
sink.connect(sink_endpoint)

print("Press Enter when the workers are ready: ", flush=True)
_ = input()
print("Sending tasks to workers...", flush=True)

# The first message is "0" and signals start of batch
sink.send(b'0')

# Initialize random number generator
random.seed()

# Send count tasks
total_msec = 0
for task_nbr in range(count):
    # Random workload from 1 to max_ms msecs
    workload = random.randint(1, max_ms)
    total_msec += workload

    message = f"{workload}".encode()
    sender.send(message)
    print(f"sent {message}", flush=True)

print(f"Total expected cost: {total_msec} msec", flush=True)

# Give 0MQ time to deliver
sender.close(linger=5000)
sink.close(linger=5000)
context.term()
