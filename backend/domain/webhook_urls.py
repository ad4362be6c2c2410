"""Which webhook URLs we accept, and (optionally) refusing ones that point into private networks.

Checked when a merchant saves the URL and again before each delivery, since DNS can change in between.
"""
from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

from backend.domain.errors import bad_request

MAX_URL_LENGTH = 2048


def _blocked(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return (ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_multicast or ip.is_reserved
            or ip.is_unspecified or str(ip) in {"169.254.169.254", "100.100.100.200", "fd00:ec2::254"}
            or ip in ipaddress.ip_network("100.64.0.0/10"))


def resolve(host: str) -> list[str]:
    try:
        return sorted({info[4][0] for info in socket.getaddrinfo(host, None)})
    except (socket.gaierror, UnicodeError, OSError):
        return []


def check_webhook_url(url: str, block_private: bool, resolver=resolve, field: str = "webhook_url") -> str:
    """The URL if acceptable; otherwise a BAD_REQUEST_ERROR saying why (naming `field`: a payment's
    return_url is checked by the same rules)."""
    if len(url) > MAX_URL_LENGTH:
        raise bad_request(f"{field} must be at most {MAX_URL_LENGTH} characters")
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # raises on a malformed port
    except ValueError:
        raise bad_request(f"{field} must be a valid http or https URL")
    # Anything two URL parsers could read differently is refused: a backslash, credentials, control or
    # non-ASCII characters ("http://127.0.0.1:80\\@1.1.1.1/" is 1.1.1.1 to one parser, 127.0.0.1 to another).
    if (parts.scheme not in ("http", "https") or not host or "\\" in url or not url.isascii()
            or any(ord(c) <= 32 or ord(c) == 127 for c in url)):
        raise bad_request(f"{field} must be a valid http or https URL")
    if "@" in parts.netloc:
        raise bad_request(f"{field} must not contain credentials")
    try:
        sent_to = (parse_url(url).host or "").strip("[]").lower()
    except LocationParseError:
        sent_to = ""
    if sent_to != host.lower():  # the parser that sends must agree with the one that checked
        raise bad_request(f"{field} must be a valid http or https URL")
    if block_private:
        public_addresses(host, resolver)
    return url


def public_addresses(host: str, resolver=resolve) -> list[str]:
    """The host's addresses, all of them public; else BAD_REQUEST_ERROR. Delivery connects to one of
    these very addresses, so a DNS answer that changes after the check (rebinding) cannot redirect it."""
    addresses = resolver(host)
    if not addresses:
        raise bad_request("webhook_url host does not resolve")
    for address in addresses:
        if _blocked(ipaddress.ip_address(address.split("%")[0])):
            raise bad_request("webhook_url must not point to a private, loopback or link-local address")
    return addresses
