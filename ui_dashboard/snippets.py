"""The integration snippets of the docs page, as plain functions (easy to test and to keep working)."""
from __future__ import annotations


def create_order_curl(api_url: str, api_key: str, api_secret: str) -> str:
    return f"""curl -X POST {api_url}/api/v1/orders \\
  -H "X-Api-Key: {api_key}" \\
  -H "X-Api-Secret: {api_secret}" \\
  -H "Content-Type: application/json" \\
  -d '{{"amount": 50000, "currency": "INR", "receipt": "receipt_123", "notes": {{"customer": "Asha"}}}}'

# 201 Created
# {{"id": "order_...", "amount": 50000, "currency": "INR", "status": "created", ...}}"""


def create_order_python(api_url: str, api_key: str, api_secret: str) -> str:
    return f"""# pip install ./clients/python (from a PayGate checkout): the Python SDK, `from paygate import PayGate`
from paygate import PayGate

client = PayGate("{api_key}", "{api_secret}", "{api_url}")
order = client.orders.create(amount=50000, currency="INR", receipt="receipt_123", notes={{"customer": "Asha"}})
print(order.id, order.status)  # order_... created"""


def confirm_payment_curl(api_url: str, api_key: str, api_secret: str) -> str:
    return f"""curl {api_url}/api/v1/payments/pay_xxxxxxxxxxxxxxxx \\
  -H "X-Api-Key: {api_key}" \\
  -H "X-Api-Secret: {api_secret}"

# 200 OK
# {{"id": "pay_...", "order_id": "order_...", "amount": 50000, "status": "success", ...}}"""


def confirm_payment_python(api_url: str, api_key: str, api_secret: str) -> str:
    return f"""from paygate import PayGate

client = PayGate("{api_key}", "{api_secret}", "{api_url}")
payment = client.payments.get("pay_xxxxxxxxxxxxxxxx")  # the paymentId the checkout reported
if payment.status == "success":
    ...  # ship the order"""


def sdk_html(checkout_url: str, api_key: str) -> str:
    return f"""<script src="{checkout_url}/checkout.js"></script>
<button id="pay-button">Pay ₹500.00</button>
<script>
  document.getElementById('pay-button').addEventListener('click', function () {{
    new PaymentGateway({{
      key: '{api_key}',
      orderId: 'order_xxxxxxxxxxxxxxxx',  // the id your server got from POST /api/v1/orders
      onSuccess: function (data) {{
        // data: {{paymentId, orderId, amount, currency, status}}; confirm it on your server
        window.location.href = '/thank-you?payment_id=' + data.paymentId;
      }},
      onFailure: function (data) {{
        console.warn('Payment failed', data.error, data.reason);  // the modal stays open for another try
      }},
      onClose: function () {{
        console.log('Checkout closed');
      }}
    }}).open();
  }});
</script>"""


def webhook_python(secret: str) -> str:
    return f'''# Flask receiver; standard library only for the check.
import hashlib
import hmac

from flask import Flask, abort, request

app = Flask(__name__)
WEBHOOK_SECRET = "{secret}"  # from the Webhooks page; keep it in an environment variable


def verify_signature(raw_body: bytes, signature: str, secret: str) -> bool:
    expected = hmac.new(secret.encode("utf-8"), raw_body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature or "")


@app.post("/webhooks/paygate")
def paygate_webhook():
    raw_body = request.get_data()  # the exact bytes, before any JSON parsing
    if not verify_signature(raw_body, request.headers.get("X-Webhook-Signature", ""), WEBHOOK_SECRET):
        abort(400)
    event = request.get_json()
    if event["event"] == "payment.success":
        payment = event["data"]["payment"]
        ...  # mark the order paid (idempotently: a delivery can repeat)
    return "", 204'''


def webhook_python_helper(secret: str) -> str:
    return f'''# PayGate's helper: copy backend/domain/signing.py from the PayGate repository next to your app
# (standard library only). It also checks the Standard Webhooks headers (webhook-id, webhook-timestamp,
# webhook-signature) and refuses replays older than 5 minutes.
from flask import Flask, abort, request

from signing import WebhookVerificationError, verify_webhook

app = Flask(__name__)
WEBHOOK_SECRET = "{secret}"


@app.post("/webhooks/paygate")
def paygate_webhook():
    try:
        verify_webhook(request.get_data(), request.headers, secret=WEBHOOK_SECRET)
    except WebhookVerificationError:
        abort(400)
    event = request.get_json()
    ...  # handle event["event"] idempotently
    return "", 204'''


def webhook_sdk(secret: str) -> str:
    return f'''# With the Python SDK (pip install ./clients/python): both signature schemes, replays refused.
import paygate
from flask import Flask, abort, request

app = Flask(__name__)
WEBHOOK_SECRET = "{secret}"


@app.post("/webhooks/paygate")
def paygate_webhook():
    try:
        event = paygate.webhooks.verify(request.get_data(), request.headers, secret=WEBHOOK_SECRET)
    except paygate.SignatureVerificationError:
        abort(400)
    if event.event == "payment.success":
        order_id = event.data["payment"]["order_id"]
        ...  # mark it paid (idempotently: event.id is the same on every retry)
    return "", 204'''


def webhook_node(secret: str) -> str:
    return f"""// Node 18+, no dependencies (the same check works in Express with express.raw())
const crypto = require('crypto');
const http = require('http');

const WEBHOOK_SECRET = process.env.PAYGATE_WEBHOOK_SECRET || '{secret}';

function verifySignature(rawBody, signature, secret) {{
  const expected = Buffer.from(crypto.createHmac('sha256', secret).update(rawBody).digest('hex'));
  const received = Buffer.from(signature || '');
  return received.length === expected.length && crypto.timingSafeEqual(received, expected);
}}

http.createServer((req, res) => {{
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {{
    const rawBody = Buffer.concat(chunks);  // the exact bytes, before any JSON parsing
    if (req.method !== 'POST' || !verifySignature(rawBody, req.headers['x-webhook-signature'], WEBHOOK_SECRET)) {{
      res.writeHead(400).end();
      return;
    }}
    const event = JSON.parse(rawBody.toString('utf8'));
    if (event.event === 'payment.success') {{
      // mark event.data.payment.order_id paid (idempotently: a delivery can repeat)
    }}
    res.writeHead(204).end();
  }});
}}).listen(process.env.PORT || 4000);"""
