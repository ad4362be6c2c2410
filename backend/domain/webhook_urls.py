"""Which webhook URLs we accept, and which addresses count as private networks: pure rules over a URL
and over the addresses its host resolved to. The resolving (DNS, I/O) is services/webhook_urls.py's, which
checks when a merchant saves the URL and again before each delivery, since DNS can change in between.
"""
from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

from backend.domain.errors import bad_request

MAX_URL_LENGTH = 2048


# IPv6 prefixes whose last 32 bits are an IPv4 address a gateway or the host stack reaches: IPv4-compatible
# (::a.b.c.d), SIIT's IPv4-translated (::ffff:0:a.b.c.d) and NAT64's well-known and local-use prefixes.
_LOW32_EMBEDDINGS = tuple(ipaddress.ip_network(n) for n in ("::/96", "::ffff:0:0/96", "64:ff9b::/96",
                                                             "64:ff9b:1::/48"))
_METADATA = {"169.254.169.254", "100.100.100.200", "fd00:ec2::254"}


def embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """Every IPv4 address an IPv6 one carries (mapped, 6to4, Teredo server and client, the low-32-bit
    embeddings, ISATAP): a packet to it can end up at that IPv4 address, so it is judged by them too."""
    found = [ip.ipv4_mapped, ip.sixtofour, *(ip.teredo or ())]
    low32 = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    isatap = (int(ip) >> 32) & 0xFDFFFFFF == 0x00005EFE  # interface id 0000:5efe or 0200:5efe
    if isatap or any(ip in net for net in _LOW32_EMBEDDINGS):
        found.append(low32)
    return [v4 for v4 in found if v4 is not None]


def _blocked(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address):
        if any(_blocked(v4) or not v4.is_global for v4 in embedded_ipv4(ip)):
            return True
    return (ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_multicast or ip.is_reserved
            or ip.is_unspecified or str(ip) in _METADATA or ip in ipaddress.ip_network("100.64.0.0/10"))


def check_shape(url: str, field: str = "webhook_url") -> str:
    """The URL's host if the URL is acceptable; otherwise a BAD_REQUEST_ERROR saying why (naming `field`:
    a payment's return_url is checked by the same rules)."""
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
    return host


def public_only(addresses: list[str]) -> list[str]:
    """A host's resolved addresses, if there are some and all of them are public; else BAD_REQUEST_ERROR."""
    if not addresses:
        raise bad_request("webhook_url host does not resolve")
    for address in addresses:
        if _blocked(ipaddress.ip_address(address.split("%")[0])):
            raise bad_request("webhook_url must not point to a private, loopback or link-local address")
    return addresses
