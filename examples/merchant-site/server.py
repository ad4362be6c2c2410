"""A tiny shop that takes payments with PayGate: its server creates the order, its page opens checkout.js."""
import json, os, re, urllib.error, urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

API = os.environ.get("API_URL", "http://127.0.0.1:8000")
CHECKOUT = os.environ.get("CHECKOUT_URL", "http://127.0.0.1:3001")
KEY, SECRET = os.environ.get("PAYGATE_KEY", "key_test_abc123"), os.environ.get("PAYGATE_SECRET", "secret_test_xyz789")
PAGE = """<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Chai &amp; Co.</title><script src="%(checkout)s/checkout.js"></script><style>body{font:16px system-ui;
max-width:420px;margin:40px auto;padding:0 16px}button{font:inherit;padding:12px 20px;border:0;border-radius:8px;
background:#2563eb;color:#fff;cursor:pointer}</style></head><body><h1>Chai &amp; Co.</h1>
<p>Masala chai, 250 g &mdash; <b>&#8377;499.00</b></p><button id="buy">Buy now</button><p id="status" role="status"></p>
<script>
const note = document.getElementById('status');
document.getElementById('buy').onclick = async () => {
  const order = await (await fetch('/orders', {method: 'POST'})).json();  // your server creates the order
  if (order.error) { note.textContent = order.error.description; return; }
  new PaymentGateway({key: '%(key)s', orderId: order.id,
    onSuccess: async (d) => {  // confirm on your server before you ship anything
      note.textContent = 'Confirming your payment...';
      const p = await (await fetch('/payments/' + d.paymentId)).json();
      note.textContent = 'Thank you! Payment ' + p.id + ' is ' + p.status + '.'; },
    onFailure: (d) => { note.textContent = 'Payment failed: ' + d.error; },
    onClose: () => { if (!note.textContent) note.textContent = 'Checkout closed.'; }}).open();
};
</script></body></html>"""


def api(method, path, body=None):
    request = urllib.request.Request(API + path, method=method, data=json.dumps(body).encode() if body else None,
                                     headers={"X-Api-Key": KEY, "X-Api-Secret": SECRET, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


class Shop(BaseHTTPRequestHandler):
    def send(self, status, body, kind="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if match := re.fullmatch(r"/payments/(pay_[A-Za-z0-9]+)", self.path):
            return self.send(*api("GET", "/api/v1/payments/" + match.group(1)))
        self.send(200, (PAGE % {"checkout": CHECKOUT, "key": KEY}).encode(), "text/html; charset=utf-8")

    def do_POST(self):  # the amount comes from your catalogue, never from the browser
        self.send(*api("POST", "/api/v1/orders", {"amount": 49900, "currency": "INR", "receipt": "chai-250g"}))


if __name__ == "__main__":
    port = int(os.environ.get("SHOP_PORT", "4000"))
    print(f"Chai & Co. on http://127.0.0.1:{port} (API {API}, checkout {CHECKOUT})")
    ThreadingHTTPServer((os.environ.get("HOST", "127.0.0.1"), port), Shop).serve_forever()
