"""The business calendar, slot search and how dates are said aloud."""
