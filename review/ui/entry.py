"""The script Streamlit serves: ``review app`` runs ``streamlit run`` on this file, inside the
installed package, and ``app.py`` at the top of a checkout runs it too.

Streamlit runs it as ``__main__`` on every rerun; importing it serves nothing.
"""

from __future__ import annotations

from review.ui.router import main

if __name__ == "__main__":
    main()
