"""Benchmarks: the speed targets of design.md, measured against the simulator."""
