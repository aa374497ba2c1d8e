#!/usr/bin/env python3
"""A ZeroMQ peer in Python (pyzmq), driven by the interop tests over stdin/stdout.

One JSON command per line on stdin, one JSON reply per line on stdout, in order. Frames travel
as base64. The same protocol is spoken by peer.js (plain zeromq.js), so every interop case runs
against either. Commands:

  {"op": "open", "id": ..., "type": "req", "bind"|"connect": endpoint,
   "routingId": str?, "subscribe": [b64]?, "curveServerKey"/"curvePublicKey"/"curveSecretKey",
   "curveServer", "plainUsername"/"plainPassword", "plainServer": {user: password}
   (python only; PLAIN needs a ZAP handler: pyzmq's ThreadAuthenticator, started once on a
   context of its own, so that the other sockets keep having none)}
                                                   -> {"ok": true, "endpoint": resolved}
  {"op": "send", "id": ..., "frames": [b64]}       -> {"ok": true}
  {"op": "recv", "id": ..., "timeout": ms}         -> {"ok": true, "frames": [b64]} | {"ok": true, "timeout": true}
  {"op": "subscribe"|"unsubscribe", "id": ..., "topic": b64} -> {"ok": true}
  {"op": "close", "id": ...} / {"op": "closeAll"}  -> {"ok": true}
  {"op": "exit"}                                   -> {"ok": true}, then the process exits
Failures reply {"ok": false, "error": "..."}; end of stdin closes everything and exits.
"""
import base64
import json
import sys

import zmq

TYPES = {
    "pair": zmq.PAIR, "pub": zmq.PUB, "sub": zmq.SUB, "xpub": zmq.XPUB, "xsub": zmq.XSUB,
    "req": zmq.REQ, "rep": zmq.REP, "dealer": zmq.DEALER, "router": zmq.ROUTER,
    "push": zmq.PUSH, "pull": zmq.PULL, "stream": zmq.STREAM,
}

# A blocked send must come back as an error, never wedge the peer (the tests bound every wait).
SEND_TIMEOUT_MS = 2000
LINGER_MS = 200

context = zmq.Context()
plain_context = None  # the PLAIN servers', whose ZAP handler would judge every other socket too
sockets = {}
authenticator = None


def reply(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def decode(frames):
    return [base64.b64decode(f) for f in frames]


def encode(frames):
    return [base64.b64encode(f).decode("ascii") for f in frames]


def open_socket(cmd):
    global plain_context, authenticator
    if "plainServer" in cmd and plain_context is None:
        from zmq.auth.thread import ThreadAuthenticator

        plain_context = zmq.Context()
        authenticator = ThreadAuthenticator(plain_context)
        authenticator.start()
    sock = (plain_context if "plainServer" in cmd else context).socket(TYPES[cmd["type"]])
    sock.setsockopt(zmq.LINGER, LINGER_MS)
    sock.setsockopt(zmq.SNDTIMEO, SEND_TIMEOUT_MS)
    if "routingId" in cmd:
        sock.setsockopt(zmq.ROUTING_ID, cmd["routingId"].encode())
    # Security (Z85 keys as strings): a CURVE client, a CURVE server, a PLAIN client or server.
    if "curveServerKey" in cmd:
        sock.setsockopt(zmq.CURVE_SERVERKEY, cmd["curveServerKey"].encode())
        sock.setsockopt(zmq.CURVE_PUBLICKEY, cmd["curvePublicKey"].encode())
        sock.setsockopt(zmq.CURVE_SECRETKEY, cmd["curveSecretKey"].encode())
    if cmd.get("curveServer"):
        sock.setsockopt(zmq.CURVE_SERVER, 1)
        sock.setsockopt(zmq.CURVE_SECRETKEY, cmd["curveSecretKey"].encode())
    if "plainUsername" in cmd:
        sock.setsockopt(zmq.PLAIN_USERNAME, cmd["plainUsername"].encode())
        sock.setsockopt(zmq.PLAIN_PASSWORD, cmd["plainPassword"].encode())
    if "plainServer" in cmd:
        authenticator.configure_plain(domain="*", passwords=cmd["plainServer"])
        sock.setsockopt(zmq.PLAIN_SERVER, 1)
    for topic in cmd.get("subscribe", []):
        sock.setsockopt(zmq.SUBSCRIBE, base64.b64decode(topic))
    if "bind" in cmd:
        address = cmd["bind"]
        if address.startswith("tcp://") and address.endswith(":*"):
            sock.bind_to_random_port(address[: -len(":*")])
        else:
            sock.bind(address)
    else:
        sock.connect(cmd["connect"])
    sockets[cmd["id"]] = sock
    endpoint = sock.getsockopt(zmq.LAST_ENDPOINT).decode() if "bind" in cmd else cmd["connect"]
    return {"ok": True, "endpoint": endpoint}


def handle(cmd):
    op = cmd["op"]
    if op == "open":
        return open_socket(cmd)
    if op == "closeAll":
        for sock in sockets.values():
            sock.close(linger=0)
        sockets.clear()
        return {"ok": True}
    if op == "exit":
        return {"ok": True}
    sock = sockets[cmd["id"]]
    if op == "send":
        sock.send_multipart(decode(cmd["frames"]))
        return {"ok": True}
    if op == "recv":
        if sock.poll(cmd.get("timeout", 1000), zmq.POLLIN) == 0:
            return {"ok": True, "timeout": True}
        return {"ok": True, "frames": encode(sock.recv_multipart())}
    if op == "subscribe":
        sock.setsockopt(zmq.SUBSCRIBE, base64.b64decode(cmd["topic"]))
        return {"ok": True}
    if op == "unsubscribe":
        sock.setsockopt(zmq.UNSUBSCRIBE, base64.b64decode(cmd["topic"]))
        return {"ok": True}
    if op == "close":
        sockets.pop(cmd["id"]).close(linger=0)
        return {"ok": True}
    raise ValueError("unknown op " + repr(op))


def main():
    reply({"ready": True, "peer": "python", "versions": "pyzmq %s, libzmq %s" % (zmq.__version__, zmq.zmq_version())})
    while True:
        line = sys.stdin.readline()
        if not line:
            break
        cmd = json.loads(line)
        try:
            result = handle(cmd)
        except Exception as e:  # every failure is a reply: the test decides what it means
            result = {"ok": False, "error": "%s: %s" % (type(e).__name__, e)}
        reply(result)
        if cmd["op"] == "exit":
            break
    for sock in sockets.values():
        sock.close(linger=0)
    if authenticator is not None:
        authenticator.stop()
        plain_context.term()
    context.term()


if __name__ == "__main__":
    main()
