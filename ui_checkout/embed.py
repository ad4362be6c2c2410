"""Embedded mode: the page inside checkout.js's iframe tells its parent what happened (docs/api.md §7).

The browser posts; the server only asks it to. Nothing is posted unless the page is embedded and
actually framed. The target origin is the framing page's, found once and kept for the tab: after a
reload inside the iframe (NiceGUI reloads after a long disconnect, e.g. a phone shopper away in their UPI
app) the referrer is the checkout itself, and messages posted there would never reach the merchant.
"""
from __future__ import annotations

import json
from typing import Any

from nicegui import Client

from backend.domain.errors import shopper_message

SCRIPT = """<script>
window.paygateEmbed = (function () {
  var target = null;
  try { if (location.ancestorOrigins && location.ancestorOrigins.length) { target = location.ancestorOrigins[0]; } }
  catch (e) {}
  if (!target) {
    try {
      var referrer = document.referrer && new URL(document.referrer).origin;
      if (referrer && referrer !== location.origin) { target = referrer; }
    } catch (e) {}
  }
  try {
    if (target) { sessionStorage.setItem('paygate.parentOrigin', target); }
    else { target = sessionStorage.getItem('paygate.parentOrigin'); }
  } catch (e) {}
  target = target || '*';
  function post(message) {
    if (window.parent && window.parent !== window) { window.parent.postMessage(message, target); }
  }
  document.addEventListener('keydown', function (event) {
    if (event.key === 'Escape') { post({type: 'close_modal'}); }
  });
  return {post: post};
})();
</script>"""


def success_message(payment: dict[str, Any]) -> dict[str, Any]:
    return {"type": "payment_success",
            "data": {"paymentId": payment["id"], "orderId": payment["order_id"], "amount": payment["amount"],
                     "currency": payment["currency"], "status": payment["status"]}}


def failure_message(payment: dict[str, Any]) -> dict[str, Any]:
    """Beyond docs/api.md §7's {paymentId, orderId, error}: why (reason, source, step: the payment's error_* fields)
    and the sentence the shopper was shown (description)."""
    return {"type": "payment_failed",
            "data": {"paymentId": payment["id"], "orderId": payment["order_id"],
                     "error": payment.get("error_description") or "Payment failed",
                     "reason": payment.get("error_reason"), "source": payment.get("error_source"),
                     "step": payment.get("error_step"), "description": shopper_message(payment.get("error_reason"))}}


class Embed:
    def __init__(self, client: Client, embedded: bool):
        self.client = client
        self.embedded = embedded

    def post(self, message: dict[str, Any]) -> None:
        if self.embedded:
            self.client.run_javascript(f"window.paygateEmbed && window.paygateEmbed.post({json.dumps(message)})")
