import streamlit as st

st.title("Empty")
