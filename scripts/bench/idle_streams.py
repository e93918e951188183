#!/usr/bin/env python3
"""Opens N idle live streams (Server-Sent Events) on a server and reports what they cost it.

Usage: idle_streams.py PID HOST PORT PATH N
Prints one line: `streams=N rss_before_mb=.. rss_after_mb=.. added_mb=.. per_stream_kb=..`.
RSS is the server process's VmRSS, read after each stream has sent its opening frame and the
server has sat idle for two seconds. Exits non-zero when a stream does not open.
"""
import socket
import sys
import time


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise SystemExit(f"no VmRSS for pid {pid}")


def main():
    pid, host, port, path, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
    time.sleep(1)
    before = rss_kb(pid)
    request = (f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: text/event-stream\r\n"
               "Accept-Encoding: gzip, br\r\n\r\n").encode()
    streams = []
    for i in range(count):
        s = socket.create_connection((host, port), timeout=10)
        s.sendall(request)
        seen = b""
        while b": connected" not in seen:
            chunk = s.recv(4096)
            if not chunk:
                raise SystemExit(f"stream {i} closed before it opened: {seen[:200]!r}")
            seen += chunk
        if b" 200 " not in seen.split(b"\r\n", 1)[0]:
            raise SystemExit(f"stream {i} did not answer 200: {seen[:200]!r}")
        streams.append(s)
    time.sleep(2)
    after = rss_kb(pid)
    added = (after - before) / 1024
    print(f"streams={count} rss_before_mb={before / 1024:.1f} rss_after_mb={after / 1024:.1f} "
          f"added_mb={added:.1f} per_stream_kb={(after - before) / count:.1f}")
    for s in streams:
        s.close()


if __name__ == "__main__":
    main()
