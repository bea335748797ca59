"""A resolver that fails loudly on any name but localhost, for every Python process the end-to-end
tests start: Python imports `sitecustomize` at start-up from its path, so with this folder on
PYTHONPATH the Prefect server, the worker and each flow-run process the worker spawns install it
before any of their own code runs. The test process installs it too (`install`).

Installed, `socket.getaddrinfo`, `gethostbyname(_ex)`, `gethostbyaddr`, `create_connection` and
`socket.connect(_ex)` refuse any host that is not localhost or a loopback address (unspecified
addresses, for binding, pass): the call raises (`socket.gaierror`, `ConnectionRefusedError`) before
anything leaves the process, and a JSON line naming the process, its flow run and the host is appended
to $RADAR_NETGUARD_LOG. Each process also logs that it loaded the guard, so a test can tell that the
flow-run processes had it.
"""

from __future__ import annotations

import ipaddress
import json
import os
import socket
import sys

LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}
_real = {name: getattr(socket, name) for name in
         ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr", "create_connection")}
_real_connect, _real_connect_ex = socket.socket.connect, socket.socket.connect_ex


def is_local(host: object) -> bool:
    if host is None:
        return True  # getaddrinfo(None, port): the wildcard address, for binding
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    name = str(host).strip("[]").lower().rstrip(".")
    if name in LOCAL_NAMES or name.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(name.split("%")[0])
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def _record(**event: object) -> None:
    path = os.environ.get("RADAR_NETGUARD_LOG")
    if path:
        line = {"pid": os.getpid(), "flow_run_id": os.environ.get("PREFECT__FLOW_RUN_ID"), "argv": sys.argv[:3],
                **event}
        with open(path, "a", encoding="utf-8") as log:
            log.write(json.dumps(line, default=str) + "\n")


def _refuse(call: str, host: object) -> None:
    _record(event="refused", call=call, host=host)
    message = f"netguard: {call}({host!r}) refused: the end-to-end tests allow only localhost"
    if call in ("connect", "connect_ex", "create_connection"):
        raise ConnectionRefusedError(message)
    raise socket.gaierror(socket.EAI_NONAME, message)


def _guarded(name: str):
    real = _real[name]

    def check(host, *args, **kwargs):
        target = host[0] if name == "create_connection" and isinstance(host, tuple) else host
        if not is_local(target):
            _refuse(name, target)
        return real(host, *args, **kwargs)

    check.__name__ = name
    return check


def _guarded_connect(real):
    def connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and isinstance(address, tuple) \
                and not is_local(address[0]):
            _refuse(real.__name__, address[0])
        return real(self, address)

    return connect


def install() -> None:
    for name in _real:
        setattr(socket, name, _guarded(name))
    socket.socket.connect = _guarded_connect(_real_connect)
    socket.socket.connect_ex = _guarded_connect(_real_connect_ex)


def uninstall() -> None:
    for name, real in _real.items():
        setattr(socket, name, real)
    socket.socket.connect, socket.socket.connect_ex = _real_connect, _real_connect_ex


if __name__ == "sitecustomize":  # at start-up of a process with this folder on PYTHONPATH
    install()
    _record(event="loaded")
