"""The government's yearly holiday decisions as administrators enter them, feeding the
working-day calendar (vanthu.workdays) that deadlines, reminders and monitoring use."""
