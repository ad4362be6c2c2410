import json
import time
from collections import Counter

import pytest

from backend.domain import ids
from backend.domain.money import format_amount, format_whole
from backend.domain.retry import next_retry_delay
from backend.domain.signing import (WebhookVerificationError, canonical_body, sign_hex, signature_headers,
                                    verify_webhook)
from backend.domain.status import (IllegalTransition, OrderStatus, PaymentStatus, RefundStatus, WebhookStatus,
                                   move)
from backend.services.webhook_urls import check_webhook_url
from backend.domain.errors import GatewayError


def test_ids_have_prefix_and_16_alnum():
    for prefix in (ids.ORDER, ids.PAYMENT, ids.REFUND):
        values = {ids.new_id(prefix) for _ in range(200)}
        assert len(values) == 200
        assert all(ids.looks_like(prefix, v) for v in values)


def test_id_characters_are_uniform():
    """Every one of the 62 characters equally likely: a modulo mapping of bytes would make 8 of them 25% more
    frequent, which this bound (5 standard deviations) catches."""
    counts = Counter("".join(ids.new_id("") for _ in range(10_000)))
    expected = 160_000 / 62
    assert len(counts) == 62
    assert all(abs(n - expected) < 0.1 * expected for n in counts.values()), counts


@pytest.mark.parametrize("paise,whole,exact", [
    (0, "₹0", "₹0.00"), (50000, "₹500", "₹500.00"), (50000000, "₹5,00,000", "₹5,00,000.00"),
    (12345678901, "₹12,34,56,789", "₹12,34,56,789.01"), (99, "₹0", "₹0.99"), (100000, "₹1,000", "₹1,000.00"),
])
def test_indian_grouping(paise, whole, exact):
    assert format_whole(paise) == whole
    assert format_amount(paise) == exact


def test_retry_schedule():
    assert [next_retry_delay(n, False) for n in range(1, 6)] == [60, 300, 1800, 7200, None]
    assert [next_retry_delay(n, True) for n in range(1, 6)] == [5, 10, 15, 20, None]


def test_status_machines():
    assert move("pending", PaymentStatus.SUCCESS) == "success"
    assert move("created", OrderStatus.ATTEMPTED) == "attempted"
    assert move("attempted", OrderStatus.PAID) == "paid"
    assert move("failed", WebhookStatus.PENDING) == "pending"
    for current, new in [("success", PaymentStatus.FAILED), ("failed", PaymentStatus.SUCCESS),
                         ("paid", OrderStatus.ATTEMPTED), ("processed", RefundStatus.PENDING)]:
        with pytest.raises(IllegalTransition):
            move(current, new)


def test_signatures_verify_and_refuse_tampering():
    payload = {"event": "payment.success", "timestamp": 1705315870, "data": {"payment": {"id": "pay_x", "vpa": "ü@x"}}}
    body = canonical_body(payload)
    assert body == json.dumps(json.loads(body), separators=(",", ":"), ensure_ascii=False).encode()
    now = int(time.time())
    headers = signature_headers("whsec_test_abc123", "msg_1", now, body)
    assert headers["X-Webhook-Signature"] == sign_hex("whsec_test_abc123", body)
    assert verify_webhook(body, headers, "whsec_test_abc123") == "standard"
    only_hex = {"X-Webhook-Signature": headers["X-Webhook-Signature"]}
    assert verify_webhook(body, only_hex, "whsec_test_abc123") == "hex"
    with pytest.raises(WebhookVerificationError):
        verify_webhook(body + b" ", headers, "whsec_test_abc123")
    with pytest.raises(WebhookVerificationError):
        verify_webhook(body, headers, "whsec_other")
    with pytest.raises(WebhookVerificationError):
        verify_webhook(body, {**only_hex, "X-Webhook-Signature": "0" * 64}, "whsec_test_abc123")
    old = signature_headers("whsec_test_abc123", "msg_1", now - 3600, body)
    with pytest.raises(WebhookVerificationError, match="tolerance"):
        verify_webhook(body, old, "whsec_test_abc123")
    assert verify_webhook(body, old, "whsec_test_abc123", now=now - 3600) == "standard"


@pytest.mark.parametrize("url,ok", [
    ("https://example.com/hook", True), ("http://localhost:9000/h", True), ("ftp://x.com/", False),
    ("javascript:alert(1)", False), ("https://", False), ("http://a b.com/", False), ("https://x.com:99999/", False),
    ("https://x.com/" + "a" * 2100, False),
    ("http://127.0.0.1:18931\\@1.1.1.1/ssrf", False), ("http://user:pw@example.com/", False),
    ("http://example.com@127.0.0.1/", False), ("http://exämple.com/", False), ("http://example.com/\x00", False),
    ("http://[::1]:8080/h", True),
])
def test_webhook_url_shape(url, ok):
    if ok:
        assert check_webhook_url(url, block_private=False) == url
    else:
        with pytest.raises(GatewayError):
            check_webhook_url(url, block_private=False)


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "192.168.0.9", "172.16.5.5", "169.254.169.254",
                                     "::1", "fe80::1", "0.0.0.0", "100.64.0.1", "::ffff:127.0.0.1"])
def test_private_addresses_blocked_when_asked(address):
    with pytest.raises(GatewayError, match="private"):
        check_webhook_url("https://hooks.example/x", block_private=True, resolver=lambda h: [address])
    assert check_webhook_url("https://hooks.example/x", block_private=False, resolver=lambda h: [address])


# IPv6 forms that carry an IPv4 address: a packet sent to them can end up at that IPv4 address.
EMBEDDED_PRIVATE = [
    "2002:7f00:1::", "2002:a9fe:a9fe::", "2002:a00:1::1", "2002:c0a8:1::",    # 6to4 of 127/8, metadata, 10/8, 192.168/16
    "2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001:0:7f00:1:0:0:0:1",          # Teredo (server and client embedded)
    "::127.0.0.1", "::10.0.0.1", "::169.254.169.254",                         # IPv4-compatible
    "::ffff:0:127.0.0.1", "::ffff:0:a9fe:a9fe",                               # SIIT IPv4-translated
    "64:ff9b::127.0.0.1", "64:ff9b::a9fe:a9fe", "64:ff9b:1::a00:1",           # NAT64, well-known and local-use
    "2001:4860::5efe:127.0.0.1", "2001:4860::200:5efe:a00:1",                 # ISATAP interface ids
    "::ffff:169.254.169.254", "::ffff:100.64.0.1", "2002:6440:1::",           # mapped, and 6to4 of 100.64/10 CGNAT
]


@pytest.mark.parametrize("address", EMBEDDED_PRIVATE)
def test_ipv6_forms_embedding_a_private_ipv4_are_refused_at_save_and_at_delivery(address):
    from dataclasses import replace

    from backend.config import Config
    from backend.services.webhooks import Delivery, send

    url = f"http://[{address}]:8080/hook"
    with pytest.raises(GatewayError, match="private"):  # the real resolver: the literal resolves to itself
        check_webhook_url(url, block_private=True)
    assert check_webhook_url(url, block_private=False) == url
    config = replace(Config.from_env(), webhook_block_private_networks=True)
    result = send(config, Delivery("log-id", url, "whsec_x", b"{}"))  # refused before any connection
    assert not result.ok and result.response_code is None and "private" in result.response_body


@pytest.mark.parametrize("address", ["2002:808:808::", "2001:4860::5efe:808:808", "2606:4700:4700::1111"])
def test_ipv6_forms_embedding_a_public_ipv4_are_allowed(address):
    assert check_webhook_url(f"http://[{address}]/h", block_private=True) == f"http://[{address}]/h"


def test_public_address_allowed_when_blocking():
    assert check_webhook_url("https://hooks.example/x", True, resolver=lambda h: ["93.184.216.34"])


def test_receiver_replies_are_stored_safely():
    from backend.services.webhooks import MAX_RESPONSE_BODY, storable_text

    assert storable_text("ok\x00") == "ok\ufffd"
    assert storable_text("a\ud800b") == "a?b"
    assert len(storable_text("x" * 10_000)) == MAX_RESPONSE_BODY
