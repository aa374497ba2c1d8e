#!/usr/bin/env python3
"""The guide's shared queue (rrbroker.py / msgqueue.py) in Python (pyzmq), for the requester
interop tests: a ROUTER frontend bound at argv[1] and a DEALER backend bound at argv[2], joined by
zmq.proxy, which passes every envelope through unchanged. REP servers connect to the backend.
It prints "frontend <endpoint>" and "backend <endpoint>" once bound (a wildcard tcp port
resolved), and is killed by the test (it also exits when its stdin closes)."""
import sys
import threading

import zmq

context = zmq.Context()
frontend = context.socket(zmq.ROUTER)
backend = context.socket(zmq.DEALER)
endpoints = []
for sock, address in ((frontend, sys.argv[1]), (backend, sys.argv[2])):
    sock.setsockopt(zmq.LINGER, 0)
    if address.startswith("tcp://") and address.endswith(":*"):
        sock.bind_to_random_port(address[: -len(":*")])
    else:
        sock.bind(address)
    endpoints.append(sock.getsockopt_string(zmq.LAST_ENDPOINT))
print(f"frontend {endpoints[0]}", flush=True)
print(f"backend {endpoints[1]}", flush=True)
threading.Thread(target=zmq.proxy, args=(frontend, backend), daemon=True).start()
sys.stdin.read()  # until the test closes stdin or kills the process
