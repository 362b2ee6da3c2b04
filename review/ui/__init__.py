"""The browser app. The only package of the toolkit that imports streamlit; it calls the library."""
