"""LiveKit access tokens for web and app callers: settings, request models, limits, issuing."""
