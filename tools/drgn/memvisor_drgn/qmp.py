# SPDX-License-Identifier: MIT
"""A minimal QMP client: one Unix socket, one command at a time."""

import json
import socket


class QmpError(Exception):
    """The VMM answered a command with an error, or the socket failed."""


class Qmp:
    def __init__(self, path):
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self.sock.connect(path)
        except OSError as e:
            self.sock.close()
            raise QmpError(f"cannot connect to {path}: {e.strerror}") from None
        self.file = self.sock.makefile("rb")
        greeting = self._read()
        if "QMP" not in greeting:
            raise QmpError(f"{path}: no QMP greeting")
        self.execute("qmp_capabilities")

    def _read(self):
        line = self.file.readline()
        if not line:
            raise QmpError(f"{self.path}: the VMM closed the socket")
        try:
            return json.loads(line)
        except ValueError:
            raise QmpError(f"{self.path}: not JSON: {line[:80]!r}") from None

    def execute(self, command, **args):
        """The command's "return"; events met on the way are dropped."""
        msg = {"execute": command}
        if args:
            msg["arguments"] = args
        self.sock.sendall(json.dumps(msg).encode() + b"\n")
        while True:
            reply = self._read()
            if "return" in reply:
                return reply["return"]
            if "error" in reply:
                err = reply["error"]
                raise QmpError(f"{command}: {err.get('desc', err)}")

    def close(self):
        self.file.close()
        self.sock.close()
