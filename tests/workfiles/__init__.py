"""Tests of the work files (hồ sơ công việc)."""
