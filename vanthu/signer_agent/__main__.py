"""``python -m vanthu.signer_agent`` (the same as the ``vanthu-signer`` command)."""

import sys

from vanthu.signer_agent.cli import main

sys.exit(main())
