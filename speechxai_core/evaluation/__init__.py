"""Evaluation of explanations: faithfulness of one clip's word scores, summaries over a dataset run."""
