#!/usr/bin/env python3
"""A REP server in Python (pyzmq) for the requester interop tests, written to the guide's
Lazy Pirate server (lpserver.py), nothing sluice-specific: it connects a REP to argv[1] and
answers each request [body, ...] with [b"re:" + body, ...].

  rep_server.py <endpoint> <mode> <seed>
  mode: "plain"   answers at once
        "slow"    sleeps 1 ms before each answer
        "drop"    now and then (1 in 100) drops the request unanswered: it closes its socket and
                  connects a fresh one, as a Lazy Pirate server that lost its state would

It prints "connected" once its socket is connected, and exits after two minutes whatever
happens, so it never outlives a test that forgot it (the tests kill it long before).
"""
import random
import sys
import time

import zmq

endpoint, mode, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = random.Random(seed)
context = zmq.Context()


def connect():
    sock = context.socket(zmq.REP)
    sock.setsockopt(zmq.LINGER, 0)
    sock.setsockopt(zmq.RCVTIMEO, 500)
    sock.connect(endpoint)
    return sock


sock = connect()
print("connected", flush=True)
deadline = time.monotonic() + 120
while time.monotonic() < deadline:
    try:
        frames = sock.recv_multipart()
    except zmq.Again:
        continue
    if mode == "drop" and rng.random() < 0.01:
        sock.close(linger=0)
        sock = connect()
        continue
    if mode == "slow":
        time.sleep(0.001)
    sock.send_multipart([b"re:" + frames[0]] + frames[1:])
sock.close(linger=0)
context.term()
