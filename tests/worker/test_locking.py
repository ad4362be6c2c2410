"""Duplicate jobs racing on one object act once: the row lock is taken and the locked values are used."""
import threading

from backend.domain.clock import utcnow
from harness.stack import on_postgres


def test_duplicate_refund_jobs_process_once(app, stack):
    from backend.models import Refund, db
    from backend.services import refunds

    p = stack.pay_upi(stack.create_order(8000)["id"], "success@test")
    stack.wait_payment(p["id"])
    stack.kill("worker")  # the test drives the jobs itself
    try:
        r = stack.api("POST", f"/api/v1/payments/{p['id']}/refunds", {"amount": 8000}).json()
        with app.app_context():
            row = db.session.get(Refund, r["id"])
            row.ready_at = utcnow()
            db.session.commit()
        results, barrier = [], threading.Barrier(2)

        def run():
            with app.app_context():
                if on_postgres():
                    # Both read the row unlocked first, as process_refund does, then race for the lock.
                    # (On SQLite that first read already holds the database's write lock.)
                    db.session.get(Refund, r["id"])
                    barrier.wait()
                results.append(refunds.process_refund(db.session, r["id"]))
                db.session.remove()

        threads = [threading.Thread(target=run) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert sorted(results) == ["processed", "skipped"], results
        with app.app_context():
            assert db.session.get(Refund, r["id"]).status == "processed"
    finally:
        stack.start_worker()
