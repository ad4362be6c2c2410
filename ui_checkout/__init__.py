"""The hosted checkout (CONTRACT §7): a NiceGUI app, an API client of the public endpoints only."""
