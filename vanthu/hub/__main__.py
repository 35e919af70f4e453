"""`python -m vanthu.hub` runs the hub's command line."""

import sys

from vanthu.hub.cli import main

sys.exit(main(sys.argv[1:]))
