"""`python -m aeviz` runs the command line."""

import sys

from aeviz.cli import main

sys.exit(main())
