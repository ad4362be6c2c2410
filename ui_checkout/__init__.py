"""The hosted checkout (docs/api.md §7): a NiceGUI app, an API client of the public endpoints only."""
