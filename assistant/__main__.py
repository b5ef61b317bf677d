"""`python -m assistant` runs the `reunify` command."""

import sys

from assistant.cli import main

sys.exit(main())
