# The guide's Majordomo broker (mdbroker.py, 7/MDP: MDPC01/MDPW01), as a test peer, written to
# the spec: one ROUTER bound at argv[1] (a wildcard port is fine: the first line printed is the
# endpoint it got) for clients and workers; requests queue per service and go to its waiting
# workers, oldest first; waiting workers are heartbeaten every argv[2] ms (default 2500) and
# forgotten after 3 silent heartbeats. It exits after two minutes whatever happens, so it never
# outlives a test that forgot it.
import sys
import time

import zmq

MDPC01, MDPW01 = b"MDPC01", b"MDPW01"
READY, REQUEST, REPLY, HEARTBEAT, DISCONNECT = b"\x01", b"\x02", b"\x03", b"\x04", b"\x05"
LIVENESS = 3

endpoint = sys.argv[1]
interval = (int(sys.argv[2]) if len(sys.argv) > 2 else 2500) / 1000.0
expiry_after = interval * LIVENESS

context = zmq.Context()
socket = context.socket(zmq.ROUTER)
socket.setsockopt(zmq.LINGER, 0)
socket.bind(endpoint)
print(f"listening on {socket.getsockopt_string(zmq.LAST_ENDPOINT)}", flush=True)

services = {}  # name -> {"requests": [[client, b"", body...]], "waiting": [worker identity]}
workers = {}  # identity -> {"service": name or None, "expiry": t}
waiting = []  # identities, oldest first


def service(name):
    return services.setdefault(name, {"requests": [], "waiting": []})


def delete_worker(identity, disconnect):
    if disconnect:
        socket.send_multipart([identity, b"", MDPW01, DISCONNECT])
    if identity in waiting:
        waiting.remove(identity)
    w = workers.pop(identity, None)
    if w and w["service"] is not None and identity in services[w["service"]]["waiting"]:
        services[w["service"]]["waiting"].remove(identity)


def purge():
    while waiting and workers[waiting[0]]["expiry"] < time.time():
        delete_worker(waiting[0], False)


def dispatch(name):
    s = services[name]
    purge()
    while s["waiting"] and s["requests"]:
        request = s["requests"].pop(0)
        identity = s["waiting"].pop(0)
        waiting.remove(identity)
        socket.send_multipart([identity, b"", MDPW01, REQUEST] + request)


def worker_waiting(identity):
    workers[identity]["expiry"] = time.time() + expiry_after
    waiting.append(identity)
    services[workers[identity]["service"]]["waiting"].append(identity)
    dispatch(workers[identity]["service"])


def from_worker(identity, msg):
    command = msg.pop(0) if msg else b""
    ready = identity in workers
    w = workers.setdefault(identity, {"service": None, "expiry": 0})
    if command == READY:
        if ready or not msg or msg[0].startswith(b"mmi."):
            delete_worker(identity, True)
        else:
            w["service"] = msg[0]
            service(msg[0])
            worker_waiting(identity)
    elif command == REPLY:
        if ready and w["service"] is not None:
            client, _empty = msg.pop(0), msg.pop(0)
            socket.send_multipart([client, b"", MDPC01, w["service"]] + msg)
            worker_waiting(identity)
        else:
            delete_worker(identity, True)
    elif command == HEARTBEAT:
        if ready:
            w["expiry"] = time.time() + expiry_after
        else:
            delete_worker(identity, True)
    elif command == DISCONNECT:
        delete_worker(identity, False)
    else:
        delete_worker(identity, True)


def from_client(client, msg):
    name = msg.pop(0)
    if name.startswith(b"mmi."):
        known = name == b"mmi.service" and msg and services.get(msg[0], {}).get("waiting")
        code = b"200" if known else (b"404" if name == b"mmi.service" else b"501")
        socket.send_multipart([client, b"", MDPC01, name, code])
        return
    service(name)["requests"].append([client, b""] + msg)
    dispatch(name)


poller = zmq.Poller()
poller.register(socket, zmq.POLLIN)
heartbeat_at = time.time() + interval
deadline = time.monotonic() + 120
while time.monotonic() < deadline:
    if poller.poll(interval * 1000):
        msg = socket.recv_multipart()
        if len(msg) >= 3 and msg[1] == b"":
            sender, header, rest = msg[0], msg[2], msg[3:]
            if header == MDPC01:
                from_client(sender, rest)
            elif header == MDPW01:
                from_worker(sender, rest)
    if time.time() > heartbeat_at:
        purge()
        for identity in waiting:
            socket.send_multipart([identity, b"", MDPW01, HEARTBEAT])
        heartbeat_at = time.time() + interval
socket.close(linger=0)
context.term()
