"""Files in: reading under contracts, parsing in an isolated process, --from-dir discovery."""
