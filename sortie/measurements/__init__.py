"""Measured cell tests: cycler data in, one typed series per test out.

The shipped LG M50 measurements (WMG, MIT licence) sit in ``data/lgm50/`` with their licence
and attribution.
"""
