"""`python -m assistant` runs the `reunify` command."""

import sys

from assistant.commands.main import main

sys.exit(main())
