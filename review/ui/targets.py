"""Pickers whose choice is an entity's id, kept apart from the widget, so renaming cannot move it.

Streamlit sends a selectbox's value over the wire as its option's *text*: when that text holds a
label and the label changes (a study renamed), the browser's old text matches no option and
Streamlit silently falls back to the first one, so the page body switches to another entity while
the callbacks already bound still write to the first. Here the chosen id lives in a plain session
key (and, if asked, in the address as ``?param=``), and the widget is set from it on every run:
the selector and the body are drawn from the same id, whatever the labels became.
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st


def _param_key(state_key: str) -> str:
    return f"{state_key}_param"


def _picked(state_key: str, widget: str, ids: tuple[int, ...], param: str | None) -> None:
    value = st.session_state.get(widget)
    if value not in ids:  # a stale text from the browser: keep the choice as it was
        return
    st.session_state[state_key] = value
    if param:
        st.query_params[param] = str(value)
        st.session_state[_param_key(state_key)] = str(value)


def chosen_id(state_key: str, ids: Mapping[int, object] | list[int], param: str | None = None):
    """The id chosen (a new ``?param=`` in the address wins: a link from another page), or None
    when there was no choice yet. A choice that no longer exists is dropped, with a warning."""
    state = st.session_state
    if param:
        raw = st.query_params.get(param)
        if raw and raw != state.get(_param_key(state_key)):
            state[_param_key(state_key)] = raw
            if raw.isdigit() and int(raw) in ids:
                state[state_key] = int(raw)
            else:
                st.warning(f"There is no {param} {raw}; showing another.")
    current = state.get(state_key)
    if current is not None and current not in ids:
        st.warning(f"{param or 'The choice'} {current} no longer exists; showing another.")
        state.pop(state_key)
        current = None
    return current


def pick(
    label: str,
    names: Mapping[int, str],
    *,
    key: str,
    state_key: str,
    param: str | None = None,
) -> int | None:
    """A selectbox over ``names`` (id -> text shown); returns the chosen id, None if no ids.

    ``key`` is the widget's key, ``state_key`` the session key holding the chosen id (the single
    source of truth), ``param`` a query parameter mirroring it (so a link can choose)."""
    ids = tuple(names)
    if not ids:
        return None
    current = chosen_id(state_key, names, param)
    if current is None:
        current = ids[0]
    st.session_state[state_key] = current
    if param and st.query_params.get(param) != str(current):
        st.query_params[param] = str(current)
        st.session_state[_param_key(state_key)] = str(current)
    st.session_state[key] = current  # the widget shows the choice, never a stale text's fallback
    st.selectbox(
        label,
        ids,
        format_func=lambda i: names.get(i, str(i)),
        key=key,
        on_change=_picked,
        args=(state_key, key, ids, param),
    )
    return current
