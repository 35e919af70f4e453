"""Notifications: in-app, e-mail (SMTP) and SMS (HTTP gateway), with preferences and retries."""
