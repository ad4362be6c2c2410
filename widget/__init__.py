"""checkout.js, written in Python for Transcrypt, and its build."""
