"""Code shared by the dashboard and the checkout: both are API clients, never database clients."""
