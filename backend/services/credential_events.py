"""Tells every API process that a merchant's credentials changed (a rolled secret, a new merchant), so that
each drops its in-memory credential cache at once rather than when the cache entry expires.

With Redis (`REDIS_URL`): a pub/sub channel, heard by one listener thread per process; no cost per request.
On the embedded queue every process shares one host, so a file beside the queue's serves: it is replaced on
each change and each authentication compares its inode and mtime with the last seen (one stat call).
"""
from __future__ import annotations

import logging
import os
import secrets
import threading
import time
from pathlib import Path
from typing import Callable

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
    RECONNECT_SECONDS = 1.0

    def __init__(self, url: str, channel: str):
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=2)
        self.channel = channel
        self._flag = threading.Event()
        self._pid: int | None = None
        self._lock = threading.Lock()

    def publish(self) -> None:
        try:
            self._redis.publish(self.channel, b"1")
        except Exception as exc:  # noqa: BLE001  the cache's own expiry still bounds staleness
            log.warning("could not announce a credential change on Redis: %s", exc)

    def _listen(self) -> None:
        lost = False
        while True:
            try:
                pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(self.channel)
                self._flag.set()  # messages may have been missed while not subscribed
                if lost:
                    log.warning("credential change listener has Redis again")
                    lost = False
                for message in pubsub.listen():
                    if message and message.get("type") == "message":
                        self._flag.set()
            except Exception as exc:  # noqa: BLE001  one line per outage, not one per retry
                if not lost:
                    log.warning("credential change listener lost Redis (%s); retrying every %.0f s", exc,
                                self.RECONNECT_SECONDS)
                    lost = True
                time.sleep(self.RECONNECT_SECONDS)

    def changed(self) -> bool:
        if self._pid != os.getpid():  # started lazily in each process (gunicorn forks after import)
            with self._lock:
                if self._pid != os.getpid():
                    self._pid = os.getpid()
                    threading.Thread(target=self._listen, name="credential-events", daemon=True).start()
        if self._flag.is_set():
            self._flag.clear()
            return True
        return False


_signals: dict[tuple, FileSignal | RedisSignal] = {}


def signal_for(config: Config) -> FileSignal | RedisSignal:
    key = (config.redis_url, config.queue_name, config.huey_sqlite_path)
    signal = _signals.get(key)
    if signal is None:
        if config.redis_url:
            signal = RedisSignal(config.redis_url, f"{config.queue_name}:credentials")
        else:
            signal = FileSignal(Path(config.huey_sqlite_path).with_name("credentials.changed"))
        _signals[key] = signal
    return signal


def on_change(config: Config, drop: Callable[[], None]) -> None:
    """Call `drop` if any process announced a change since the last call."""
    if signal_for(config).changed():
        drop()
