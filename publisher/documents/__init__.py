"""Document output shared by the review sheet (审核单) and the briefs (舆情日报/专报): PDF and DOCX."""
