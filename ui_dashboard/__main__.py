"""`python -m ui_dashboard`: the merchant dashboard on DASHBOARD_PORT (3000).

Env: HOST, DASHBOARD_PORT, API_URL, PUBLIC_API_URL, CHECKOUT_URL, DASHBOARD_STORAGE_SECRET,
DASHBOARD_STORAGE_PATH, DASHBOARD_COOKIE_SECURE (see ui_dashboard/config.py). NiceGUI's test plugin also runs this file.
"""
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a file (NiceGUI's test plugin) as well as with -m
    sys.path.insert(0, str(ROOT))

# NiceGUI reads its storage folder when imported: keep sessions in var/ (git-ignored), not in the cwd.
os.environ.setdefault("NICEGUI_STORAGE_PATH",
                      os.environ.get("DASHBOARD_STORAGE_PATH", str(ROOT / "var" / "dashboard-storage")))

from ui_dashboard.app import main  # noqa: E402

if __name__ in {"__main__", "__mp_main__"}:
    main()
