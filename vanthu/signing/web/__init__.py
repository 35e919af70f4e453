"""Screens of the signing app: credentials, trust store, browser-driven signing sessions
and the public verification page. Each area has its own view and URL module."""
