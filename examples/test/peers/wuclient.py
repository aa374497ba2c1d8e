# The guide's wuclient.py (weather update client), as a test peer: connects to argv[1],
# subscribes to the prefix argv[2] and reads argv[3] updates, printing each one as it came
# (bytes repr), then the average. A receive timeout bounds it.
import sys

import zmq

endpoint, zip_filter, count = sys.argv[1], sys.argv[2], int(sys.argv[3])

#  Socket to talk to server
context = zmq.Context()
socket = context.socket(zmq.SUB)
socket.setsockopt(zmq.RCVTIMEO, 10000)

print("Collecting updates from weather server...", flush=True)
socket.connect(endpoint)

socket.setsockopt_string(zmq.SUBSCRIBE, zip_filter)

# Process count updates
total_temp = 0
for update_nbr in range(count):
    message = socket.recv()
    print(f"update {message}", flush=True)
    zipcode, temperature, relhumidity = message.decode().split()
    total_temp += int(temperature)

print(
    "Average temperature for zipcode '%s' was %dF" % (zip_filter, total_temp / (update_nbr + 1)),
    flush=True,
)

socket.close(linger=0)
context.term()
