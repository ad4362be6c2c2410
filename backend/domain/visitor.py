"""Who a request really comes from, for the rate limits: pure rules, no I/O.

The dashboard calls the API from its own server, so the API sees the dashboard's address for every visitor.
The dashboard therefore forwards the visitor's address in one header, signed (HMAC-SHA256, with a timestamp)
with a secret only the two servers hold; the API believes the header only when the signature verifies.
A client cannot forge it, and one that copies a header it saw can only spend that visitor's budget, for
MAX_AGE seconds. ARCHITECTURE.md explains why this and not X-Forwarded-For.
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress

HEADER = "X-PayGate-Visitor"
MAX_AGE = 300  # seconds a signed address is believed; generous for clock skew between the two servers
# Counting per IPv6 address would give anyone with a /64 (every home line) 2^64 fresh budgets.
IPV6_PREFIX = 64


def is_loopback(address: str | None) -> bool:
    """The peer is this host (127.0.0.0/8 or ::1): what the metrics and the UIs' diagnostics answer to."""
    try:
        return ipaddress.ip_address(address or "").is_loopback
    except ValueError:
        return False


def _mac(secret: str, address: str, timestamp: int) -> str:
    return hmac.new(secret.encode(), f"{address} {timestamp}".encode(), hashlib.sha256).hexdigest()


def sign(secret: str, address: str, now: float) -> str:
    """The header value the dashboard sends: `<address> <unix seconds> <hex HMAC>`."""
    timestamp = int(now)
    return f"{address} {timestamp} {_mac(secret, address, timestamp)}"


def verify(secret: str, value: str | None, now: float) -> str | None:
    """The forwarded address if the header is well formed, fresh and signed with `secret`; else None."""
    if not value or not secret or len(value) > 200:
        return None
    parts = value.split(" ")
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    address, timestamp, mac = parts[0], int(parts[1]), parts[2]
    if abs(now - timestamp) > MAX_AGE or not hmac.compare_digest(mac, _mac(secret, address, timestamp)):
        return None
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def behind_proxies(peer: str, forwarded_for: str | None, trusted: int) -> str:
    """The client's address as `trusted` reverse proxies in front of us report it, the way Werkzeug's ProxyFix
    reads X-Forwarded-For: the trusted-th value from the right (anything further left is the client's own
    claim); the peer itself when there are no trusted proxies or too few values."""
    if trusted <= 0 or not forwarded_for:
        return peer
    values = [v.strip() for v in forwarded_for.split(",")]
    return values[-trusted] if len(values) >= trusted and values[-trusted] else peer


def rate_key(address: str) -> str:
    """What one address's budget is counted under: the address itself, or its /64 for IPv6."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/{IPV6_PREFIX}", strict=False))
    return str(ip)
