"""`python -m vanthu.workdays holidays 2026`."""

import sys

from vanthu.workdays.cli import main

sys.exit(main(sys.argv[1:]))
