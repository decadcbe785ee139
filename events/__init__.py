"""The tracker's app: its records, who may see them, how they are reviewed, and every surface that
shows them. Start with models/ (its __init__ gives a reading order); README's Layout says where
each concept lives."""
