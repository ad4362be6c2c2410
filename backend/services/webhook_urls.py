"""Webhook URLs against the network: the host resolved (DNS) and its addresses judged by the pure rules of
domain/webhook_urls.py, when a merchant saves the URL and again before each delivery (DNS can change)."""
from __future__ import annotations

import socket
from typing import Callable

from backend.domain.webhook_urls import check_shape, public_only

Resolver = Callable[[str], list[str]]


def resolve(host: str) -> list[str]:
    try:
        return sorted({info[4][0] for info in socket.getaddrinfo(host, None)})
    except (socket.gaierror, UnicodeError, OSError):
        return []


def check_webhook_url(url: str, block_private: bool, resolver: Resolver = resolve, field: str = "webhook_url") -> str:
    """The URL if acceptable (domain.webhook_urls.check_shape), and with `block_private` its host
    resolving to public addresses only; otherwise a BAD_REQUEST_ERROR saying why."""
    host = check_shape(url, field)
    if block_private:
        public_addresses(host, resolver)
    return url


def public_addresses(host: str, resolver: Resolver = resolve) -> list[str]:
    """The host's addresses, all of them public; else BAD_REQUEST_ERROR. Delivery connects to one of
    these very addresses, so a DNS answer that changes after the check (rebinding) cannot redirect it."""
    return public_only(resolver(host))
