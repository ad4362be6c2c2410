"""The interactive API documentation renders in a real browser, offline (assets served by the API)."""


def test_swagger_ui_renders_the_generated_spec(stack, page, shoot):
    failed = []
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.goto(stack.api_url + "/api/v1/docs")
    page.get_by_text("PayGate API").first.wait_for()
    page.get_by_text("/api/v1/payments/{id}/refunds").first.wait_for()
    shoot(page, "api-docs")
    assert failed == []
