"""Trained networks shipped with axbnn.

``digits.npz`` is rebuilt by ``axbnn train -o hwgen/models/digits.npz``.
"""
