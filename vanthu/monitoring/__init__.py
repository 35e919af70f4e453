"""Monitoring (hệ thống giám sát): units and officials who do not follow the process."""
