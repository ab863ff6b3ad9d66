"""`python -m booking.cli`: the `booking` command without its installed script."""

import sys

from booking.cli import main

sys.exit(main())
