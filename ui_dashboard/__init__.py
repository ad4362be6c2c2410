"""PayGate merchant dashboard: a NiceGUI app that is a client of the PayGate API only.

`python -m ui_dashboard` starts it (see `ui_dashboard.app`); one module per page under `pages/`.
"""
