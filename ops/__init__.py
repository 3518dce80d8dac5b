"""Operational code: runs the services (one, or the whole platform), loads sample data, and
the `clearinghouse` command. It names the services; the shared library never imports it."""
