"""Wiring and entry points: settings, the config file, building every object once, serve, cli
and shell.
"""
