"""Plotly figures and tables shared by the app, reports and notebooks."""
