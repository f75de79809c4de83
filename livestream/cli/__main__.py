"""`python -m livestream.cli` is the `livestream` command."""

import sys

from livestream.cli import main

sys.exit(main())
