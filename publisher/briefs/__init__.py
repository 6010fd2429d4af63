"""Briefs for leadership: 舆情日报 (one day) and 舆情专报 (one issue), built only from stored facts.

``facts/`` computes every figure from the store (one function per figure), ``build`` assembles them into a
``BriefContent``, and ``html``/``docx``/``pdf`` render that one content object, so the three formats always
say the same thing.
"""
