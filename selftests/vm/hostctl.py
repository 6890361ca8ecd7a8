#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Host side of the test VM's control channel.

The guest writes one request per line to its second serial port (ttyS1),
which QEMU connects to the unix socket CTL; this program carries each request
out through QEMU's QMP socket and answers "ok" or "err MESSAGE":

    hotadd ID SIZE NODE [ADDR]  object-add memory-backend-ram + device_add pc-dimm
    hotremove ID                device_del, wait for DEVICE_DELETED, object-del
"""
import json
import socket
import sys
import time


def connect(path, timeout=60):
    deadline = time.time() + timeout
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(path)
            return s
        except OSError:
            s.close()
            if time.time() > deadline:
                raise
            time.sleep(0.1)


class QMP:
    def __init__(self, path):
        self.sock = connect(path)
        self.file = self.sock.makefile("rw")
        self.events = []
        self.recv()  # greeting
        self.cmd("qmp_capabilities")

    def recv(self, timeout=None):
        self.sock.settimeout(timeout)
        line = self.file.readline()
        if not line:
            raise EOFError("QMP closed")
        return json.loads(line)

    def cmd(self, name, **args):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.file.write(json.dumps(msg) + "\n")
        self.file.flush()
        while True:
            r = self.recv(30)
            if "event" in r:
                self.events.append(r)
                continue
            if "error" in r:
                raise RuntimeError(r["error"].get("desc", str(r["error"])))
            return r.get("return")

    def wait_event(self, name, pred, timeout):
        deadline = time.time() + timeout
        while True:
            for e in self.events:
                if e["event"] == name and pred(e):
                    self.events.remove(e)
                    return e
            left = deadline - time.time()
            if left <= 0:
                raise TimeoutError(f"no {name} within {timeout}s")
            try:
                r = self.recv(left)
            except socket.timeout:
                continue
            if "event" in r:
                self.events.append(r)


def parse_size(s):
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    if s[-1].upper() in units:
        return int(s[:-1]) * units[s[-1].upper()]
    return int(s)


def handle(qmp, words):
    if words[0] == "hotadd" and len(words) in (4, 5):
        dimm, size, node = words[1], parse_size(words[2]), int(words[3])
        qmp.cmd("object-add", **{"qom-type": "memory-backend-ram", "id": "mem-" + dimm, "size": size})
        dev = {"driver": "pc-dimm", "id": dimm, "memdev": "mem-" + dimm, "node": node}
        if len(words) == 5:
            dev["addr"] = int(words[4], 0)
        try:
            qmp.cmd("device_add", **dev)
        except RuntimeError:
            qmp.cmd("object-del", id="mem-" + dimm)
            raise
        return "ok"
    if words[0] == "hotremove" and len(words) == 2:
        dimm = words[1]
        qmp.cmd("device_del", id=dimm)
        qmp.wait_event("DEVICE_DELETED", lambda e: e.get("data", {}).get("device") == dimm, 60)
        qmp.cmd("object-del", id="mem-" + dimm)
        return "ok"
    return "err unknown request"


def main():
    qmp_path, ctl_path = sys.argv[1], sys.argv[2]
    qmp = QMP(qmp_path)
    ctl = connect(ctl_path)
    buf = b""
    while True:
        data = ctl.recv(4096)
        if not data:
            return 0
        buf += data
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            words = line.decode(errors="replace").strip().split()
            if not words:
                continue
            try:
                reply = handle(qmp, words)
            except Exception as e:  # any failure is the guest's answer
                reply = "err " + str(e).replace("\n", " ")
            print(f"hostctl: {' '.join(words)} -> {reply}", file=sys.stderr, flush=True)
            ctl.sendall((reply + "\n").encode())


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (EOFError, ConnectionError, OSError):
        sys.exit(0)
