"""Tells every API process that a merchant's credentials changed (a rolled secret, a new merchant), so that
each drops its in-memory credential cache at once rather than when the cache entry expires.

With Redis (`REDIS_URL`): a pub/sub channel, read without blocking by each authentication (one poll of its
socket while nothing arrived).
On the embedded queue every process shares one host, so a file beside the queue's serves: it is replaced on
each change and each authentication compares its inode and mtime with the last seen (one stat call).
"""
from __future__ import annotations

import logging
import os
import secrets
import select
import threading
import time
from pathlib import Path

from backend.config import Config

log = logging.getLogger(__name__)


class FileSignal:
    def __init__(self, path: Path):
        self.path = path
        self._seen: tuple[int, int] | None = self._stamp()

    def _stamp(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return st.st_ino, st.st_mtime_ns

    def publish(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        tmp.write_text(secrets.token_hex(8))
        os.replace(tmp, self.path)  # a new inode: seen as a change even within one mtime tick

    def changed(self) -> bool:
        stamp = self._stamp()
        if stamp == self._seen:
            return False
        self._seen = stamp
        return True


class RedisSignal:
    """A subscription polled by the authenticating thread itself: before a cached credential is trusted, a
    non-blocking read of the subscription's socket (one syscall) takes whatever announcements Redis has
    already pushed. PUBLISH has written to every subscriber's socket before the rolling request answers, so
    a request that comes after that answer, in any process, sees the change (a listener thread would see it
    only once the GIL let it run)."""

    RECONNECT_SECONDS = 1.0

    def __init__(self, url: str, channel: str):
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=2)
        self.channel = channel
        self._pubsub = None
        # The subscription's socket, once everything Redis had sent was read: while it has nothing to read
        # (one poll), nothing was announced, and redis-py's reader (buffers, timeouts: several syscalls and
        # a tenth of an authentication's CPU) is not run at all.
        self._poller: select.poll | None = None
        self._watched = -1
        self._pid: int | None = None
        self._retry_at = 0.0
        self._lost = False
        self._lock = threading.Lock()

    def publish(self) -> None:
        try:
            self._redis.publish(self.channel, b"1")
        except Exception as exc:  # noqa: BLE001  the cache's own expiry still bounds staleness
            log.warning("could not announce a credential change on Redis: %s", exc)

    def _lose(self, exc: Exception) -> None:
        if not self._lost:  # one line per outage, not one per request
            log.warning("credential change subscription lost Redis (%s); retrying every %.0f s", exc,
                        self.RECONNECT_SECONDS)
            self._lost = True
        self._pubsub = self._poller = None
        self._retry_at = time.monotonic() + self.RECONNECT_SECONDS

    def _watch(self) -> None:
        """Poll the subscription's socket from now on (after a read that left nothing unread)."""
        sock = getattr(self._pubsub.connection, "_sock", None) if self._pubsub.connection else None
        fd = sock.fileno() if sock is not None else -1
        if fd < 0:
            self._poller = None
            return
        if self._poller is None or fd != self._watched:
            self._poller = select.poll()
            self._poller.register(fd, select.POLLIN)
            self._watched = fd

    def changed(self) -> bool:
        with self._lock:
            if self._pid != os.getpid():  # gunicorn forks after import: a child subscribes on its own socket
                self._pid, self._pubsub, self._poller = os.getpid(), None, None
            elif self._poller is not None and not self._poller.poll(0):
                return False  # nothing arrived since everything was read
            if self._pubsub is None:
                if time.monotonic() < self._retry_at:
                    return False
                try:
                    pubsub = self._redis.pubsub()
                    pubsub.subscribe(self.channel)
                except Exception as exc:  # noqa: BLE001
                    self._lose(exc)
                    return True
                self._pubsub, self._poller = pubsub, None
                if self._lost:
                    log.warning("credential change subscription has Redis again")
                    self._lost = False
                return True  # announcements may have been missed while not subscribed
            changed = False
            try:
                while True:
                    message = self._pubsub.get_message(timeout=0)  # never blocks
                    if message is None:
                        self._watch()
                        return changed
                    changed = changed or message.get("type") == "message"
            except Exception as exc:  # noqa: BLE001
                self._lose(exc)
                return True


def make_signal(config: Config) -> FileSignal | RedisSignal:
    """The announcements of the install this configuration names (one per runtime: services/merchants.py's
    CredentialCache owns it)."""
    if config.redis_url:
        return RedisSignal(config.redis_url, f"{config.queue_name}:credentials")
    return FileSignal(Path(config.huey_sqlite_path).with_name("credentials.changed"))
