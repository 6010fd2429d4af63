"""The analysts' Streamlit dashboard."""
