"""The dashboard on a merchant with a large history (loaded in bulk by `flask load-demo`): the overview, page
2 reached by cursor and back, an exact total under a date filter, and a filtered export streamed whole."""
from __future__ import annotations

import csv
import io
import os
import subprocess

from playwright.sync_api import Page, expect

from tests.e2e.test_dashboard import PASSWORD, login, rows, signup
from harness.stack import BIN, ROOT

# Past the 10,000 bound of counted totals: the shown ones come from the running totals. A million, once by
# hand (PAYGATE_SCALE_TEST_PAYMENTS=1000000 make test-browser ARGS="-k loaded"), shows the same pages.
PAYMENTS = int(os.environ.get("PAYGATE_SCALE_TEST_PAYMENTS", "20000"))


def test_dashboard_on_a_loaded_merchant(page: Page, stack, shoot):
    merchant = signup(stack, "Big Bazaar")
    headers = merchant["headers"]
    subprocess.run([str(BIN / "flask"), "--app", "backend:create_app(seed=False)", "load-demo", "--payments",
                    str(PAYMENTS), "--email", merchant["merchant"]["email"], "--seed", "7"],
                   cwd=ROOT, env=stack.env, check=True, capture_output=True)
    dash = stack.dashboard_url
    stats = stack.api("GET", "/api/v1/stats", headers=headers).json()
    assert stats["total_transactions"] == PAYMENTS

    login(page, dash, merchant["merchant"]["email"], PASSWORD)
    expect(page.get_by_test_id("total-transactions")).to_have_text(str(PAYMENTS))
    shoot(page, "dashboard-overview-loaded")

    page.get_by_test_id("nav-transactions").click()
    info = page.get_by_test_id("pagination-info")
    expect(info).to_have_text(f"Showing 1–10 of {PAYMENTS}")
    first = [r.get_attribute("data-payment-id") for r in rows(page).all()]
    page.get_by_test_id("next-page-button").click()
    expect(info).to_have_text(f"Showing 11–20 of {PAYMENTS}")
    api_page2 = stack.api("GET", f"/api/v1/payments?limit=10&starting_after={first[-1]}", headers=headers).json()
    expect(rows(page).first).to_have_attribute("data-payment-id", api_page2["data"][0]["id"])
    assert [r.get_attribute("data-payment-id") for r in rows(page).all()] == [p["id"] for p in api_page2["data"]]
    page.get_by_test_id("prev-page-button").click()
    expect(info).to_have_text(f"Showing 1–10 of {PAYMENTS}")
    assert [r.get_attribute("data-payment-id") for r in rows(page).all()] == first
    expect(page.get_by_test_id("prev-page-button")).to_be_disabled()

    page.get_by_test_id("date-from-filter").fill("2000-01-01")  # whole days: still exact, from the totals
    expect(info).to_have_text(f"Showing 1–10 of {PAYMENTS}")
    page.get_by_test_id("date-from-filter").fill("")

    page.get_by_test_id("status-filter").select_option("failed")
    failed = stack.api("GET", "/api/v1/payments?status=failed&limit=1", headers=headers).json()["total"]
    expect(info).to_have_text(f"Showing 1–10 of {failed}")
    with page.expect_download(timeout=max(120_000, PAYMENTS // 4)) as download:
        page.get_by_test_id("export-csv-button").click()
    exported = list(csv.DictReader(io.StringIO(download.value.path().read_text())))
    assert len(exported) == failed > 200  # several API pages of 100
    assert {r["status"] for r in exported} == {"failed"} and len({r["id"] for r in exported}) == failed
    expect(page.get_by_text(f"Exported {failed:,} payments")).to_be_visible()
    shoot(page, "dashboard-transactions-loaded-export")

    page.get_by_test_id("nav-webhooks").click()
    expect(page.get_by_test_id("webhook-log-retention")).to_have_text("Deliveries are kept for 90 days")
