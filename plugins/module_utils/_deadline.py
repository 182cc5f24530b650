# -*- coding: utf-8 -*-
# Copyright: (c) 2026, nexgencloud.hyperstack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Internal to the nexgencloud.hyperstack collection: not a public API.

The total deadline of one attempt, which requests does not have: its timeouts bound each read,
so a server sending a byte a second holds them for ever. The session, adapter, pools and
connections below are requests' and urllib3's own, told which socket this thread's request
uses, so that a timer can end it at api_timeout.
"""

from __future__ import annotations

import _thread
import socket
import threading

try:
    import requests
    import urllib3  # requests' own transport: its connections are where the deadline ends a request
except ImportError:  # pragma: no cover - the client says which library is missing
    requests = None


class Deadline:
    """Ends one attempt at api_timeout, whatever it waits for: the connection, the TLS
    handshake, the status line, the headers or the body.

    requests' timeouts bound each read, so a server sending a byte a second holds them for
    ever. A timer shuts the socket down at the deadline instead, which wakes the read that
    waits on it; the attempt then fails as timed out.
    """

    # Where the connections below say which socket this thread's request is using.
    current = threading.local()

    def __init__(self, seconds):
        self.expired = False
        self._connection = None
        self._sock = None
        self._done = False
        self._lock = threading.Lock()
        # Held until the attempt ends; the watcher waits on it for the deadline. Started bare, not as a
        # threading.Timer, whose start() waits for the new thread to run: a context switch per attempt.
        self._ended = threading.Lock()
        self._ended.acquire()
        _thread.start_new_thread(self._watch, (seconds,))

    def _watch(self, seconds):
        while not self._ended.acquire(timeout=seconds):
            if self._expire():
                return
            # Still connecting (bounded by the connect timeout): look again shortly.
            seconds = 0.05

    def __enter__(self):
        Deadline.current.deadline = self
        return self

    def __exit__(self, *exc_info):
        with self._lock:
            self._done = True
        self._ended.release()
        Deadline.current.deadline = None

    @classmethod
    def watch(cls, connection, sock=None):
        deadline = getattr(cls.current, "deadline", None)
        if deadline is not None:
            deadline._connection, deadline._sock = connection, sock

    def _expire(self):
        """Shut the attempt's socket; false while it has none yet."""
        # Under the lock, so that no shutdown can come after __exit__, when the connection may
        # already serve the next request from the pool.
        with self._lock:
            if self._done:
                return True
            self.expired = True
            sock = self._sock or getattr(self._connection, "sock", None)
            # TLS inside a TLS proxy tunnel (urllib3's SSLTransport) wraps the socket itself.
            while sock is not None and not isinstance(sock, socket.socket):
                sock = getattr(sock, "socket", None)
            if sock is None:
                return False
            try:
                # socket's own shutdown, not SSLSocket's, which would drop the TLS state under a read.
                socket.socket.shutdown(sock, socket.SHUT_RDWR)
            except OSError:
                pass
            return True


if requests is not None:

    class Session(requests.Session):
        """A session that never looks at a redirect's Location.

        Even with allow_redirects=False, requests works out the next request from Location
        and decodes it as UTF-8, which crashes on a Latin-1 byte; redirects are never
        followed here, so there is no target to work out.
        """

        def get_redirect_target(self, resp):
            return None

    class _Watched:
        """Tells the deadline which connection this thread's request uses, new or reused."""

        def connect(self):
            Deadline.watch(self)
            super().connect()

        def request(self, *args, **kwargs):
            Deadline.watch(self)
            return super().request(*args, **kwargs)

        def getresponse(self, *args, **kwargs):
            # The socket itself: a response that ends with "Connection: close" takes it from the connection.
            Deadline.watch(self, self.sock)
            return super().getresponse(*args, **kwargs)

    class _HTTPConnection(_Watched, urllib3.connection.HTTPConnection):
        pass

    class _HTTPSConnection(_Watched, urllib3.connection.HTTPSConnection):
        pass

    class _HTTPPool(urllib3.connectionpool.HTTPConnectionPool):
        ConnectionCls = _HTTPConnection

    class _HTTPSPool(urllib3.connectionpool.HTTPSConnectionPool):
        ConnectionCls = _HTTPSConnection

    _POOLS = {"http": _HTTPPool, "https": _HTTPSPool}

    class Adapter(requests.adapters.HTTPAdapter):
        """requests' adapter, its pools making the connections above (proxied ones too)."""

        def init_poolmanager(self, *args, **kwargs):
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = _POOLS

        def proxy_manager_for(self, proxy, **proxy_kwargs):
            manager = super().proxy_manager_for(proxy, **proxy_kwargs)
            if isinstance(manager, urllib3.ProxyManager):  # a SOCKS manager keeps its own pools
                manager.pool_classes_by_scheme = _POOLS
            return manager

else:  # pragma: no cover - what the client imports; it refuses to start without requests before it uses any
    Session = Adapter = None
