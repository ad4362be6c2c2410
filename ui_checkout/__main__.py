"""`python -m ui_checkout`: HOST, CHECKOUT_PORT and API_URL from the environment."""
import os

# A server started by a test inherits PYTEST_CURRENT_TEST, and NiceGUI then ignores the port it is given.
os.environ.pop("PYTEST_CURRENT_TEST", None)

from ui_checkout.app import main  # noqa: E402

main()
