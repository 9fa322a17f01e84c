"""A PostgreSQL outage for one test's database only: a TCP proxy between the app and the shared
server (which is never restarted: other people and CI use it).

`PostgresOutage.begin()` does what a restart does to the app: every open connection is cut
(both ways: the app reads "server closed the connection unexpectedly", the server's backend
rolls back its transaction) and new connections are refused until `end()`, when the same port
accepts again. The test points the app's connections at `port`."""

from __future__ import annotations

import contextlib
import socket
import threading
import time


class PostgresOutage:
    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.port = 0
        self.accepted = 0
        self._listener: socket.socket | None = None
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()

    # --- up and down ----------------------------------------------------------------------

    def start(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(128)
        listener.settimeout(0.05)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def begin(self) -> int:
        """PostgreSQL goes away: refuse new connections, cut the open ones. Returns how many
        connections were cut."""
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        with self._lock:
            cut = list(self._open)
        for sock in cut:
            _close(sock)
        return len(cut) // 2

    def end(self) -> None:
        """PostgreSQL is back on the same address."""
        deadline = time.monotonic() + 5
        while True:
            try:
                self.start()
                return
            except OSError:  # the old listener's port not free yet
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    @property
    def open_connections(self) -> int:
        with self._lock:
            return len(self._open) // 2

    # --- the relay ------------------------------------------------------------------------

    def _accept(self, listener: socket.socket) -> None:
        while self._listener is listener:
            try:
                client, _address = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return  # closed by begin()
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                _close(client)
                continue
            client.settimeout(None)
            upstream.settimeout(None)
            with self._lock:
                self._open.update((client, upstream))
                self.accepted += 1
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, target), daemon=True).start()

    def _pipe(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            with self._lock:
                self._open.difference_update((source, target))
            _close(source)
            _close(target)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()
