"""`python -m vanthu` is the `vanthu` console script."""

import sys

from vanthu.cli import main

sys.exit(main())
