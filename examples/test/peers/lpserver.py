# The guide's lpserver.py (Lazy Pirate server), from github.com/booksbyus/zguide
# examples/Python/lpserver.py, as a test peer. Changed only: it binds argv[1] (a wildcard port
# is fine: the first line it prints on stdout is the endpoint it got) and exits after argv[2]
# requests instead of serving forever. Otherwise as the guide has it: it echoes each request
# after a second of "work", and from the fifth request on it may run slowly or "crash" at
# random, so a test that wants no surprises asks for 4 requests or fewer. It logs on stderr.
#
#  Lazy Pirate server
#  Binds REQ socket to tcp://*:5555
#  Like hwserver except:
#   - echoes request as-is
#   - randomly runs slowly, or exits to simulate a crash.
#
#   Author: Daniel Lundin <dln(at)eintr(dot)org>
#
from random import randint
import logging
import sys
import time
import zmq

logging.basicConfig(format="%(levelname)s: %(message)s", level=logging.INFO)

context = zmq.Context()
server = context.socket(zmq.REP)
server.bind(sys.argv[1])
print(f"listening on {server.getsockopt_string(zmq.LAST_ENDPOINT)}", flush=True)

for cycles in range(int(sys.argv[2])):
    request = server.recv()

    # Simulate various problems, after a few cycles
    if cycles > 3 and randint(0, 3) == 0:
        logging.info("Simulating a crash")
        break
    elif cycles > 3 and randint(0, 3) == 0:
        logging.info("Simulating CPU overload")
        time.sleep(2)

    logging.info("Normal request (%s)", request)
    time.sleep(1)  # Do some heavy work
    server.send(request)

# Added: let the last reply go out before the process exits.
server.close(linger=1000)
context.term()
