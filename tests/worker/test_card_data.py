"""Card numbers and CVVs are validated and dropped: never stored, never logged, never echoed."""
import re

from sqlalchemy import create_engine, inspect, text

CARDS = [("4111 1111 1111 1111", "4111111111111111", "8642"), ("5555555555554444", "5555555555554444", "7531"),
         ("4000000000000002", "4000000000000002", "9753")]


def all_database_text(url: str) -> str:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    chunks = []
    with engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            for row in conn.execute(text(f'SELECT * FROM "{table}"')):
                chunks.append(repr(tuple(row)))
    engine.dispose()
    return "\n".join(chunks)


def test_card_number_and_cvv_never_reach_database_logs_or_responses(stack, client, merchant_headers, caplog):
    caplog.set_level("DEBUG")
    responses = []
    for spaced, digits, cvv in CARDS:
        order = stack.create_order(1500)
        card = {"number": spaced, "expiry_month": "12", "expiry_year": "2031", "cvv": cvv, "holder_name": "Card Holder"}
        r = stack.api("POST", "/api/v1/payments", {"order_id": order["id"], "method": "card", "card": card})
        assert r.status_code == 201
        responses.append(r.text)
        stack.wait_payment(r.json()["id"])
        responses.append(stack.api("GET", f"/api/v1/payments/{r.json()['id']}").text)
        # refused cards are not echoed either
        bad = stack.api("POST", "/api/v1/payments", {"order_id": order["id"], "method": "card",
                                                     "card": {**card, "expiry_year": "2001"}})
        assert bad.status_code == 400
        responses.append(bad.text)
        pub = stack.api("POST", "/api/v1/payments/public", {"order_id": stack.create_order()["id"], "method": "card",
                                                            "card": card}, auth=False)
        responses.append(pub.text)
    for spaced, _digits, cvv in CARDS:  # and through the in-process app, whose logs pytest captures
        order = client.post("/api/v1/orders", json={"amount": 900}, headers=merchant_headers).get_json()
        card = {"number": spaced, "expiry_month": "12", "expiry_year": "2031", "cvv": cvv, "holder_name": "C H"}
        r = client.post("/api/v1/payments", json={"order_id": order["id"], "method": "card", "card": card},
                        headers=merchant_headers)
        responses.append(r.get_data(as_text=True))
    haystacks = {
        "database": all_database_text(stack.stores.env["DATABASE_URL"]),
        "api log": stack.log_text("api"),
        "worker log": stack.log_text("worker"),
        "responses": "\n".join(responses),
        "captured logs": caplog.text,
    }
    assert "card_last4" in haystacks["database"] or "1111" in haystacks["database"]
    for name, haystack in haystacks.items():
        for spaced, digits, cvv in CARDS:
            assert digits not in haystack, f"card number in {name}"
            assert spaced not in haystack, f"card number in {name}"
            assert f"'{cvv}'" not in haystack and f'"{cvv}"' not in haystack, f"CVV in {name}"
        # As a field name (quoted in JSON or a repr): bare letters can occur by chance inside encrypted secrets.
        assert not re.search(r"[\"']cvv[\"']", haystack, re.IGNORECASE), name
