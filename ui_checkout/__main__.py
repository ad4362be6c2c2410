"""`python -m ui_checkout`: HOST, CHECKOUT_PORT and API_URL from the environment."""
from ui_checkout.app import main

main()
