"""The transport under both clients: one request description (`Call`), one retry rule, one pager.

Retries are safe because every POST carries an Idempotency-Key made once per call and reused on every
attempt: the API replays the first answer instead of acting twice. A call the API cannot de-duplicate
(the public payment endpoint takes no key) is retried only when the request surely never left or was
refused with a 429.
"""
from __future__ import annotations

import os
import random
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel

from paygate import errors
from paygate._meta import DEFAULT_BASE_URL, __version__

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
RETRY_STATUSES = frozenset({409, 429, 500, 502, 503, 504})
PAGE_SIZE = 100  # the API's largest page

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Retry:
    """Exponential backoff with jitter: attempt n waits a random time in [d/2, d], d = min(cap, base * 2**n)."""

    max_retries: int = 3
    base: float = 0.5
    cap: float = 8.0

    def delay(self, attempt: int, retry_after: str | None = None) -> float:
        if retry_after and retry_after.isdigit():
            return min(float(retry_after), self.cap)
        ceiling = min(self.cap, self.base * 2 ** attempt)
        return random.uniform(ceiling / 2, ceiling)


@dataclass(frozen=True)
class Call:
    """One API operation, as both clients send it."""

    method: str
    path: str
    model: type[BaseModel] | None = None
    params: dict[str, Any] | None = None
    json: dict[str, Any] | None = field(default=None, repr=False)  # may hold a card number: never printed
    auth: bool = True
    dedupable: bool = True  # the API honours Idempotency-Key here (every merchant POST)
    idempotency_key: str | None = None
    # One X-Request-Id for every attempt: the API's logs tie them together, and a call that never got an
    # answer still has an id to quote.
    request_id: str = field(default_factory=lambda: "req_" + uuid.uuid4().hex)

    @property
    def replayable(self) -> bool:
        """Sending it twice acts once: a read, a PUT, or a POST with its Idempotency-Key."""
        return self.method in ("GET", "PUT") or self.idempotency_key is not None

    def headers(self) -> dict[str, str]:
        headers = {"X-Request-Id": self.request_id}
        if self.idempotency_key:
            headers["Idempotency-Key"] = self.idempotency_key
        return headers


def call(method: str, path: str, model: type[BaseModel] | None = None, *, params: dict[str, Any] | None = None,
         json: dict[str, Any] | None = None, auth: bool = True, dedupable: bool = True,
         idempotency_key: str | None = None) -> Call:
    """A Call with None-valued parameters dropped and, on a de-duplicable POST, its one Idempotency-Key."""
    if method == "POST" and dedupable and auth and idempotency_key is None:
        idempotency_key = str(uuid.uuid4())
    return Call(method, path, model, _without_none(params), _without_none(json), auth, dedupable, idempotency_key)


def _without_none(values: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if values is None else {k: v for k, v in values.items() if v is not None}


def _fresh(c: Call, **changes: Any) -> Call:
    """The next page's call: a request of its own, with its own id."""
    return replace(c, request_id="req_" + uuid.uuid4().hex, **changes)


def _request_id(response: httpx.Response | None) -> str | None:
    return response.headers.get("X-Request-Id") if response is not None else None


@dataclass
class _Attempt:
    """What one attempt gave, and whether another is due."""

    call: Call
    retry: Retry
    n: int = 0

    def retry_delay(self, response: httpx.Response | None, exc: Exception | None) -> float | None:
        if self.n >= self.retry.max_retries:
            return None
        if exc is not None:
            # Unsent for sure: a refused or timed-out connect. Otherwise the API may have acted already.
            unsent = isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout))
            safe = unsent or self.call.replayable
        else:
            assert response is not None
            # A 429 refused the request before it did anything: safe to send again, key or not.
            status = response.status_code
            safe = status in RETRY_STATUSES and (self.call.replayable or status == 429)
        if not safe:
            return None
        delay = self.retry.delay(self.n, response.headers.get("Retry-After") if response is not None else None)
        self.n += 1
        return delay

    def outcome(self, response: httpx.Response | None, exc: Exception | None) -> tuple[float | None, Any]:
        """(seconds to wait before the next attempt, None), or (None, the call's result); or raises."""
        delay = self.retry_delay(response, exc)
        if delay is not None:
            return delay, None
        if exc is not None:
            raise connection_error(exc, self.call.request_id) from exc
        assert response is not None
        return None, result(self.call, response)


def result(call: Call, response: httpx.Response) -> Any:
    """The parsed answer: the call's model, or the exception named by the error's code."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.status_code >= 400:
        raise errors.from_response(response.status_code, body, _request_id(response))
    if call.model is None:
        return body
    return call.model.model_validate(body)


def connection_error(exc: Exception, request_id: str) -> errors.APIConnectionError:
    return errors.APIConnectionError(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__,
                                     request_id=request_id)


class _Base:
    _http_class: type[httpx.Client] | type[httpx.AsyncClient]

    def __init__(self, key: str | None = None, secret: str | None = None, base_url: str | None = None, *,
                 timeout: Any = None, retry: Retry = Retry(), page_size: int = PAGE_SIZE, http_client: Any = None):
        self.key = key if key is not None else os.environ.get("PAYGATE_API_KEY")
        self.secret = secret if secret is not None else os.environ.get("PAYGATE_API_SECRET")
        self.base_url = (base_url or os.environ.get("PAYGATE_API_URL") or DEFAULT_BASE_URL).rstrip("/")
        self.timeout = DEFAULT_TIMEOUT if timeout is None else timeout
        self.retry = retry
        self.page_size = page_size
        self.http: Any = http_client or self._http_class(timeout=self.timeout)

    def _headers(self, c: Call) -> dict[str, str]:
        headers = {"User-Agent": f"paygate-python/{__version__}", "Accept": "application/json", **c.headers()}
        if c.auth:
            if not self.key or not self.secret:
                raise errors.AuthenticationError("No API key and secret: pass them or set PAYGATE_API_KEY "
                                                 "and PAYGATE_API_SECRET", status=None)
            headers.update({"X-Api-Key": self.key, "X-Api-Secret": self.secret})
        return headers

    def _send_args(self, c: Call) -> dict[str, Any]:
        return {"method": c.method, "url": self.base_url + c.path, "params": c.params, "json": c.json,
                "headers": self._headers(c)}


class SyncTransport(_Base):
    _http_class = httpx.Client

    def run(self, c: Call) -> Any:
        attempt = _Attempt(c, self.retry)
        while True:
            try:
                delay, value = attempt.outcome(self.http.request(**self._send_args(c)), None)
            except httpx.TransportError as e:
                delay, value = attempt.outcome(None, e)
            if delay is None:
                return value
            time.sleep(delay)

    def paginate(self, c: Call, model: type[M]) -> Iterator[M]:
        pager = Pager(c, self.page_size)
        while not pager.done:
            for item in pager.feed(self.run(pager.next_call())):
                yield model.model_validate(item)

    def close(self) -> None:
        self.http.close()


class AsyncTransport(_Base):
    _http_class = httpx.AsyncClient

    async def run(self, c: Call) -> Any:
        attempt = _Attempt(c, self.retry)
        while True:
            try:
                delay, value = attempt.outcome(await self.http.request(**self._send_args(c)), None)
            except httpx.TransportError as e:
                delay, value = attempt.outcome(None, e)
            if delay is None:
                return value
            import asyncio  # loaded already under a running loop; the sync client and the CLI never need it

            await asyncio.sleep(delay)

    async def paginate(self, c: Call, model: type[M]) -> AsyncIterator[M]:
        pager = Pager(c, self.page_size)
        while not pager.done:
            for item in pager.feed(await self.run(pager.next_call())):
                yield model.model_validate(item)

    async def close(self) -> None:
        await self.http.aclose()


@dataclass
class Pager:
    """Walks a listing to its end: by cursor (`starting_after` the last id) when the API answers `has_more`,
    else by limit/offset until `total`. Newest first, so a row created meanwhile shifts the offsets: ids
    already yielded are skipped."""

    first: Call
    page_size: int = PAGE_SIZE
    offset: int = 0
    after: str | None = None
    done: bool = False
    seen: set[str] = field(default_factory=set)

    def next_call(self) -> Call:
        params = {**(self.first.params or {}), "limit": self.page_size}
        if self.after is not None:
            params["starting_after"] = self.after
        else:
            params["offset"] = self.offset
        return _fresh(self.first, params=params, model=None)

    def feed(self, page: dict[str, Any]) -> list[dict[str, Any]]:
        data = page.get("data") or []
        if "has_more" in page:
            self.done = not page["has_more"] or not data
            self.after = data[-1]["id"] if data else self.after
        else:
            self.offset += len(data)
            self.done = not data or self.offset >= int(page.get("total", 0))
        fresh = [item for item in data if item.get("id") not in self.seen]
        self.seen.update(item.get("id") for item in fresh)
        return fresh
