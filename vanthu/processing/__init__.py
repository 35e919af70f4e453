"""Assignments (phiếu giải quyết văn bản đến), progress, completion, deadlines and reminders."""
