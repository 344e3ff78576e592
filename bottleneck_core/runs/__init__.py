"""Runs over time: the history of months, the notifications, and the command line."""
