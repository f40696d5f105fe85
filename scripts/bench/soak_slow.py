#!/usr/bin/env python3
"""Slow clients of scripts/bench/soak.sh, alongside wrk, on 127.0.0.1 only.

    soak_slow.py PORT SECONDS TIMEOUT [CONNECTIONS]

Half the connections trickle a valid request a few bytes at a time, finishing within the
server's TIMEOUT, and must get a 200; the other half are slowloris clients that send a header
line every second and never finish, and must be closed by the server within TIMEOUT plus two
seconds. Each connection starts again until SECONDS have passed. Prints one JSON object:
trickle_ok, trickle_failed, slowloris_cut, slowloris_overdue, max_slowloris_s.
"""
import json
import socket
import sys
import threading
import time

port, seconds, timeout = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
connections = int(sys.argv[4]) if len(sys.argv) > 4 else 4
deadline = time.monotonic() + seconds
counts = {"trickle_ok": 0, "trickle_failed": 0, "slowloris_cut": 0, "slowloris_overdue": 0, "max_slowloris_s": 0.0}
lock = threading.Lock()
body = b'{"input": "Why Exercise Alone May Not Be the Key to Weight Loss"}'
request = (b"POST /invocations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
           b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)


def count(key, value=1):
    with lock:
        counts[key] += value


def trickle():
    # The whole request in about half the timeout, in pieces of 8 bytes.
    pause = min(0.5, timeout / 2 / (len(request) / 8))
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=timeout + 5) as s:
                for i in range(0, len(request), 8):
                    s.sendall(request[i:i + 8])
                    time.sleep(pause)
                answer = b""
                while b"\r\n\r\n" not in answer:
                    chunk = s.recv(4096)
                    if not chunk:
                        break
                    answer += chunk
            count("trickle_ok" if answer.startswith(b"HTTP/1.1 200 ") else "trickle_failed")
        except OSError:
            count("trickle_failed")


def slowloris():
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=timeout + 5) as s:
                s.sendall(b"POST /invocations HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                s.settimeout(1.0)
                n = 0
                while True:
                    try:
                        if not s.recv(4096):
                            break  # closed by the server
                    except socket.timeout:
                        pass
                    if time.monotonic() - started > timeout + 2:
                        break
                    n += 1
                    s.sendall(b"X-Slow-%d: %d\r\n" % (n, n))
        except OSError:
            pass  # a reset: closed by the server as well
        held = time.monotonic() - started
        with lock:
            counts["max_slowloris_s"] = max(counts["max_slowloris_s"], round(held, 2))
        count("slowloris_cut" if held <= timeout + 2 else "slowloris_overdue")


threads = [threading.Thread(target=trickle if i % 2 == 0 else slowloris) for i in range(connections)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(json.dumps(counts))
