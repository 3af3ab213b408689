"""Streamlit pages, widgets and charts. Only this package and app.py import Streamlit."""
