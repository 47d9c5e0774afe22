"""Shared pieces of the Streamlit app: data access, safe rendering, widgets used by several pages."""
