"""Reports of explanations: one clip as HTML or plain text, a dataset run as CSV tables and HTML."""
